from __future__ import annotations

from pathlib import Path

import pytest

from zichtbaar.encode.reader import read_table
from zichtbaar.errors import EncodeError


def test_bom_semicolons_text_cells(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(
        "\ufeffrecord_id;surname;bsn;date_of_birth\n"
        "r1;NA;011122233;1990-03-04 00:00:00\n"
        "r2; ;;\n".encode()
    )
    table = read_table(src)
    assert table.columns == ("record_id", "surname", "bsn", "date_of_birth")
    assert table.rows[0] == {
        "record_id": "r1",
        "surname": "NA",  # a name, not a missing value
        "bsn": "011122233",  # the leading zero survives
        "date_of_birth": "1990-03-04",
    }
    assert table.rows[1] == {"record_id": "r2", "surname": None, "bsn": None, "date_of_birth": None}
    assert table.row_numbers == [2, 3]


def test_malformed_lines_are_numbered(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("a,b\n1,2\n3\n4,5\n6,7,8\n9,10\n")
    table = read_table(src)
    assert [r["a"] for r in table.rows] == ["1", "4", "9"]
    assert table.row_numbers == [2, 4, 6]
    assert [row for row, _ in table.malformed] == [3, 5]
    assert [reason for _, reason in table.malformed] == [
        "malformed: expected 2 fields, got 1",
        "malformed: expected 2 fields, got 3",
    ]


@pytest.mark.parametrize("name", ["in.json", "missing.csv"])
def test_unsupported_or_missing(tmp_path: Path, name: str) -> None:
    if name.endswith(".json"):
        (tmp_path / name).write_text("{}")
    with pytest.raises(EncodeError):
        read_table(tmp_path / name)


def test_unreadable_excel_and_parquet(tmp_path: Path) -> None:
    for name in ("bad.xlsx", "bad.parquet"):
        (tmp_path / name).write_bytes(b"not really a file of this kind")
        with pytest.raises(EncodeError, match="cannot read"):
            read_table(tmp_path / name)


HEADER = ["Dossiernr", "Achternaam", "Geb.datum"]
ROWS = [["A-1", "Müller", "04-03-1990"], ["A-2", "Çelik", "31-12-1985"]]


@pytest.mark.parametrize(
    ("encoding", "sep", "newline"),
    [
        ("utf-8-sig", ";", "\r\n"),
        ("utf-8", ",", "\n"),
        ("cp1252", ";", "\r\n"),
        ("utf-16", "\t", "\r\n"),
        ("utf-8", "|", "\n"),
    ],
)
def test_csv_as_excel_writes_it(tmp_path: Path, encoding: str, sep: str, newline: str) -> None:
    src = tmp_path / "export.csv"
    lines = [sep.join(r) for r in [HEADER, *ROWS]]
    src.write_bytes((newline.join(lines) + newline).encode(encoding))
    table = read_table(src)
    assert table.columns == tuple(HEADER)
    assert [r["Achternaam"] for r in table.rows] == ["Müller", "Çelik"]
    assert table.delimiter == sep
    assert table.encoding == encoding


def test_quoted_newline_in_a_notes_cell_is_one_row(tmp_path: Path) -> None:
    src = tmp_path / "export.csv"
    src.write_text('id;notitie;x\n1;"regel een\nregel twee";a\n2;kort;b\n')
    table = read_table(src)
    assert [r["id"] for r in table.rows] == ["1", "2"]
    assert table.row_numbers == [2, 3]


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_xlsx_title_row_dates_numbers_and_formulas(tmp_path: Path) -> None:
    import datetime as dt

    src = _xlsx(
        tmp_path / "export.xlsx",
        [
            ["Export casusregistratie 2024"],
            [],
            ["Dossiernr", "BSN", "Geb.datum", "Aantal", "Som"],
            ["A-1", 11122233, dt.datetime(1990, 3, 4), 2.0, "=D4*2"],
            ["A-2", None, "31-12-1985", 3, None],
        ],
    )
    table = read_table(src)
    assert table.columns == ("Dossiernr", "BSN", "Geb.datum", "Aantal", "Som")
    assert table.row_numbers == [4, 5]  # the rows the user sees in Excel
    first = table.rows[0]
    assert first["BSN"] == "11122233"
    assert first["Geb.datum"] == "1990-03-04"
    assert first["Aantal"] == "2"
    assert first["Som"] is None or not str(first["Som"]).startswith("=")  # never the formula
    assert table.rows[1]["Geb.datum"] == "31-12-1985"


def test_zip_bomb_xlsx_is_refused_before_opening(tmp_path: Path) -> None:
    import zipfile

    src = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * 60_000_000)
    assert src.stat().st_size < 1_000_000
    with pytest.raises(EncodeError, match="unpack to far more"):
        read_table(src)


def test_binary_file_named_csv_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "photo.csv"
    src.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    with pytest.raises(EncodeError, match="binary"):
        read_table(src)
