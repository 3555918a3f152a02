"""Files as office software writes them: CSV in any common encoding and separator, spreadsheets.

An organisation's export comes from Excel, LibreOffice or a case-management system's "export to
Excel" button. Excel on a Dutch Windows writes semicolon-separated CSV in Windows-1252 (or UTF-8
with a BOM when asked, or UTF-16 for "Unicode text"); an XLSX may start with a title row. This
module turns those into UTF-8 text with a known separator, or into columns of cells, and refuses
what would exhaust the machine (a zip bomb disguised as a spreadsheet) with a clear message.
"""

from __future__ import annotations

import codecs
import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

from zichtbaar.errors import EncodeError

DELIMITERS = (";", ",", "\t", "|")
MAX_UNCOMPRESSED_BYTES = 2_000_000_000
"""A spreadsheet whose parts inflate to more than this is refused before it is opened."""
MAX_COMPRESSION_RATIO = 200
"""Real sheets compress 5-30x; a part inflating more than this (above 10 MB) is a zip bomb."""
_RATIO_FLOOR = 10_000_000


@dataclass(frozen=True)
class DecodedCsv:
    """A CSV file's bytes re-encoded as UTF-8, with how it was written."""

    body: bytes
    encoding: str
    delimiter: str


def decode_csv(raw: bytes) -> DecodedCsv:
    """Decode ``raw`` (BOM, UTF-8, else Windows-1252) and find its separator from the header."""
    if raw.startswith(codecs.BOM_UTF8):
        text, encoding = raw[len(codecs.BOM_UTF8) :].decode("utf-8", "strict"), "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise EncodeError("input CSV is not readable as UTF-16 (broken file)") from None
    else:
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            # Excel's "CSV (semicolon separated)" on Windows: every byte is a character, and the
            # five bytes cp1252 leaves undefined are read as Latin-1 rather than failing
            text, encoding = raw.decode("cp1252", "replace"), "cp1252"
            if "\ufffd" in text:
                text = raw.decode("latin-1")
    if "\x00" in text:
        raise EncodeError("input file is not a text (CSV) file: it holds binary data")
    header = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=lambda d: (header.count(d), d == ","))
    if header.count(delimiter) == 0:
        delimiter = ","
    return DecodedCsv(text.replace("\r\n", "\n").encode("utf-8"), encoding, delimiter)


def check_zip(path: Path) -> None:
    """Refuse a spreadsheet that is no zip, or whose parts would inflate beyond reason."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        raise EncodeError("cannot read Excel file (not an .xlsx workbook)") from None
    total = sum(i.file_size for i in infos)
    bomb = any(
        i.file_size > _RATIO_FLOOR and i.file_size > MAX_COMPRESSION_RATIO * max(i.compress_size, 1)
        for i in infos
    )
    if bomb or total > MAX_UNCOMPRESSED_BYTES:
        raise EncodeError(
            "Excel file refused: it would unpack to far more data than a sheet holds "
            "(a damaged or hostile file)"
        )


def read_sheet(path: Path) -> tuple[dict[str, list[object]], int]:
    """The first non-empty sheet as columns of cells, and the file row of its first data row.

    Rows above the header (a title, an export date) are skipped: the header is the first row
    with two or more filled cells. Formula cells give their last computed value, never the formula.
    """
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        check_zip(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = [workbook.get_sheet_by_index(i) for i in range(len(workbook.sheet_names))]
        rows: list[list[object]] = []
        for sheet in sheets:
            rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            if any(any(c not in ("", None) for c in r) for r in rows):
                break
    except Exception as exc:  # calamine raises its own types; none should leak cell contents
        raise EncodeError(f"cannot read Excel file ({type(exc).__name__})") from None
    offset = next(
        (i for i, values in enumerate(rows) if sum(1 for c in values if c not in ("", None)) >= 2),
        None,
    )
    if offset is None:
        raise EncodeError("the spreadsheet holds no table (no header row found)")
    header = [_header(c, i) for i, c in enumerate(rows[offset])]
    width = len(header)
    while width and header[width - 1].startswith("column_") and not _filled(rows, offset, width):
        width -= 1
    body = rows[offset + 1 :]
    while body and all(c in ("", None) for c in body[-1]):
        body.pop()
    columns: dict[str, list[object]] = {}
    for i, name in enumerate(header[:width]):
        if name in columns:
            raise EncodeError(f"input file has duplicate column names: {name}")
        columns[name] = [_value(r[i]) if i < len(r) else None for r in body]
    return columns, offset + 2


def _filled(rows: list[list[object]], offset: int, width: int) -> bool:
    return any(len(r) >= width and r[width - 1] not in ("", None) for r in rows[offset:])


def _header(cell: object, index: int) -> str:
    text = str(cell).strip() if cell not in ("", None) else ""
    return text or f"column_{index + 1}"


def _value(cell: object) -> object:
    if cell == "":
        return None
    if isinstance(cell, dt.datetime) and cell.time() == dt.time():
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return str(cell).lower()
    return cell
