"""The monitor tables: each a named, documented definition over a linkage run.

The report, the web app and the CSV export all read tables through this registry, so that they
can never disagree. A definition is data: SQL over the run's tables plus labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from zichtbaar.errors import ZichtbaarError
from zichtbaar.types import Lang


@dataclass(frozen=True)
class TableDefinition:
    """A monitor table: ``sql`` yields one row per cell with the ``dims`` columns and ``count``.

    ``sql`` may use ``{year_from}`` and ``{year_to}``. ``unit`` says what is counted (persons,
    registrations, suspects) because a table that counts registrations must say so.
    ``strata`` are dims never summed (the year: a person is counted in one year only);
    ``hierarchy`` maps a child dim to its parent; ``requires`` lists ``table.column``s the SQL
    reads, so that a run without them (e.g. no suspects delivered) yields an empty table.
    ``max_contributions`` bounds the interior cells one unit (person, suspect) can be counted in,
    which differential privacy needs; None where it is unbounded (such a table gets no DP release).
    """

    name: str
    title_nl: str
    title_en: str
    dims: tuple[str, ...]
    sql: str
    unit: str = "persons"
    description: str = ""
    strata: tuple[str, ...] = ("year",)
    hierarchy: dict[str, str] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    max_contributions: int | None = 1

    def title(self, lang: Lang | str) -> str:
        return self.title_nl if Lang(lang) is Lang.NL else self.title_en

    def compute(self, con: duckdb.DuckDBPyConnection, year_from: int, year_to: int) -> pd.DataFrame:
        """The table's cells, with zero cells for every combination of values seen in the data.

        Zeros matter to disclosure control: a missing cell would look like a structural zero.
        """
        if not _has_columns(con, self.requires):
            return pd.DataFrame({**{d: [] for d in self.dims}, "count": []}).astype(
                {"count": "int64"}
            )
        sql = self.sql.format(year_from=int(year_from), year_to=int(year_to))
        df = con.execute(sql).df()[[*self.dims, "count"]]
        for d in self.dims:
            df[d] = df[d].astype("int64") if d == "year" else df[d].fillna("unknown").astype(str)
        df = pd.DataFrame(df.groupby(list(self.dims), as_index=False)["count"].sum())
        # The grid: independent dims crossed; a child dim only with the parents it was seen with.
        blocks = []
        for d in self.dims:
            if d in self.hierarchy:
                continue
            kids = [c for c, p in self.hierarchy.items() if p == d]
            blocks.append(df[[d, *kids]].drop_duplicates())
        grid = blocks[0]
        for b in blocks[1:]:
            grid = grid.merge(b, how="cross")
        full = grid.merge(df, on=list(self.dims), how="left").fillna({"count": 0})
        return (
            full[[*self.dims, "count"]]
            .astype({"count": "int64"})
            .sort_values(list(self.dims))
            .reset_index(drop=True)
        )


def _has_columns(con: duckdb.DuckDBPyConnection, required: tuple[str, ...]) -> bool:
    for item in required:
        table, column = item.split(".")
        row = con.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = ? "
            "AND column_name = ?",
            [table, column],
        ).fetchone()
        if not row or row[0] == 0:
            return False
    return True


class TableRegistry:
    """An ordered set of table definitions, looked up by name."""

    def __init__(self) -> None:
        self._tables: dict[str, TableDefinition] = {}

    def add(self, table: TableDefinition) -> TableDefinition:
        if table.name in self._tables:
            raise ZichtbaarError(f"monitor table '{table.name}' is defined twice")
        self._tables[table.name] = table
        return table

    def __getitem__(self, name: str) -> TableDefinition:
        try:
            return self._tables[name]
        except KeyError:
            raise ZichtbaarError(f"there is no monitor table called '{name}'") from None

    def __iter__(self) -> Iterator[TableDefinition]:
        return iter(self._tables.values())

    def __len__(self) -> int:
        return len(self._tables)

    def names(self) -> list[str]:
        return list(self._tables)


REGISTRY = TableRegistry()
