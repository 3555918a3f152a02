"""The monitor tables: each a named, documented definition over a linkage run.

The report, the web app and the CSV export all read tables through this registry, so that they
can never disagree. A definition is data: SQL over the run's tables plus labels.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd

from zichtbaar.errors import ZichtbaarError
from zichtbaar.types import Lang


@dataclass(frozen=True)
class TableDefinition:
    """A monitor table: ``sql`` yields one row per cell with the ``dims`` columns and ``count``.

    ``sql`` may use ``{year_from}`` and ``{year_to}``. ``unit`` says what is counted (persons,
    registrations, suspects) because a table that counts registrations must say so.
    """

    name: str
    title_nl: str
    title_en: str
    dims: tuple[str, ...]
    sql: str
    unit: str = "persons"
    description: str = ""

    def title(self, lang: Lang | str) -> str:
        return self.title_nl if Lang(lang) is Lang.NL else self.title_en

    def compute(self, con: duckdb.DuckDBPyConnection, year_from: int, year_to: int) -> pd.DataFrame:
        """The table's cells (zero cells included for every combination seen in the data)."""
        sql = self.sql.format(year_from=int(year_from), year_to=int(year_to))
        df = con.execute(sql).df()
        return df[[*self.dims, "count"]].astype({"count": "int64"})


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
