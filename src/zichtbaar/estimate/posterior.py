"""Bayesian estimates of the total: one results object for the latent-class and the
model-averaged posterior, with the same JSON contract as the log-linear ``Estimate``.

``estimate`` is the posterior median and ``ci_low``/``ci_high`` the equal-tailed 95 % credible
interval, so a report can print either family the same way; ``quantiles`` adds 10 % and 90 %
(the spread HRDAG publishes), ``diagnostics`` what a reader needs to trust the sampler.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from zichtbaar.errors import EstimationError
from zichtbaar.estimate.dga import grid_quantiles
from zichtbaar.estimate.patterns import PatternTable, make_table

FloatArray = npt.NDArray[np.float64]
PROBS = (0.025, 0.1, 0.5, 0.9, 0.975)
CI_METHOD = "posterior 2.5-97.5 % quantiles (equal-tailed 95 % credible interval)"
METHOD_NAMES = {
    "lcmcr": "latent-class model (Dirichlet-process mixture, Manrique-Vallier 2016)",
    "dga": "Bayesian model averaging over decomposable graphs (Madigan & York 1997)",
}


@dataclass
class Posterior:
    """The posterior of the total number of people, summarised by quantiles."""

    method: str
    lists: tuple[str, ...]
    observed: int
    quantiles: dict[float, float]
    mean: float
    settings: dict[str, Any] = field(default_factory=dict)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    models: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stratum: dict[str, Any] = field(default_factory=dict)
    # draws of the total (MCMC draws, or a sample from the grid posterior): what strata sums and
    # pooling over linkage draws need; not serialised
    samples: FloatArray | None = field(default=None, repr=False, compare=False)

    @property
    def estimate(self) -> float:
        return self.quantiles[0.5]

    @property
    def hidden(self) -> float:
        return self.estimate - self.observed

    @property
    def ci_low(self) -> float:
        return self.quantiles[0.025]

    @property
    def ci_high(self) -> float:
        return self.quantiles[0.975]

    def to_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return round(float(x), 3) if np.isfinite(x) else None

        return {
            "stratum": self.stratum,
            "lists": list(self.lists),
            "observed": self.observed,
            "estimate": num(self.estimate),
            "hidden": num(self.hidden),
            "ci_low": num(self.ci_low),
            "ci_high": num(self.ci_high),
            "ci_method": CI_METHOD,
            "ci_level": 0.95,
            "method": self.method,
            "model": METHOD_NAMES.get(self.method, self.method),
            "point_estimate": "posterior median",
            "mean": num(self.mean),
            "quantiles": {f"{q:g}": num(v) for q, v in self.quantiles.items()},
            "settings": self.settings,
            "diagnostics": self.diagnostics,
            "models": self.models,
            "warnings": self.warnings,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def summary(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.stratum.items())
        q = self.quantiles
        lines = [
            f"Multiple systems estimate{' (' + where + ')' if where else ''}",
            f"  method:       {METHOD_NAMES.get(self.method, self.method)}",
            f"  lists:        {', '.join(self.lists)}",
            f"  observed:     {self.observed:,}",
        ]
        if np.isfinite(self.estimate):
            lines += [
                f"  estimate:     {self.estimate:,.0f}   (hidden {self.hidden:,.0f}; posterior median)",
                f"  95% interval: {q[0.025]:,.0f} - {q[0.975]:,.0f} (credible)",
                f"  80% interval: {q[0.1]:,.0f} - {q[0.9]:,.0f}",
            ]
        lines += [f"  {k}: {v}" for k, v in self.diagnostics.items() if not isinstance(v, dict)]
        for m in self.models[:5]:
            lines.append(f"  model {m['probability']:.3f}  {', '.join(m['model']) or 'main'}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def from_draws(method: str, table: PatternTable, totals: FloatArray, **extra: Any) -> Posterior:
    """A posterior from MCMC draws of the total (quantiles as R's default, type 7)."""
    qs = np.quantile(totals, PROBS)
    return Posterior(
        method,
        table.lists,
        table.observed,
        {p: float(v) for p, v in zip(PROBS, qs, strict=True)},
        float(np.mean(totals)),
        samples=totals,
        **extra,
    )


GRID_SAMPLES = 10_000  # draws taken from a grid posterior: as many as LCMCR's default run keeps


def from_grid(
    method: str, table: PatternTable, totals: FloatArray, mass: FloatArray, **extra: Any
) -> Posterior:
    """A posterior given as masses on sorted grid points (quantiles linear between them)."""
    qs = grid_quantiles(totals, mass, np.array(PROBS))
    # inverse-CDF sample at stratified uniforms: deterministic, and its quantiles follow the grid's
    cdf = np.cumsum(mass) / np.sum(mass)
    u = (np.arange(GRID_SAMPLES) + 0.5) / GRID_SAMPLES
    sample = np.interp(u, cdf, totals)
    return Posterior(
        method,
        table.lists,
        table.observed,
        {p: float(v) for p, v in zip(PROBS, qs, strict=True)},
        float(np.sum(totals * mass) / np.sum(mass)),
        samples=sample,
        **extra,
    )


def posterior_strata(
    table: PatternTable,
    strata: Sequence[str],
    run: Callable[[PatternTable], Posterior],
) -> list[Posterior]:
    """One posterior per combination of covariate levels; a degenerate stratum gets no number,
    only the reason, never a silent figure."""
    out: list[Posterior] = []
    for combo in table.levels(strata):
        sub = table.stratum(**dict(zip(strata, combo, strict=True)))
        label = {
            s: (v.item() if hasattr(v, "item") else v) for s, v in zip(strata, combo, strict=True)
        }
        try:
            pooled = sub.pooled()
            res = run(make_table(sub.lists, pooled.patterns, pooled.counts))
        except EstimationError as exc:
            nan = float("nan")
            res = Posterior(
                "none", sub.lists, sub.observed, dict.fromkeys(PROBS, nan), nan,
                warnings=[str(exc)],
            )  # fmt: skip
        res.stratum = label
        out.append(res)
    return out
