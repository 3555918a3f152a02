"""Primary and (row-wise) secondary suppression for count tables with published row totals.

A first version: cells below the minimum frequency are suppressed, and where a row would then have a
single suppressed cell (recomputable from the published row total) the next smallest cell of that row
is suppressed too. The optimal, margin-aware secondary suppression (MILP) and the LP audit come with
the disclosure-control issue; until then only row totals are published, never column totals.
"""

from __future__ import annotations

import pandas as pd

from zichtbaar.errors import DisclosureError


def protect_counts(
    df: pd.DataFrame, row_dim: str, col_dim: str, min_cell: int = 10
) -> pd.DataFrame:
    """Return ``df`` with a ``suppressed`` flag and ``value`` (None where suppressed).

    Zero cells are not sensitive (nobody is in them) and stay published; cells ``1..min_cell-1``
    are suppressed. Adds a row total per ``row_dim`` value as rows with ``col_dim == '_total'``.
    """
    if min_cell < 1:
        raise DisclosureError("the minimum cell frequency must be at least 1")
    out = df.copy()
    out["suppressed"] = (out["count"] > 0) & (out["count"] < min_cell)
    for _, idx in out.groupby(row_dim).groups.items():
        sub = out.loc[idx]
        if int(sub["suppressed"].sum()) == 1:
            candidates = sub[~sub["suppressed"] & (sub["count"] > 0)].sort_values("count")
            if candidates.empty:
                # Nothing left to hide it behind: the row total would reveal it, so withhold it.
                out.loc[idx, "suppressed"] = True
            else:
                out.loc[candidates.index[0], "suppressed"] = True
    totals = out.groupby(row_dim, as_index=False)["count"].sum()
    totals[col_dim] = "_total"
    totals["suppressed"] = (totals["count"] > 0) & (totals["count"] < min_cell)
    out = pd.concat([out, pd.DataFrame(totals[list(out.columns)])], ignore_index=True)
    out["value"] = out["count"].where(~out["suppressed"]).astype("Int64")
    return out
