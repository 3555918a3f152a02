"""The yearly estimation procedures a release can publish, behind one interface.

A procedure turns one year's pattern table (lists = reporter groups, with the covariates the
heterogeneity models need) into a ``Figure``: the total, its 95 % interval, and what a linkage
combination needs (the log-scale standard error of a frequentist figure, the draws of a Bayesian
one). The simulation study (``bench/bench_estimate_validity.py``) compares them on the same
tables, and the release publishes the one the study chose (``DEFAULT_PROCEDURE``) with the
others as its sensitivity table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zichtbaar.errors import EstimationError
from zichtbaar.estimate.bayes import estimate_bayes
from zichtbaar.estimate.covariates import estimate_covariate
from zichtbaar.estimate.estimator import estimate
from zichtbaar.estimate.linkage_mi import rubin_log, widen
from zichtbaar.estimate.patterns import PatternTable, make_table
from zichtbaar.estimate.posterior import PROBS

FloatArray = npt.NDArray[np.float64]
Z95 = 1.959963984540054
COVARIATE = "minor_adult"
"""The covariate of the heterogeneity models: minors are the group every list sees least."""
GROUP = "population_group"
"""Minors, Dutch adults and foreign adults: the groups ``lcmcr_groups`` models apart (see
``population_groups``)."""

BOOTSTRAP = 200  # replicates of the selection-aware bootstrap (estimate/yearly.REPORT_BOOTSTRAP)


@dataclass
class Figure:
    """One procedure's total for one table; ``estimate`` is NaN and ``reason`` says why when the
    procedure cannot give one."""

    procedure: str
    observed: int
    estimate: float
    ci_low: float
    ci_high: float
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    samples: FloatArray | None = field(default=None, repr=False, compare=False)
    bayesian: bool = False

    @property
    def ok(self) -> bool:
        return self.reason is None and bool(np.isfinite(self.estimate))

    @property
    def log_se(self) -> float:
        """Standard error of log(hidden count) read off the 95 % interval (the scale on which
        capture-recapture intervals are about symmetric, and Rubin's rules are applied)."""
        lo = max(self.ci_low - self.observed, 0.5)
        hi = max(self.ci_high - self.observed, lo)
        return float((np.log(hi) - np.log(lo)) / (2 * Z95))

    def to_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return round(float(x), 1) if np.isfinite(x) else None

        return {
            "procedure": self.procedure,
            "label": PROCEDURE_LABELS.get(self.procedure, self.procedure),
            "observed": self.observed,
            "estimate": num(self.estimate),
            "ci_low": num(self.ci_low),
            "ci_high": num(self.ci_high),
            "reason": self.reason,
            "warnings": self.warnings,
            "detail": self.detail,
        }


def failed(procedure: str, observed: int, reason: str) -> Figure:
    nan = float("nan")
    return Figure(procedure, observed, nan, nan, nan, reason=reason)


def _pooled(table: PatternTable) -> PatternTable:
    """Summed over the covariate, without the lists that registered nobody of this group
    (youth care sees no adults): an empty list carries no information and no model has it."""
    p = table.pooled()
    used = np.asarray(p.counts) @ np.asarray(p.patterns) > 0
    keep = [i for i in range(table.k) if used[i]]
    pats = np.asarray(p.patterns)[:, keep]
    return make_table([table.lists[i] for i in keep], pats, p.counts)


def _loglinear(table: PatternTable, seed: int, bootstrap: int) -> Figure:
    name = "loglinear_bootstrap" if bootstrap else "loglinear"
    r = estimate(_pooled(table), bootstrap=bootstrap, seed=seed, workers=1)
    return Figure(
        name,
        r.observed,
        r.estimate,
        r.ci_low,
        r.ci_high,
        warnings=r.warnings,
        detail={"model": r.model, "ci_method": r.ci_method},
    )


def _covariate(table: PatternTable, seed: int) -> Figure:
    """Log-linear with the minor/adult covariate: own main effects per level, the pooled table's
    AIC-selected interactions shared (the sparse minors borrow the dependence structure)."""
    if COVARIATE not in table.strata:
        raise EstimationError(f"the table has no '{COVARIATE}' covariate")
    pooled = estimate(_pooled(table))
    shared = ",".join(pooled.model) or "main"
    try:
        c = estimate_covariate(table, COVARIATE, model=shared, bootstrap=BOOTSTRAP, seed=seed)
    except EstimationError:
        shared = "main"
        c = estimate_covariate(table, COVARIATE, model=shared, bootstrap=BOOTSTRAP, seed=seed)
    levels = dict(zip(c.levels, c.estimates, strict=True))
    lo, hi = c.total_ci or (float("nan"), float("nan"))
    return Figure(
        "covariate",
        int(sum(c.observed)),
        c.total,
        lo,
        hi,
        warnings=c.warnings,
        detail={"shared_model": shared, "levels": {k: round(v, 1) for k, v in levels.items()}},
    )


def _bayes(table: PatternTable, method: str, seed: int, chains: int = 4) -> Figure:
    opts: dict[str, Any] = {"seed": seed, "chains": chains} if method == "lcmcr" else {}
    p = estimate_bayes(_pooled(table), method, **opts)
    return Figure(
        method,
        p.observed,
        p.estimate,
        p.ci_low,
        p.ci_high,
        warnings=p.warnings,
        detail={"diagnostics": p.diagnostics},
        samples=p.samples,
        bayesian=True,
    )


def population_groups(minor_adult: pd.Series, nationality_group: pd.Series) -> npt.NDArray[Any]:
    """``minor`` | ``adult_dutch`` | ``adult_foreign`` (an unknown nationality counts as foreign).

    Why nationality splits the adults: the lists' strongest dependences run along it. The
    Marechaussee registers foreigners at the border, who are then rarely anyone else's, and legal
    aid takes on foreign victims only (residence permits); within Dutch and within foreign adults
    what remains is the positive referral dependence latent classes model well. Minors are not
    split further: their overlaps are too few (docs/estimation.md).
    """
    minor = minor_adult.to_numpy() == "minor"
    dutch = nationality_group.fillna("").to_numpy() == "NL"
    return np.where(minor, "minor", np.where(dutch, "adult_dutch", "adult_foreign"))


def _lcmcr_within(table: PatternTable, covariate: str, name: str, seed: int, chains: int) -> Figure:
    """LCMCR within each level of ``covariate``, the totals' draws summed (strata are independent
    given the data, so a random pairing of their draws is a draw of the sum). ``levels`` reports
    minors and adults (the adults' groups summed), what the report's chart shows."""
    if covariate not in table.strata:
        raise EstimationError(f"the table has no '{covariate}' covariate")
    rng = np.random.default_rng(seed)
    total: FloatArray | None = None
    parts: dict[str, FloatArray] = {}
    warnings: list[str] = []
    for (level,) in table.levels([covariate]):
        sub = table.stratum(**{covariate: level})
        try:
            p = estimate_bayes(_pooled(sub), "lcmcr", seed=seed, chains=chains)
        except EstimationError as exc:
            raise EstimationError(f"{level}: {exc}") from exc
        assert p.samples is not None
        draws = rng.permutation(p.samples)
        total = draws if total is None else total + draws
        key = "minor" if str(level) == "minor" else "adult"
        parts[key] = parts[key] + draws if key in parts else draws
        warnings += [f"{level}: {w}" for w in p.warnings]
    assert total is not None
    qs = np.quantile(total, PROBS)
    return Figure(
        name,
        table.observed,
        float(qs[2]),
        float(qs[0]),
        float(qs[-1]),
        warnings=warnings,
        detail={"levels": {k: round(float(np.median(v)), 1) for k, v in parts.items()}},
        samples=total,
        bayesian=True,
    )


Procedure = Callable[[PatternTable, int, int], Figure]
"""(table, seed, chains) -> Figure; ``chains`` only matters to the latent-class samplers."""
PROCEDURES: Mapping[str, Procedure] = {
    "loglinear": lambda t, s, c: _loglinear(t, s, 0),
    "loglinear_bootstrap": lambda t, s, c: _loglinear(t, s, BOOTSTRAP),
    "covariate": lambda t, s, c: _covariate(t, s),
    "lcmcr": lambda t, s, c: _bayes(t, "lcmcr", s, c),
    "lcmcr_strata": lambda t, s, c: _lcmcr_within(t, COVARIATE, "lcmcr_strata", s, c),
    "lcmcr_groups": lambda t, s, c: _lcmcr_within(t, GROUP, "lcmcr_groups", s, c),
    "dga": lambda t, s, c: _bayes(t, "dga", s),
}
PROCEDURE_LABELS = {
    "loglinear": "log-linear, AIC-selected, profile interval",
    "loglinear_bootstrap": "log-linear, AIC-selected, selection-aware bootstrap",
    "covariate": "log-linear with minor/adult covariate",
    "lcmcr": "latent classes (LCMCR)",
    "lcmcr_strata": "latent classes within minors and adults",
    "lcmcr_groups": "latent classes within minors, Dutch and foreign adults",
    "dga": "model averaging (dga)",
}


def run_procedure(name: str, table: PatternTable, seed: int = 0, chains: int = 4) -> Figure:
    """One procedure on one table; an estimation error becomes a figure with its reason."""
    if name not in PROCEDURES:
        raise EstimationError(f"unknown procedure; use one of {', '.join(PROCEDURES)}")
    try:
        return PROCEDURES[name](table, seed, chains)
    except EstimationError as exc:
        return failed(name, table.observed, str(exc))


def draw_chains(m: int) -> int:
    """Sampler chains per linkage draw: the default run's four chains shared out over the draws
    (one chain per draw from four draws on), so M draws cost about one run, not M."""
    return max(1, 4 // m)


def combine_figures(figures: list[Figure], base: Figure | None = None) -> Figure:
    """One figure from the same procedure on M linkage draws (multiple imputation).

    Without ``base``: Bayesian draws' posterior samples pooled in equal numbers; frequentist,
    Rubin's rules on log(total) (within-draw variance from each interval, between-draw variance
    of the estimates, Student t with Rubin's degrees of freedom). With ``base`` (the figure on
    the run's own clustering, what the release publishes): the base's interval widened on the
    log scale by Rubin's between-draw term, centred on the base (``linkage_mi.widen``). That is
    never narrower than the base and contains it, so the linkage can only add uncertainty; the
    draws' own centre is not used because a draw keeps each link with its probability and so
    breaks more links than the run's clustering does (more persons, fewer overlaps). A draw
    without a figure makes the combination fail (dropping it would hide exactly the clusterings
    that break the model).
    """
    name = figures[0].procedure
    observed = round(float(np.mean([f.observed for f in figures])))
    if base is not None and not base.ok:
        return failed(name, base.observed, f"the run's own clustering: {base.reason}")
    bad = [f for f in figures if not f.ok]
    if bad:
        return failed(
            name, observed, f"{len(bad)} of {len(figures)} linkage draws: {bad[0].reason}"
        )
    spread = float(np.std([f.estimate for f in figures]))
    samples: FloatArray | None = None
    if base is not None:
        est = base.estimate
        lo, hi = widen(base.estimate, base.ci_low, base.ci_high, [f.estimate for f in figures])
        observed, samples = base.observed, base.samples
    elif all(f.bayesian and f.samples is not None for f in figures):
        size = min(len(f.samples) for f in figures if f.samples is not None)
        pooled = np.concatenate([f.samples[:size] for f in figures if f.samples is not None])
        qs = np.quantile(pooled, PROBS)
        est, lo, hi = float(qs[2]), float(qs[0]), float(qs[-1])
        samples = pooled
    else:
        r = rubin_log([f.estimate for f in figures], [max(f.ci_low, 1.0) for f in figures],
                      [f.ci_high for f in figures])  # fmt: skip
        est, lo, hi = r["estimate"], r["ci_low"], r["ci_high"]
    return Figure(
        name, observed, est, lo, hi,
        warnings=sorted({w for f in [*figures, *([base] if base else [])] for w in f.warnings}),
        detail={"linkage_draws": len(figures), "between_draws_sd": round(spread, 1),
                **_mean_levels(figures if base is None else [base])},
        samples=samples, bayesian=figures[0].bayesian,
    )  # fmt: skip


def _mean_levels(figures: list[Figure]) -> dict[str, Any]:
    """The groups' figures averaged over the draws (the point estimates of a mixture)."""
    levels = [f.detail.get("levels") for f in figures]
    if not all(isinstance(lv, dict) for lv in levels):
        return {}
    keys = set.intersection(*(set(lv) for lv in levels if isinstance(lv, dict)))
    return {"levels": {k: round(float(np.mean([lv[k] for lv in levels if isinstance(lv, dict)])), 1)
                       for k in sorted(keys)}}  # fmt: skip
