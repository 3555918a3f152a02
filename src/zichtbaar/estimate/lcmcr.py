"""Latent-class multiple systems estimation (``--method lcmcr``): the model of R's LCMCR.

Log-linear models see only the dependence between lists that two-way terms express; when people
differ in how visible they are (minors nearly invisible to every list), they underestimate. The
latent-class model lets people fall in up to K classes with their own recording rates, the
classes weighted by a Dirichlet process so that the data decide how many are used
(Manrique-Vallier 2016, Biometrics 72). The defaults are LCMCR's: K = 10 (the value the paper and
HRDAG use), alpha ~ Gamma(0.25, 0.25), lambda ~ Beta(1, 1), p(N) proportional to 1/N with N
capped at 20 x the observed count.

Several seeded chains run one after another (each reproducible on its own); convergence is judged
with the rank-normalised split R-hat and the bulk and tail effective sample sizes of Vehtari et
al. (2021), from ArviZ, and a failed check is a warning in the result, never silence.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zichtbaar.errors import EstimationError
from zichtbaar.estimate import lcmcr_kernel
from zichtbaar.estimate.patterns import PatternTable
from zichtbaar.estimate.posterior import Posterior, from_draws

RHAT_MAX = 1.01  # Vehtari et al. (2021): chains agree
ESS_MIN = 400  # ... and there are enough effective draws for 95 % interval ends
FULL_SHARE = 0.5  # every class in use in more draws than this: K may be too small
CAP_SHARE = 0.01  # iterations whose hidden count hit the 20 x cap


def _diagnostics(hidden: np.ndarray) -> dict[str, float]:
    import arviz_stats.base  # imported here: it takes seconds to import

    array_stats: Any = vars(arviz_stats.base)["array_stats"]  # not re-exported for mypy
    x = hidden.astype(np.float64)
    if np.ptp(x) == 0:
        return {"rhat": 1.0, "ess_bulk": float(x.size), "ess_tail": float(x.size)}
    return {
        "rhat": float(array_stats.rhat(x, chain_axis=0, draw_axis=1)),
        "ess_bulk": float(array_stats.ess(x, chain_axis=0, draw_axis=1, method="bulk")),
        "ess_tail": float(array_stats.ess(x, chain_axis=0, draw_axis=1, method="tail", prob=0.05)),
    }


def _warnings(diag: dict[str, Any], classes: int, table: PatternTable) -> list[str]:
    out = []
    if table.k == 3:
        out.append(
            "with three lists the latent-class model is only weakly identified: the interval "
            "leans on the prior; compare with the log-linear and model-averaged estimates"
        )
    if diag["chains"] > 1 and not diag["rhat"] <= RHAT_MAX:
        out.append(
            f"the chains disagree (R-hat {diag['rhat']:.3f} > {RHAT_MAX}): the figure is not "
            "reliable; run longer (--burnin, --draws) or check the table"
        )
    if not min(diag["ess_bulk"], diag["ess_tail"]) >= ESS_MIN:
        out.append(
            f"too few effective draws (bulk {diag['ess_bulk']:.0f}, tail {diag['ess_tail']:.0f}; "
            f"at least {ESS_MIN} needed): run longer (--draws)"
        )
    if diag["share_all_classes_used"] > FULL_SHARE:
        out.append(
            f"all {classes} latent classes are in use in "
            f"{100 * diag['share_all_classes_used']:.0f} % of draws: rerun with more classes"
        )
    if diag["share_at_cap"] > CAP_SHARE:
        out.append(
            f"the hidden count reaches the model's cap of {lcmcr_kernel.TRUNCATE} x the observed "
            f"count in {100 * diag['share_at_cap']:.1f} % of iterations: the lists do not bound "
            "the hidden number, and the upper end of the interval is the cap's, not the data's"
        )
    return out


def latent_class(
    table: PatternTable,
    classes: int = 10,
    chains: int = 4,
    burnin: int = 10_000,
    draws: int = 2_500,
    thin: int = 10,
    seed: int = 0,
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
) -> Posterior:
    """The posterior of the total under the latent-class model, by Gibbs sampling.

    ``chains`` chains, each ``burnin`` iterations then ``draws`` kept draws ``thin`` iterations
    apart; chain c is seeded from ``seed`` (numpy's SeedSequence), so a result is reproducible.
    """
    if table.k < 3:
        raise EstimationError(
            "latent-class estimation needs at least three lists (with two, classes and "
            "dependence cannot be told apart)"
        )
    for name, value, low in (
        ("classes", classes, 2), ("chains", chains, 1), ("burnin", burnin, 0),
        ("draws", draws, 10), ("thin", thin, 1),
    ):  # fmt: skip
        if value < low:
            raise EstimationError(f"{name} must be at least {low}")
    if not (a_alpha > 0 and b_alpha > 0):
        raise EstimationError("the Gamma prior of alpha needs positive parameters")
    keep = table.counts > 0
    cells = np.ascontiguousarray(table.patterns[keep], dtype=np.int64)
    freq = np.ascontiguousarray(np.round(table.counts[keep]), dtype=np.int64)
    seeds = np.random.SeedSequence(seed).generate_state(chains)
    hidden = np.empty((chains, draws), dtype=np.int64)
    occupied = np.empty((chains, draws), dtype=np.int64)
    capped = 0
    for c in range(chains):
        h, occ, _alpha, trunc = lcmcr_kernel.run_chain(
            cells, freq, classes, a_alpha, b_alpha, burnin, draws, thin, int(seeds[c])
        )
        hidden[c], occupied[c] = h, occ
        capped += trunc
    diag: dict[str, Any] = {"chains": chains, "draws_per_chain": draws, **_diagnostics(hidden)}
    diag["classes_used_mean"] = round(float(occupied.mean()), 2)
    diag["share_all_classes_used"] = round(float(np.mean(occupied == classes)), 4)
    diag["share_at_cap"] = round(capped / (chains * draws * thin), 5)
    settings = {
        "classes": classes, "a_alpha": a_alpha, "b_alpha": b_alpha, "lambda_prior": "Beta(1, 1)",
        "n_prior": "1/N, N <= 20 x observed", "chains": chains, "burnin": burnin,
        "draws": draws, "thin": thin, "seed": seed,
    }  # fmt: skip
    totals = (hidden + table.observed).astype(np.float64).ravel()
    return from_draws(
        "lcmcr",
        table,
        totals,
        settings=settings,
        diagnostics={k: (round(v, 4) if isinstance(v, float) else v) for k, v in diag.items()},
        warnings=_warnings(diag, classes, table),
    )
