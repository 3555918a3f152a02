"""The estimate stage's entry point: one call from a pattern table to a defensible figure.

``estimate`` fits a given model or selects one, checks existence and identifiability, computes the
profile-likelihood interval and, on request, a bootstrap interval that re-runs the selection. The
result carries its model, criterion and warnings, because on sparse trafficking data the model
choice moves the figure more than sampling error does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zichtbaar.errors import EstimationError, NotEstimableError
from zichtbaar.estimate import intervals, select
from zichtbaar.estimate.fit import Fitter, ModelFit
from zichtbaar.estimate.model import Term, cell_bits, parse_terms, term_names
from zichtbaar.estimate.patterns import PatternTable

CRITERIA = ("aic", "bic")


@dataclass
class Estimate:
    """An MSE estimate with its model, interval, diagnostics and warnings."""

    lists: tuple[str, ...]
    observed: int
    estimate: float
    ci_low: float
    ci_high: float
    ci_method: str
    model: list[str]
    criterion: str | None
    method: str
    status: str
    deviance: float
    df: int
    aic: float
    bic: float
    profile_mode: float | None
    profile_ci: tuple[float, float] | None
    bootstrap_ci: tuple[float, float] | None
    bootstrap_n: int
    bootstrap_failed: int
    seed: int | None
    fitted: list[dict[str, Any]]
    candidates: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stratum: dict[str, Any] = field(default_factory=dict)

    @property
    def hidden(self) -> float:
        return self.estimate - self.observed

    def to_dict(self) -> dict[str, Any]:
        def num(x: float | None) -> float | None:
            return None if x is None or not np.isfinite(x) else round(float(x), 3)

        return {
            "stratum": self.stratum,
            "lists": list(self.lists),
            "observed": self.observed,
            "estimate": num(self.estimate),
            "hidden": num(self.hidden),
            "ci_low": num(self.ci_low),
            "ci_high": num(self.ci_high),
            "ci_method": self.ci_method,
            "ci_level": 0.95,
            "model": self.model,
            "criterion": self.criterion,
            "selection": self.method,
            "point_estimate": "poisson: observed + exp(intercept)",
            "profile_mode": num(self.profile_mode),
            "profile_ci": [num(v) for v in self.profile_ci] if self.profile_ci else None,
            "bootstrap_ci": [num(v) for v in self.bootstrap_ci] if self.bootstrap_ci else None,
            "bootstrap_replicates": self.bootstrap_n,
            "bootstrap_failed": self.bootstrap_failed,
            "seed": self.seed,
            "existence": self.status,
            "deviance": num(self.deviance),
            "df": self.df,
            "aic": num(self.aic),
            "bic": num(self.bic),
            "fitted": self.fitted,
            "candidates": self.candidates,
            "warnings": self.warnings,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def summary(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.stratum.items())
        lines = [
            f"Multiple systems estimate{' (' + where + ')' if where else ''}",
            f"  lists:        {', '.join(self.lists)}",
            f"  observed:     {self.observed:,}",
            f"  estimate:     {self.estimate:,.0f}   (hidden {self.hidden:,.0f})",
            f"  95% interval: {self.ci_low:,.0f} - {self.ci_high:,.0f} ({self.ci_method})",
            f"  model:        main effects{' + ' + ', '.join(self.model) if self.model else ''}",
            f"  selection:    {self.method}"
            + (f" by {self.criterion.upper()}" if self.criterion else ""),
            f"  existence:    {self.status}",
            f"  fit:          deviance {self.deviance:.2f} on {self.df} df, "
            f"AIC {self.aic:.2f}, BIC {self.bic:.2f}",
        ]
        if self.profile_mode is not None:
            lines.append(f"  profile-likelihood maximum: {self.profile_mode:,.1f}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _fitted_rows(table: PatternTable, fit: ModelFit, y: np.ndarray) -> list[dict[str, Any]]:
    bits = cell_bits(table.k)
    return [
        {
            "pattern": "".join(str(int(b)) for b in bits[i]),
            "observed": int(y[i]),
            "fitted": round(float(fit.fitted[i]), 3),
        }
        for i in range(len(y))
    ]


def estimate(
    table: PatternTable,
    model: str | Sequence[Term] | None = None,
    criterion: str = "aic",
    method: str = "auto",
    bootstrap: int = 0,
    seed: int = 0,
    subset_size: int = 100,
    workers: int | None = None,
) -> Estimate:
    """Estimate the total population behind a pattern table.

    ``model``: ``"main"``, ``"A:B,C:D"`` or a sequence of terms fixes the model; ``None`` selects
    one with ``method`` (``auto`` = exhaustive up to 5 lists, else stepwise; or ``exhaustive``,
    ``stepwise``, ``bhs``, ``pvalue``) and ``criterion`` (``aic``/``bic``). ``bootstrap`` > 0 adds
    a parametric bootstrap interval that re-runs the selection in every replicate and becomes the
    reported interval. ``workers`` caps the bootstrap's processes (default: 2).
    """
    if criterion not in CRITERIA:
        raise EstimationError(f"unknown criterion; use one of {', '.join(CRITERIA)}")
    if model is None and method not in ("auto", *select.METHODS):
        raise EstimationError(f"unknown selection method; use auto or {', '.join(select.METHODS)}")
    if bootstrap < 0:
        raise EstimationError("the number of bootstrap replicates cannot be negative")
    warnings = list(table.warnings)
    y = table.full_counts()
    fitter = Fitter(table.k, y)
    candidates: list[select.Candidate] = []
    used_criterion: str | None = criterion
    if model is not None:
        terms = parse_terms(model, table.lists) if isinstance(model, str) else tuple(model)
        fit = fitter.fit(terms, want_p=True)
        method = "fixed"
        used_criterion = None
    else:
        if method == "auto":
            method = "exhaustive" if table.k <= 5 else "stepwise"
        if method in ("bhs", "pvalue"):
            used_criterion = None
        fit, candidates = select.select(fitter, method, criterion)
    if not fit.estimable:
        raise NotEstimableError(
            "the hidden count is not estimable under this model: "
            + (
                "too many empty overlaps leave the unobserved cell unconstrained"
                if fit.status == "not_identifiable"
                else "the fit did not converge"
            )
        )
    if fit.status == "extended":
        warnings.append(
            "some interactions are minus infinity because their overlaps are empty (extended "
            "maximum-likelihood estimate); the hidden count is still identifiable"
        )
    prof = intervals.profile_ci(fitter, fit)
    if prof is None:
        warnings.append("the profile-likelihood interval could not be computed for this model")
    elif not np.isfinite(prof.high):
        warnings.append("the profile-likelihood interval has no finite upper bound")
    boot = None
    if bootstrap > 0:
        subset = None
        if method == "exhaustive":
            ranked = sorted(
                (c for c in candidates if c.status in ("exists", "extended")),
                key=lambda c: c.aic if criterion == "aic" else c.bic,
            )
            subset = [c.terms for c in ranked[:subset_size]]
        boot = intervals.bootstrap(
            fitter, fit, bootstrap, method, criterion, seed, subset, workers=workers
        )
        if boot.failed:
            warnings.append(
                f"{boot.failed} of {bootstrap} bootstrap replicates gave no estimable model"
            )
    if boot is not None:
        lo, hi, ci_method = boot.low, boot.high, "parametric bootstrap percentile"
        if method == "fixed":
            ci_method += " (model fixed)"
        else:
            ci_method += " (model re-selected per replicate)"
    elif prof is not None:
        lo, hi, ci_method = prof.low, prof.high, "profile likelihood (model fixed)"
    else:
        lo, hi, ci_method = float("nan"), float("nan"), "none"
    if fit.estimate > 10 * table.observed:
        warnings.append(
            "the estimate is more than ten times the observed count: the lists overlap too "
            "little for a stable figure"
        )
    ranked_c = sorted(candidates, key=lambda c: c.aic if criterion == "aic" else c.bic)
    return Estimate(
        lists=table.lists,
        observed=table.observed,
        estimate=fit.estimate,
        ci_low=lo,
        ci_high=hi,
        ci_method=ci_method,
        model=term_names(table.lists, fit.terms),
        criterion=used_criterion,
        method=method,
        status=fit.status,
        deviance=fit.deviance,
        df=fit.df,
        aic=fit.aic,
        bic=fit.bic,
        profile_mode=prof.mode if prof else None,
        profile_ci=(prof.low, prof.high) if prof else None,
        bootstrap_ci=(boot.low, boot.high) if boot else None,
        bootstrap_n=bootstrap,
        bootstrap_failed=boot.failed if boot else 0,
        seed=seed if bootstrap else None,
        fitted=_fitted_rows(table, fit, y),
        candidates=[
            {
                "model": term_names(table.lists, c.terms),
                "existence": c.status,
                "estimate": round(c.estimate, 3) if np.isfinite(c.estimate) else None,
                "aic": round(c.aic, 3) if np.isfinite(c.aic) else None,
                "bic": round(c.bic, 3) if np.isfinite(c.bic) else None,
                "deviance": round(c.deviance, 3) if np.isfinite(c.deviance) else None,
                "df": c.df,
            }
            for c in ranked_c
        ],
        warnings=warnings,
    )


def sensitivity(table: PatternTable) -> list[select.Candidate]:
    """Every two-way interaction model's estimate and fit (the sensitivity table)."""
    return select.exhaustive(Fitter(table.k, table.full_counts()))


def estimate_strata(table: PatternTable, strata: Sequence[str], **kwargs: Any) -> list[Estimate]:
    """One estimate per combination of covariate levels (e.g. per year, per age group x form).

    A stratum whose table is degenerate gets no number: it is reported with NaN and the reason in
    its warnings, never a silent figure.
    """
    from zichtbaar.estimate.patterns import make_table

    out: list[Estimate] = []
    for combo in table.levels(strata):
        sub = table.stratum(**dict(zip(strata, combo, strict=True)))
        label = {
            s: (v.item() if hasattr(v, "item") else v) for s, v in zip(strata, combo, strict=True)
        }
        try:
            pooled = sub.pooled()  # sum over the covariates not stratified on
            checked = make_table(sub.lists, pooled.patterns, pooled.counts)
            res = estimate(checked, **kwargs)
        except EstimationError as exc:
            nan = float("nan")
            res = Estimate(
                sub.lists, sub.observed, nan, nan, nan, "none", [], None, "none", "failed",
                nan, 0, nan, nan, None, None, None, 0, 0, None, [], [], [str(exc)],
            )  # fmt: skip
        res.stratum = label
        out.append(res)
    return out
