"""The estimate section of a release, from a linkage run: the glue between the run (its
capture histories and linkage draws) and ``estimate.published``.

Figures come rounded to tens from the estimate stage; here the small counts beside them are
withheld like any other cell: a year's registered minors below ``min_cell`` are not shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from zichtbaar.errors import EstimationError
from zichtbaar.estimate.published import release_estimates


def run_histories(con: duckdb.DuckDBPyConnection, year_from: int, year_to: int) -> pd.DataFrame:
    try:
        return con.execute(
            "SELECT * FROM capture_histories WHERE year BETWEEN ? AND ?", [year_from, year_to]
        ).df()
    except duckdb.CatalogException:
        raise EstimationError("the run has no capture histories; run the linkage again") from None


def linkage_draws(
    run_dir: Path, m: int, seed: int, year_from: int, year_to: int
) -> list[pd.DataFrame]:
    """M plausible clusterings of the run, as capture histories (``link.draws``)."""
    if m <= 0:
        return []
    from zichtbaar.errors import LinkError
    from zichtbaar.link.draws import draw_histories

    try:
        return [
            h[(h["year"] >= year_from) & (h["year"] <= year_to)]
            for h in draw_histories(run_dir, m, seed)
        ]
    except (LinkError, duckdb.CatalogException):
        raise EstimationError(
            "the run keeps no scored pairs to draw linkages from; run the linkage again, "
            "or give --linkage-draws 0"
        ) from None


def estimate_section(
    con: duckdb.DuckDBPyConnection,
    year_from: int,
    year_to: int,
    run_dir: Path | None = None,
    draws: int = 0,
    seed: int = 0,
    min_cell: int = 10,
) -> dict[str, Any]:
    """What a release's ``extra`` carries about the hidden number (see estimate.published)."""
    histories = run_histories(con, year_from, year_to)
    drawn = linkage_draws(run_dir, draws, seed, year_from, year_to) if run_dir else []
    out = release_estimates(histories, drawn, seed=seed)
    for row in out["minors_domestic_sexual_estimated"]:
        if row.get("registered") is not None and row["registered"] < min_cell:
            row["registered"] = None
    if out["estimate"] is None:
        out.pop("estimate")
    return out
