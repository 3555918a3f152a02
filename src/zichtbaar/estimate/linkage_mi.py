"""Linkage uncertainty in the estimate: estimates on draws of the linkage, combined as multiple
imputations (docs/estimation.md, "Linkage uncertainty").

The capture histories come from one clustering, but the linkage is uncertain; the link stage
draws plausible clusterings (``link/draws.py``) and hands their histories over as plain
DataFrames. Each draw is estimated as the run's histories would be; ``combine`` pools them:

* log-linear estimates by Rubin's rules on the log scale, each side of the interval apart (the
  profile interval is asymmetric): within-variance from the draw's half-width,
  ((log est - log low) / z)^2 below and ((log high - log est) / z)^2 above; between-variance of
  the draws' log estimates; t quantile with Rubin's degrees of freedom. With no spread between
  the draws this is the draws' own interval again;
* Bayesian posteriors (lcmcr, dga: dga's grid posterior is sampled by ``posterior.from_grid``) by
  pooling an equal number of draws from each imputation's posterior.

``linkage_share`` = 1 - width without linkage / width with it: the share of the interval's width
that the linkage's uncertainty adds.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from zichtbaar.errors import EstimationError
from zichtbaar.estimate.estimator import Estimate, estimate, estimate_strata
from zichtbaar.estimate.patterns import make_table, patterns_from_histories
from zichtbaar.estimate.posterior import PROBS, Posterior, posterior_strata
from zichtbaar.estimate.yearly import group_histories
from zichtbaar.standard.codes import REPORTER_GROUPS

LEVEL = 0.95


@dataclass
class LinkageEstimate:
    """An estimate combined over linkage draws, with what the linkage adds to its interval."""

    family: str  # "loglinear" (Rubin's rules) or "bayes" (pooled posterior draws)
    method: str
    lists: tuple[str, ...]
    draws: int
    observed: float  # mean over the draws: each draw has its own number of persons
    observed_range: tuple[int, int]
    estimate: float
    ci_low: float
    ci_high: float
    ci_without: tuple[float, float]  # the same centre, the draws' own uncertainty only
    linkage_share: float
    missing_information: float  # (1 + 1/m) B / T: Rubin's fraction of missing information
    df: float | None
    estimates: list[float]
    warnings: list[str] = field(default_factory=list)
    stratum: dict[str, Any] = field(default_factory=dict)

    @property
    def hidden(self) -> float:
        return self.estimate - self.observed

    def to_dict(self) -> dict[str, Any]:
        def num(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else round(float(x), 3)

        return {
            "stratum": self.stratum,
            "lists": list(self.lists),
            "family": self.family,
            "method": self.method,
            "linkage_draws": self.draws,
            "observed": num(self.observed),
            "observed_range": list(self.observed_range),
            "estimate": num(self.estimate),
            "hidden": num(self.hidden),
            "ci_low": num(self.ci_low),
            "ci_high": num(self.ci_high),
            "ci_level": LEVEL,
            "ci_method": (
                "Rubin's rules on the log scale over linkage draws"
                if self.family == "loglinear"
                else "posterior draws pooled over linkage draws"
            ),
            "ci_without_linkage": [num(v) for v in self.ci_without],
            "linkage_share": num(self.linkage_share),
            "missing_information": num(self.missing_information),
            "df": num(self.df),
            "estimates": [num(v) for v in self.estimates],
            "warnings": self.warnings,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def summary(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.stratum.items())
        lo, hi = self.observed_range
        share = self.linkage_share
        lines = [
            f"Multiple systems estimate over {self.draws} linkage draws"
            + (f" ({where})" if where else ""),
            f"  lists:        {', '.join(self.lists)}",
            f"  observed:     {self.observed:,.1f} (draws: {lo:,} - {hi:,})",
            f"  estimate:     {self.estimate:,.0f}   (hidden {self.hidden:,.0f})",
            f"  95% interval: {self.ci_low:,.0f} - {self.ci_high:,.0f} (with linkage uncertainty)",
            f"  without:      {self.ci_without[0]:,.0f} - {self.ci_without[1]:,.0f}",
            "  linkage share of the width / aandeel koppeling in de breedte: "
            + (f"{share:.1%}" if math.isfinite(share) else "n/a"),
        ]
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _share(without: tuple[float, float], low: float, high: float) -> float:
    width = high - low
    if not (math.isfinite(width) and math.isfinite(without[1] - without[0])) or width <= 0:
        return float("nan")
    return 1.0 - (without[1] - without[0]) / width


def rubin_log(
    estimates: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    level: float = LEVEL,
) -> dict[str, Any]:
    """Rubin's rules on the log scale, each side apart; returns centre, interval, the interval
    without the between-variance, degrees of freedom and the fraction of missing information."""
    q = np.log(np.asarray(estimates, dtype=np.float64))
    m = len(q)
    if m == 0:
        raise EstimationError("no linkage draw gave an estimate")
    z = float(stats.norm.ppf(0.5 + level / 2))
    w_lo = float(np.mean(((q - np.log(np.asarray(lows, dtype=np.float64))) / z) ** 2))
    w_hi = float(np.mean(((np.log(np.asarray(highs, dtype=np.float64)) - q) / z) ** 2))
    b = float(np.var(q, ddof=1)) if m > 1 else 0.0
    centre = float(np.mean(q))

    def side(w: float) -> tuple[float, float]:
        extra = (1 + 1 / m) * b
        if extra <= 0 or not math.isfinite(w):
            return w + extra, math.inf
        return w + extra, (m - 1) * (1 + w / extra) ** 2

    t_lo, df_lo = side(w_lo)
    t_hi, df_hi = side(w_hi)
    q_lo = float(stats.t.ppf(0.5 + level / 2, df_lo)) if math.isfinite(df_lo) else z
    q_hi = float(stats.t.ppf(0.5 + level / 2, df_hi)) if math.isfinite(df_hi) else z
    total = (t_lo + t_hi) / 2
    return {
        "estimate": math.exp(centre),
        "ci_low": math.exp(centre - q_lo * math.sqrt(t_lo)),
        "ci_high": math.exp(centre + q_hi * math.sqrt(t_hi)),
        "ci_without": (
            math.exp(centre - z * math.sqrt(w_lo)),
            math.exp(centre + z * math.sqrt(w_hi)),
        ),
        "df": min(df_lo, df_hi),
        "missing_information": (1 + 1 / m) * b / total if total > 0 else 0.0,
    }


def widen(
    estimate: float,
    low: float,
    high: float,
    draws: Sequence[float],
    level: float = LEVEL,
) -> tuple[float, float]:
    """The interval ``[low, high]`` around ``estimate`` widened by the linkage draws' spread.

    Each side on the log scale: its within-variance W read off the interval as if normal, the
    between-draw variance B of the draws' log estimates added as in Rubin's rules (W + (1 + 1/M)
    B, Student t with Rubin's degrees of freedom). Never narrower than the input, which it
    contains; equal when the draws agree.
    """
    q = np.log(np.asarray(draws, dtype=np.float64))
    m = len(q)
    if m < 2 or not all(math.isfinite(v) and v > 0 for v in (estimate, low, high)):
        return low, high
    extra = (1 + 1 / m) * float(np.var(q, ddof=1))
    if extra <= 0:
        return low, high
    z = float(stats.norm.ppf(0.5 + level / 2))
    centre = math.log(estimate)
    out = []
    for sign, bound in ((-1.0, low), (1.0, high)):
        w = ((centre - math.log(bound)) / z) ** 2
        df = (m - 1) * (1 + w / extra) ** 2
        half = float(stats.t.ppf(0.5 + level / 2, df)) * math.sqrt(w + extra)
        out.append(math.exp(centre + sign * half))
    return out[0], out[1]


def _usable(e: Estimate | Posterior) -> bool:
    return all(math.isfinite(v) and v > 0 for v in (e.estimate, e.ci_low, e.ci_high))


def _combine_loglinear(ests: Sequence[Estimate], warnings: list[str]) -> dict[str, Any]:
    if any(not math.isfinite(e.ci_high) for e in ests):
        warnings.append("a draw's interval has no finite upper bound: so has the combined one")
    r = rubin_log([e.estimate for e in ests], [e.ci_low for e in ests], [e.ci_high for e in ests])
    return r


def _combine_posteriors(posts: Sequence[Posterior]) -> dict[str, Any]:
    """Equal numbers of posterior draws from every imputation, pooled."""
    if any(p.samples is None for p in posts):
        raise EstimationError("a posterior without its draws cannot be pooled")
    samples = [p.samples for p in posts if p.samples is not None]
    n = min(len(x) for x in samples)
    pooled = np.concatenate([x[np.linspace(0, len(x) - 1, n).astype(int)] for x in samples])
    qs = np.quantile(pooled, [PROBS[0], PROBS[-1]])
    means = np.array([p.mean for p in posts])
    b = float(np.var(means, ddof=1)) if len(posts) > 1 else 0.0
    total = float(np.var(pooled))
    half = [(p.ci_high - p.ci_low) / 2 for p in posts]
    centre = float(np.median(pooled))
    return {
        "estimate": centre,
        "ci_low": float(qs[0]),
        "ci_high": float(qs[1]),
        "ci_without": (centre - float(np.mean(half)), centre + float(np.mean(half))),
        "df": None,
        "missing_information": (1 + 1 / len(posts)) * b / total if total > 0 else 0.0,
    }


def combine(per_draw: Sequence[Estimate | Posterior]) -> LinkageEstimate:
    """One estimate from the estimates of the linkage draws (all of one family and stratum).

    A draw whose estimate or interval failed is left out, with a warning.
    """
    if not per_draw:
        raise EstimationError("no linkage draws to combine")
    warnings: list[str] = []
    usable = [e for e in per_draw if _usable(e)]
    if len(usable) < len(per_draw):
        warnings.append(f"{len(per_draw) - len(usable)} of {len(per_draw)} draws gave no estimate")
    first = per_draw[0]
    observed = [e.observed for e in per_draw]
    bayes = isinstance(first, Posterior)
    if not usable:
        nan = float("nan")
        r: dict[str, Any] = dict(estimate=nan, ci_low=nan, ci_high=nan, ci_without=(nan, nan),
                                 df=None, missing_information=nan)  # fmt: skip
    elif bayes:
        r = _combine_posteriors([e for e in usable if isinstance(e, Posterior)])
    else:
        r = _combine_loglinear([e for e in usable if isinstance(e, Estimate)], warnings)
    return LinkageEstimate(
        family="bayes" if bayes else "loglinear",
        method=first.method,
        lists=tuple(first.lists),
        draws=len(per_draw),
        observed=float(np.mean(observed)),
        observed_range=(int(min(observed)), int(max(observed))),
        estimate=r["estimate"],
        ci_low=r["ci_low"],
        ci_high=r["ci_high"],
        ci_without=r["ci_without"],
        linkage_share=_share(r["ci_without"], r["ci_low"], r["ci_high"]),
        missing_information=r["missing_information"],
        df=r["df"],
        estimates=[e.estimate for e in per_draw],
        warnings=warnings,
        stratum=dict(first.stratum),
    )


def estimate_histories(
    histories: pd.DataFrame,
    groups: Mapping[str, Sequence[str]] = REPORTER_GROUPS,
    strata: Sequence[str] = (),
    bayes: str | None = None,
    **kwargs: Any,
) -> list[Estimate] | list[Posterior]:
    """The estimates of one set of capture histories, lists = reporter groups (as
    ``yearly.estimate_per_year``); one per stratum, or one in all without ``strata``.
    ``bayes`` (lcmcr, dga) chooses a Bayesian family, with ``kwargs`` its options."""
    from zichtbaar.estimate.bayes import estimate_bayes

    grouped, lists = group_histories(histories, groups)
    if len(lists) < 2:
        raise EstimationError(
            "fewer than two reporter groups registered anyone: nothing to estimate"
        )
    table = patterns_from_histories(grouped, lists, list(strata))
    if bayes is not None:
        if strata:
            return posterior_strata(table, strata, lambda t: estimate_bayes(t, bayes, **kwargs))
        return [estimate_bayes(table, bayes, **kwargs)]
    if strata:
        return estimate_strata(table, strata, **kwargs)
    pooled = table.pooled()
    return [estimate(make_table(table.lists, pooled.patterns, pooled.counts), **kwargs)]


def estimate_draws(
    draws: Iterable[pd.DataFrame],
    groups: Mapping[str, Sequence[str]] = REPORTER_GROUPS,
    strata: Sequence[str] = (),
    bayes: str | None = None,
    **kwargs: Any,
) -> list[LinkageEstimate]:
    """Estimate every draw's histories (``estimate_histories``) and combine per stratum."""
    by_stratum: dict[str, list[Estimate | Posterior]] = {}
    for histories in draws:
        for e in estimate_histories(histories, groups, strata, bayes, **kwargs):
            by_stratum.setdefault(json.dumps(e.stratum, sort_keys=True, default=str), []).append(e)
    return [combine(v) for _, v in sorted(by_stratum.items())]
