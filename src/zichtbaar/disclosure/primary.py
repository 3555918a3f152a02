"""Suppression of a two-way count table with per-row totals (the shape the report shows).

Kept as the small entry point the first release used; the work is done by ``protect``.
"""

from __future__ import annotations

import pandas as pd

from zichtbaar.disclosure.protect import suppress_table
from zichtbaar.disclosure.rules import Rules


def protect_counts(
    df: pd.DataFrame, row_dim: str, col_dim: str, min_cell: int = 10
) -> pd.DataFrame:
    """Return the cells and a row total per ``row_dim`` value (``col_dim == '_total'``) with
    ``value`` (None where suppressed) and ``suppressed``, protected and audited.

    Zero cells are not sensitive (nobody is in them); cells ``1..min_cell-1`` are.
    """
    return suppress_table(df, (row_dim, col_dim), strata=(row_dim,), rules=Rules(min_cell))
