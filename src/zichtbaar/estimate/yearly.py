"""Estimates per year from person-level capture histories, with reporter types grouped into lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from zichtbaar.errors import EstimationError
from zichtbaar.estimate.estimator import Estimate, estimate_strata
from zichtbaar.estimate.patterns import patterns_from_histories
from zichtbaar.standard.codes import REPORTER_GROUPS


def group_histories(
    histories: pd.DataFrame,
    groups: Mapping[str, Sequence[str]] = REPORTER_GROUPS,
    prefix: str = "rt_",
) -> tuple[pd.DataFrame, list[str]]:
    """Add one 0/1 column per group (any of its reporter-type columns set); return the list names.

    Groups that registered nobody are left out (a list without members carries no information).
    """
    out = histories.copy()
    names: list[str] = []
    for group, types in groups.items():
        cols = [f"{prefix}{t}" for t in types if f"{prefix}{t}" in histories.columns]
        if not cols:
            continue
        out[group] = histories[cols].max(axis=1).astype("int64")
        if int(out[group].sum()) > 0:
            names.append(group)
    return out, names


REPORT_BOOTSTRAP = 200
"""Bootstrap replicates for a yearly interval that includes model selection (docs/estimation.md).

On these sparse, heterogeneous lists the selected interactions change from year to year and move
the estimate by a factor two between years the world made alike; an interval conditional on the
selected model (profile likelihood) ignores that, the parametric bootstrap that re-runs the model
selection in each replicate does not (the interval the estimate issue prescribes for this).
"""


def estimate_per_year(
    histories: pd.DataFrame,
    groups: Mapping[str, Sequence[str]] = REPORTER_GROUPS,
    **kwargs: Any,
) -> list[Estimate]:
    """One estimate per ``year`` of the capture histories (lists = reporter groups).

    ``kwargs`` go to ``estimate``; ``bootstrap=REPORT_BOOTSTRAP`` gives intervals that carry
    model-selection uncertainty (the demo pipeline still uses the cheaper profile interval).
    """
    grouped, lists = group_histories(histories, groups)
    if len(lists) < 2:
        raise EstimationError(
            "fewer than two reporter groups registered anyone: nothing to estimate"
        )
    table = patterns_from_histories(grouped, lists, ["year"])
    return estimate_strata(table, ["year"], **kwargs)


def publishable(est: Estimate, base: int = 10) -> dict[str, Any] | None:
    """An estimate as a release carries it: rounded to ``base`` (a model output is no count, and
    an exact figure beside its exact observed count would invite differencing), or None when the
    estimate failed."""
    if est.status == "failed" or est.estimate != est.estimate:
        return None

    def r(x: float) -> int:
        return int(round(x / base) * base)

    return {
        "year": est.stratum.get("year"),
        "total": r(est.estimate),
        "lower": r(est.ci_low),
        "upper": r(est.ci_high),
        "observed": est.observed,
        "level": 0.95,
        "model": "main effects" + "".join(f" + {t}" for t in est.model),
        "lists": list(est.lists),
        "diagnostics": {
            "method": est.method,
            "ci_method": est.ci_method,
            "deviance": round(est.deviance, 2),
            "df": est.df,
            "aic": round(est.aic, 2),
        },
    }


def coverage(published: Iterable[Mapping[str, Any]], truth: Mapping[int, int]) -> dict[str, Any]:
    """How often the published yearly intervals contain the known truth (synthetic runs only).

    A validation, not a statistic: only a synthetic world knows its true totals. Years without a
    published estimate or without a true total are left out of the count.
    """
    years = []
    refused = 0
    for pub in published:
        year = pub.get("year")
        if year is None or int(year) not in truth:
            continue
        if pub.get("total") is None:  # the lists could not support a figure that year
            refused += 1
            continue
        true = int(truth[int(year)])
        years.append(
            {
                "year": int(year),
                "true": true,
                "total": pub["total"],
                "lower": pub["lower"],
                "upper": pub["upper"],
                "covered": bool(pub["lower"] <= true <= pub["upper"]),
            }
        )
    return {
        "years": years,
        "covered": sum(y["covered"] for y in years),
        "total": len(years),
        "refused": refused,
        "level": 0.95,
    }
