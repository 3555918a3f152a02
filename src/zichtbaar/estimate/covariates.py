"""Covariate log-linear models: list x covariate interactions, shared list-list interactions.

Stratifying fully (one model per level) spends many parameters on small strata. Here every level
of a covariate gets its own intercept and its own list main effects (list x covariate terms), while
the list-list interactions are shared across levels, so sparse levels borrow the dependence
structure from the others. The hidden count of level s is exp(intercept_s).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from zichtbaar.errors import EstimationError, NotEstimableError
from zichtbaar.estimate import existence
from zichtbaar.estimate.glm import irls
from zichtbaar.estimate.model import Term, cell_bits, parse_terms, term_column, term_names
from zichtbaar.estimate.patterns import PatternTable

Array = npt.NDArray[np.float64]


@dataclass
class CovariateEstimate:
    covariate: str
    levels: list[str]
    observed: list[int]
    estimates: list[float]
    ci: list[tuple[float, float]] | None
    model: list[str]
    deviance: float
    df: int
    warnings: list[str]
    total_ci: tuple[float, float] | None = None  # percentile interval of the replicates' sums

    @property
    def total(self) -> float:
        return float(sum(self.estimates))

    def to_dict(self) -> dict[str, Any]:
        return {
            "covariate": self.covariate,
            "model": self.model,
            "model_note": "list x covariate main effects; list-list interactions shared",
            "levels": [
                {
                    "level": lv,
                    "observed": ob,
                    "estimate": round(es, 3),
                    "hidden": round(es - ob, 3),
                    "ci_low": None if self.ci is None else round(self.ci[i][0], 3),
                    "ci_high": None if self.ci is None else round(self.ci[i][1], 3),
                }
                for i, (lv, ob, es) in enumerate(
                    zip(self.levels, self.observed, self.estimates, strict=True)
                )
            ],
            "total": round(self.total, 3),
            "total_ci": None if self.total_ci is None else [round(v, 3) for v in self.total_ci],
            "deviance": round(self.deviance, 3),
            "df": self.df,
            "warnings": self.warnings,
        }

    def summary(self) -> str:
        lines = [f"Covariate model by {self.covariate}: main effects per level"
                 + (" + " + ", ".join(self.model) if self.model else "")]  # fmt: skip
        for i, lv in enumerate(self.levels):
            ci = "" if self.ci is None else f"  ({self.ci[i][0]:,.0f} - {self.ci[i][1]:,.0f})"
            lines.append(
                f"  {lv}: observed {self.observed[i]:,}, estimate {self.estimates[i]:,.0f}{ci}"
            )
        lines.append(f"  total: {self.total:,.0f}; deviance {self.deviance:.2f} on {self.df} df")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _design(k: int, n_levels: int, terms: Sequence[Term]) -> Array:
    bits = cell_bits(k)
    n_cells = len(bits)
    shared = np.stack([term_column(bits, t) for t in terms], axis=1) if terms else None
    blocks = []
    for s in range(n_levels):
        own = np.zeros((n_cells, n_levels * (k + 1)))
        own[:, s * (k + 1)] = 1.0
        own[:, s * (k + 1) + 1 : (s + 1) * (k + 1)] = bits
        blocks.append(own if shared is None else np.hstack([own, shared]))
    return np.vstack(blocks)


def estimate_covariate(
    table: PatternTable,
    covariate: str,
    model: str = "main",
    bootstrap: int = 0,
    seed: int = 0,
) -> CovariateEstimate:
    """Fit the covariate model with the given shared interactions; totals per level."""
    if covariate not in table.strata:
        raise EstimationError(f"no covariate column '{covariate}' in the pattern table")
    terms = parse_terms(model, table.lists)
    levels = table.levels([covariate])
    k = table.k
    ys = [table.stratum(**{covariate: lv[0]}).full_counts() for lv in levels]
    y = np.concatenate(ys)
    xm = _design(k, len(levels), terms)
    warnings = list(table.warnings)
    ex = existence.check(xm, y)
    intercepts = [s * (k + 1) for s in range(len(levels))]
    if ex.forced_zero.any() or ex.rank < xm.shape[1]:
        raise NotEstimableError(
            "the covariate model has empty overlaps within a level; merge levels or use fewer "
            "interactions"
        )
    g = irls(xm, y)
    if not g.converged:
        raise NotEstimableError("the covariate model did not converge")
    observed = [round(float(v.sum())) for v in ys]
    est = [ob + float(np.exp(g.beta[i])) for ob, i in zip(observed, intercepts, strict=True)]
    ci = None
    total_ci = None
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        reps = np.empty((bootstrap, len(levels)))
        for b in range(bootstrap):
            ystar = rng.poisson(g.mu).astype(np.float64)
            gb = irls(xm, ystar, beta0=g.beta)
            n_b = ystar.reshape(len(levels), -1).sum(axis=1)
            reps[b] = n_b + np.exp(gb.beta[intercepts])
        lo, hi = np.quantile(reps, [0.025, 0.975], axis=0)
        ci = [(float(a), float(b)) for a, b in zip(lo, hi, strict=True)]
        t_lo, t_hi = np.quantile(reps.sum(axis=1), [0.025, 0.975])
        total_ci = (float(t_lo), float(t_hi))
    return CovariateEstimate(
        covariate,
        [str(lv[0]) for lv in levels],
        observed,
        est,
        ci,
        term_names(table.lists, terms),
        g.deviance,
        len(y) - xm.shape[1],
        warnings,
        total_ci,
    )
