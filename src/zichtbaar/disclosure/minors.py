"""The estimated number of minors in domestic sexual exploitation, made safe to publish.

Plugs the estimate stage (multiple systems estimation over reporter types) into
``stats.minors.estimated_minors_domestic_sexual``. Only years with at least ``min_cell``
registered minors get an estimate, and estimates are rounded to tens: a model output is not a
count, but an exact estimate with its observed count would still reveal small cells.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pandas as pd

from zichtbaar.errors import EstimationError
from zichtbaar.estimate import estimate, patterns_from_histories
from zichtbaar.stats.minors import estimated_minors_domestic_sexual


def mse_estimator(histories: pd.DataFrame) -> Mapping[str, float]:
    """MSE over the reporter-type lists (``rt_*`` columns) with anyone on them."""
    lists = [c for c in histories.columns if c.startswith("rt_") and histories[c].sum() > 0]
    if len(lists) < 2:
        return {}
    table = patterns_from_histories(histories, lists, min_list_size=5)
    est = estimate(table)
    return {"estimate": est.estimate, "lower": est.ci_low, "upper": est.ci_high}


def mse_estimator_fn(histories: pd.DataFrame) -> Mapping[str, float]:
    """``mse_estimator`` that gives no estimate (instead of an error) where none exists."""
    try:
        return mse_estimator(histories)
    except EstimationError:
        return {}


def published_minors_estimate(
    con: duckdb.DuckDBPyConnection, year_from: int, year_to: int, min_cell: int = 10
) -> list[dict[str, Any]]:
    """Per year: the estimate and interval rounded to tens, or None where withheld."""
    df = estimated_minors_domestic_sexual(con, year_from, year_to, mse_estimator_fn)
    out: list[dict[str, Any]] = []
    for row in df.to_dict("records"):
        est = row["estimate"]
        ok = int(row["registered"]) >= min_cell and est is not None and est == est

        def tens(v: Any, ok: bool = ok) -> int | None:
            return int(round(float(v), -1)) if ok else None

        out.append(
            {
                "year": int(row["year"]),
                "estimate": tens(est),
                "lower": tens(row["lower"]),
                "upper": tens(row["upper"]),
            }
        )
    return out
