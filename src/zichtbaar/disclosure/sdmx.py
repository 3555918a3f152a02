"""SDMX-CSV (version 2.0) export of a released table, for statistics offices.

Written by hand because it is a flat CSV with fixed leading columns; the SDMX libraries on PyPI
target structure messages and registries, not this. Totals use SDMX's conventional code ``_T``;
suppressed cells have an empty OBS_VALUE and CONF_STATUS ``C`` (confidential), others ``F``.
"""

from __future__ import annotations

import pandas as pd

AGENCY = "ZICHTBAAR"
VERSION = "1.0"


def to_sdmx_csv(data: pd.DataFrame, dims: tuple[str, ...], table_name: str) -> str:
    """The SDMX-CSV text of one released table (``data``: dims, value, suppressed)."""
    out = pd.DataFrame(
        {
            "STRUCTURE": "dataflow",
            "STRUCTURE_ID": f"{AGENCY}:{table_name.upper()}({VERSION})",
            "ACTION": "I",
        },
        index=data.index,
    )
    for d in dims:
        col = "TIME_PERIOD" if d == "year" else d.upper()
        out[col] = data[d].astype(str).replace({"_total": "_T"})
    out["OBS_VALUE"] = data["value"].astype("Int64")
    out["CONF_STATUS"] = data["suppressed"].map({True: "C", False: "F"})
    text: str = out.to_csv(index=False, lineterminator="\n")
    return text
