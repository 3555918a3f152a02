"""The selection-aware bootstrap: 1,000 replicates with the whole default selection inside
(exhaustive AIC over the 100 best models up to 5 lists, stepwise AIC from 6), on every table of
5 or more lists in tests/reference/mse, on 2 processes; the same seed on 1 process must give the
same interval. Baselines in the same run: the dense-design fitter this replaced (fits per second
on NewOrl's replicates) and, where R with SparseMSE is installed, SparseMSE's
``estimatepopulation`` (1,000 replicates, its p-value stepwise inside) on the 5-list tables.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from harness import Measurement, measure, write_results

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REF = ROOT / "tests" / "reference" / "mse"
TABLES = ["NewOrl", "NewOrl_186", "UKdat", "Ned", "NewOrl_5", "NewOrl_5_186", "UKdat_5",
          "Ned_5", "Western", "Congenital_MA"]  # fmt: skip
REPLICATES = 1000
LIMIT_S = 60.0
R_MAX_LISTS = 5  # SparseMSE's bootstrap on NewOrl's 8 lists ran over 5 minutes without ending

R_SCRIPT = """
suppressMessages(library(SparseMSE))
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
t0 <- proc.time()[["elapsed"]]
e <- estimatepopulation(d, nboot = 1000, pthresh = 0.02, iseed = 1)
cat(proc.time()[["elapsed"]] - t0, "\\n")
"""


def _r_seconds(name: str) -> float | None:
    """SparseMSE's 1,000-replicate bootstrap on one table, or None without R and SparseMSE."""
    if shutil.which("Rscript") is None:
        return None
    try:
        out = subprocess.run(
            ["Rscript", "-e", R_SCRIPT, str(REF / f"{name}.csv")],
            capture_output=True, text=True, timeout=1800, env=os.environ, check=True,
        )  # fmt: skip
    except (subprocess.SubprocessError, OSError):
        return None
    try:
        return float(out.stdout.strip().split()[-1])
    except (ValueError, IndexError):
        return None


def _fit_rates() -> list[Measurement]:
    from tests.estimate.reference_fit import ReferenceFitter

    from zichtbaar.estimate import read_patterns_csv
    from zichtbaar.estimate.fit import Fitter
    from zichtbaar.estimate.select import _terms_of

    t = read_patterns_csv(REF / "NewOrl.csv")
    rng = np.random.default_rng(0)
    ys = [rng.poisson(t.full_counts()).astype(np.float64) for _ in range(20)]
    models = [_terms_of(int(rng.integers(0, 2**28)), Fitter(8, ys[0]).pairs) for _ in range(20)]

    def run(cls: type) -> None:
        for y in ys:
            f = cls(8, y)
            for m in models:
                f.fit(m)

    Fitter(8, ys[0]).fit(models[0])  # load the compiled kernels before timing
    return [
        measure(
            "dense fitter, 400 NewOrl fits (baseline)", lambda: run(ReferenceFitter), items=400
        ),
        measure("binary fitter, 400 NewOrl fits", lambda: run(Fitter), items=400),
    ]


def main() -> None:
    from zichtbaar.estimate import estimate, read_patterns_csv

    ms = _fit_rates()
    rows = []
    for name in TABLES:
        t = read_patterns_csv(REF / f"{name}.csv")
        t0 = time.perf_counter()
        two = estimate(t, bootstrap=REPLICATES, seed=1, workers=2)
        secs = time.perf_counter() - t0
        one = estimate(t, bootstrap=REPLICATES, seed=1, workers=1)
        r_secs = _r_seconds(name) if t.k <= R_MAX_LISTS else None
        m = Measurement(f"bootstrap {REPLICATES}, {name} ({t.k} lists, {two.method})", [secs],
                        items=REPLICATES)  # fmt: skip
        same = (one.ci_low, one.ci_high) == (two.ci_low, two.ci_high)
        m.extra = {"ci": [two.ci_low, two.ci_high], "estimate": two.estimate,
                   "same_interval_on_1_process": same, "failed": two.bootstrap_failed,
                   "sparsemse_seconds": r_secs}  # fmt: skip
        ms.append(m)
        rows.append((name, t.k, secs, same, r_secs))
    print(f"{'table':14s} lists  seconds (<= {LIMIT_S:.0f})  same on 1 process  SparseMSE s")
    for name, k, secs, same, r_secs in rows:
        r = "-" if r_secs is None else f"{r_secs:.1f}"
        print(f"{name:14s} {k:5d}  {secs:8.1f} {'ok' if secs <= LIMIT_S else 'OVER':>5s}"
              f"  {same!s:>17s}  {r:>11s}")  # fmt: skip
    write_results(
        "estimate_bootstrap",
        ms,
        binary_vs_dense_fit_speedup=ms[0].median / ms[1].median,
        slowest_bootstrap_s=max(r[2] for r in rows),
        all_same_interval=all(r[3] for r in rows),
        load_average=os.getloadavg(),
    )


if __name__ == "__main__":
    main()
