"""Read an organisation's file (CSV, Excel, Parquet) into rows of text cells.

CSV files are decoded and split as Excel writes them (``encode/sheets.py``: UTF-8 with or without
BOM, UTF-16, Windows-1252; ``;``, ``,``, tab or ``|``); spreadsheets are read with calamine. Every
cell is read as text (or None when empty): the encoder, not a file reader's type guessing,
decides what a date or a BSN is. "NA" stays "NA" (it may be a name), a BSN keeps its leading zero
where the file kept it, and a spreadsheet date cell arrives as "YYYY-MM-DD".
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from zichtbaar.encode.sheets import DecodedCsv, decode_csv, read_sheet
from zichtbaar.errors import EncodeError

FIRST_DATA_ROW = 2
"""Row numbers in reports count like a spreadsheet: the header is row 1, the first data row 2."""

_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$")


@dataclass(frozen=True)
class Table:
    """The columns and the rows of an input file, every cell text or None."""

    columns: tuple[str, ...]
    rows: list[dict[str, str | None]]
    row_numbers: list[int]
    """The file row of each row (header = 1), for reports."""
    malformed: list[tuple[int, str]]
    """Rows skipped because they could not be parsed: (file row, reason)."""
    encoding: str | None = None
    """How a CSV file was decoded (``utf-8``, ``utf-8-sig``, ``cp1252``, ``utf-16``)."""
    delimiter: str | None = None
    """The CSV field separator found in the header line."""


def read_table(path: Path) -> Table:
    """Read ``path`` by its suffix (.csv, .xlsx, .parquet); errors name the file part, not values."""
    if not path.is_file():
        raise EncodeError(f"input file not found: {path.name}")
    suffix = path.suffix.lower()
    malformed: list[tuple[int, str]] = []
    first_row = FIRST_DATA_ROW
    encoding = delimiter = None
    if suffix in (".csv", ".txt", ".tsv"):
        text = decode_csv(path.read_bytes())
        encoding, delimiter = text.encoding, text.delimiter
        frame = _read_csv(text, malformed)
    elif suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        frame, first_row = read_sheet(path)
    elif suffix == ".parquet":
        frame = _read_parquet(path)
    else:
        raise EncodeError("unsupported input format: use .csv, .xlsx or .parquet")
    columns = tuple(str(c).strip() for c in frame)
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        raise EncodeError(f"input file has duplicate column names: {', '.join(dupes)}")
    cleaned = [[_cell(v) for v in values] for values in frame.values()]
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*cleaned, strict=True)]
    skipped = {row for row, _ in malformed}
    numbers: list[int] = []
    row = first_row - 1
    for _ in rows:
        row += 1
        while row in skipped:
            row += 1
        numbers.append(row)
    return Table(columns, rows, numbers, malformed, encoding, delimiter)


def _cell(value: object) -> str | None:
    if isinstance(value, str):  # fast path: every CSV cell
        text = value.strip()
        if len(text) > 10 and (m := _MIDNIGHT.match(text)):
            return m[1]
        return text or None
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a BSN or year stored as a number
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return _cell(str(value))


def _read_csv(text: DecodedCsv, malformed: list[tuple[int, str]]) -> dict[str, list[object]]:
    """Read every cell as text; a row with the wrong number of fields is skipped and reported."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    header_line = text.body.split(b"\n", 1)[0].decode("utf-8")
    if not header_line.strip():
        raise EncodeError("input CSV is empty (no header row)")
    sep = text.delimiter
    header = [h.strip() for h in next(csv.reader([header_line], delimiter=sep))]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise EncodeError(f"input file has duplicate column names: {', '.join(dupes)}")

    def skip(row: pacsv.InvalidRow) -> str:
        # row.text holds the values: only the counts are kept
        reason = f"malformed: expected {row.expected_columns} fields, got {row.actual_columns}"
        malformed.append((row.number or 0, reason))
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(text.body),
            # single-threaded so that skipped rows know their line number
            read_options=pacsv.ReadOptions(use_threads=False),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, invalid_row_handler=skip, newlines_in_values=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                null_values=[],
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        # pyarrow's message quotes the offending row: keep only the column counts
        counts = re.search(r"Expected \d+ columns, got \d+", str(exc))
        detail = f" ({counts[0].lower()})" if counts else ""
        raise EncodeError(
            f"malformed CSV{detail}: a row has the wrong number of fields or broken quoting"
        ) from None
    return {name: table.column(name).to_pylist() for name in table.column_names}


def _read_parquet(path: Path) -> dict[str, list[object]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow's errors describe the file structure, not values
        raise EncodeError(f"cannot read Parquet file ({type(exc).__name__})") from None
    return {name: table.column(name).to_pylist() for name in table.column_names}
