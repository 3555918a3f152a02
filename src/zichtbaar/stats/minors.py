"""Minors in domestic sexual exploitation: registered (a monitor table) and estimated.

The estimate comes from multiple systems estimation (``zichtbaar.estimate``, a later layer than
stats may not import), so it is passed in as a function of the capture histories: the caller
(the release or pipeline) plugs the estimate module in without stats depending on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import duckdb
import pandas as pd

Estimator = Callable[[pd.DataFrame], Mapping[str, float]]
"""Capture histories of one year (rows of ``capture_histories``) → estimate, lower, upper."""


def minors_capture_histories(
    con: duckdb.DuckDBPyConnection, year_from: int, year_to: int
) -> pd.DataFrame:
    """Capture histories of minors in domestic sexual exploitation, reporter-type flags only."""
    return con.execute(
        """
        SELECT * FROM capture_histories
        WHERE form = 'domestic_sexual' AND minor_adult = 'minor' AND year BETWEEN ? AND ?
        """,
        [int(year_from), int(year_to)],
    ).df()


def estimated_minors_domestic_sexual(
    con: duckdb.DuckDBPyConnection, year_from: int, year_to: int, estimator: Estimator
) -> pd.DataFrame:
    """Per year: registered count and the estimator's estimate with its interval."""
    ch = minors_capture_histories(con, year_from, year_to)
    rows = []
    for year in range(int(year_from), int(year_to) + 1):
        part = ch[ch["year"] == year]
        est = estimator(part) if len(part) else {}
        rows.append(
            {
                "year": year,
                "registered": len(part),
                "estimate": est.get("estimate"),
                "lower": est.get("lower"),
                "upper": est.get("upper"),
            }
        )
    return pd.DataFrame(rows)
