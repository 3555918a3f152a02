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
