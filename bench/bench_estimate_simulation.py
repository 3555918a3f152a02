"""Simulation study of the estimate stage: bias and 95 % coverage over 200 replicates.

Three scenarios with four lists and a known total N = 1,000:
- independent lists;
- positive dependence between lists A and B (the true model main + A:B is a candidate);
- heterogeneity: a person-level random effect (sd 1 on the logit scale) shared by all lists,
  which no two-way model captures exactly (the known weak spot of log-linear MSE).
Each replicate selects a model (stepwise AIC), and reports the profile interval of the chosen
model and a 99-replicate parametric bootstrap interval that re-runs the selection.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from harness import Measurement, write_results
from zichtbaar.errors import EstimationError
from zichtbaar.estimate import estimate, make_table

N = 1000
REPLICATES = 200
BOOT = 99
LISTS = ["A", "B", "C", "D"]


def _population(scenario: str, rng: np.random.Generator) -> Any:
    p = np.array([0.25, 0.2, 0.3, 0.2])
    if scenario == "independent":
        return rng.random((N, 4)) < p
    if scenario == "dependence":
        caught = rng.random((N, 4)) < p
        caught[:, 1] = np.where(caught[:, 0], rng.random(N) < 0.5, rng.random(N) < 0.12)
        return caught
    logit = np.log(p / (1 - p))[None, :] + rng.normal(0, 1, size=(N, 1))
    return rng.random((N, 4)) < 1 / (1 + np.exp(-logit))


def _one(args: tuple[str, int]) -> dict[str, Any]:
    scenario, seed = args
    rng = np.random.default_rng(seed)
    caught = _population(scenario, rng)
    seen = caught[caught.any(axis=1)].astype(int)
    pats, counts = np.unique(seen, axis=0, return_counts=True)
    try:
        t = make_table(LISTS, pats, counts)
        r = estimate(t, method="stepwise", criterion="aic", bootstrap=BOOT, seed=seed, workers=1)
    except EstimationError:
        return {"ok": False}
    prof = r.profile_ci or (np.nan, np.nan)
    boot = r.bootstrap_ci or (np.nan, np.nan)
    return {
        "ok": True,
        "estimate": r.estimate,
        "profile_cover": bool(prof[0] <= N <= prof[1]),
        "boot_cover": bool(boot[0] <= N <= boot[1]),
        "model_has_AB": "A:B" in r.model,
    }


def main() -> None:
    import time

    summary: dict[str, Any] = {}
    ms = []
    for s_i, scenario in enumerate(("independent", "dependence", "heterogeneity")):
        t0 = time.perf_counter()
        jobs = [(scenario, 10_000 * (s_i + 1) + i) for i in range(REPLICATES)]
        with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            res = [r for r in pool.map(_one, jobs, chunksize=10) if r["ok"]]
        est = np.array([r["estimate"] for r in res])
        summary[scenario] = {
            "replicates": len(res),
            "failed": REPLICATES - len(res),
            "true_N": N,
            "mean_estimate": float(est.mean()),
            "relative_bias": float(est.mean() / N - 1),
            "relative_rmse": float(np.sqrt(np.mean((est / N - 1) ** 2))),
            "coverage_profile_selected_model": float(np.mean([r["profile_cover"] for r in res])),
            "coverage_bootstrap_with_selection": float(np.mean([r["boot_cover"] for r in res])),
            "share_selecting_A:B": float(np.mean([r["model_has_AB"] for r in res])),
        }
        ms.append(Measurement(f"simulation {scenario}", [time.perf_counter() - t0], REPLICATES))
        print(scenario, summary[scenario], flush=True)
    write_results("estimate_simulation", ms, scenarios=summary, bootstrap_replicates=BOOT)


if __name__ == "__main__":
    main()
