"""Read tables back out of rendered HTML, independently of the report's own code."""

from __future__ import annotations

from html.parser import HTMLParser


class TableReader(HTMLParser):
    """Collects every ``<table data-table=...>`` as rows of cell texts (header row included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._current: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("data-table"):
            self._current = a["data-table"]
            self.tables[self._current or ""] = []
        elif tag == "tr" and self._current:
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._current = None
        elif tag == "tr" and self._row is not None and self._current:
            self.tables[self._current].append(self._row)
            self._row = None
        elif tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_tables(html: str) -> dict[str, list[list[str]]]:
    reader = TableReader()
    reader.feed(html)
    return reader.tables
