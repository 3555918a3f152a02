"""Every failure the fuzzers found, kept as a plain test (see docs/disclosure-attacks.md)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fuzz.targets import PATTERNS_CSV, package_zip, programme_base, programme_csv
from zichtbaar.cli import app
from zichtbaar.errors import EstimationError, PackageError
from zichtbaar.estimate.patterns import read_patterns_csv
from zichtbaar.programme.exchange import ProgrammeFileError, parse_csv, parse_yaml
from zichtbaar.web.upload import unpack_package


def _member_data_at(data: bytes) -> int:
    """Offset of the first stored member's content (after its local header)."""
    name_len, extra_len = struct.unpack("<HH", data[26:30])
    return 30 + int(name_len) + int(extra_len)


def test_upload_with_a_bad_crc_is_refused(tmp_path: Path) -> None:
    data = bytearray(package_zip())
    data[_member_data_at(bytes(data)) + 10] ^= 0xFF  # the member's bytes, not its header
    (tmp_path / "u.zip").write_bytes(bytes(data))
    with pytest.raises(PackageError, match="cannot be unpacked"):
        unpack_package(tmp_path / "u.zip", tmp_path / "out")


def test_upload_with_a_negative_member_offset_is_refused(tmp_path: Path) -> None:
    data = bytearray(package_zip())
    eocd = data.rfind(b"PK\x05\x06")
    (cd_offset,) = struct.unpack("<I", data[eocd + 16 : eocd + 20])
    data[eocd + 16 : eocd + 20] = struct.pack("<I", cd_offset + 1000)  # seek(-1000): EINVAL
    (tmp_path / "u.zip").write_bytes(bytes(data))
    with pytest.raises(PackageError, match="cannot be unpacked"):
        unpack_package(tmp_path / "u.zip", tmp_path / "out")


@pytest.mark.parametrize("text", ["\x0b", "a: \x0b", "programme:\n  start: 0000-01-01\n"])
def test_programme_yaml_control_characters_and_year_zero_are_refused(text: str) -> None:
    with pytest.raises(ProgrammeFileError):
        parse_yaml(text)


def test_programme_csv_short_row_is_read_as_empty_cells() -> None:
    header, first = programme_csv().splitlines()[:2]
    cells = first.split(",")
    short = ",".join(cells[:3])  # fewer cells than columns: DictReader fills in None
    try:
        programme = parse_csv(f"{header}\n{short}\n", programme_base())
    except ProgrammeFileError as err:
        assert err.problems  # refused by validation is fine; an AttributeError was the bug
    else:
        assert programme.measures


def test_programme_csv_with_a_bare_carriage_return_is_refused() -> None:
    header = programme_csv().splitlines()[0]
    with pytest.raises(ProgrammeFileError, match="malformed CSV"):
        parse_csv(f"{header}\nm1,a\rb,title\n", programme_base())


def test_non_utf8_pattern_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"\xf0" + PATTERNS_CSV[1:])
    with pytest.raises(EstimationError, match="cannot read"):
        read_patterns_csv(path)
    result = CliRunner().invoke(app, ["estimate", "--input", str(path)])
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    for covariate in (["--covariate", "minor_adult"], ["--lists", "police,ngo"]):
        result = CliRunner().invoke(app, ["estimate", "--input", str(path), *covariate])
        assert isinstance(result.exception, SystemExit), covariate


@pytest.mark.parametrize("cell", ["", "x", "1e400"])
def test_histories_with_empty_or_text_list_cells_are_refused(tmp_path: Path, cell: str) -> None:
    path = tmp_path / "h.csv"
    path.write_text(f"police,ngo\n1,0\n{cell},1\n")
    result = CliRunner().invoke(app, ["estimate", "--input", str(path), "--lists", "police,ngo"])
    assert isinstance(result.exception, SystemExit) and result.exit_code != 0, result.output


def test_the_upload_form_answers_a_damaged_zip_with_422(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from tests.web.conftest import csrf
    from tests.web.factory import PASSWORD, make_env

    env = make_env(tmp_path, with_releases=False)
    data = bytearray(package_zip())
    data[0] = ord("Q")  # the first member's local header magic: BadZipFile on extraction
    try:
        client = TestClient(env.app, raise_server_exceptions=False)
        csrf(client)
        client.post("/login", data={"username": "rep", "password": PASSWORD})
        csrf(client)  # the form's CSRF token, as a browser sends it
        res = client.post("/reporter/upload", files={"package": ("p.zip", bytes(data))})
        assert res.status_code == 422, res.status_code
    finally:
        env.store.close()
