from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.encode.people import people, write_csv
from zichtbaar.cli import app
from zichtbaar.encode.keys import LinkageKey, Secret, new_key, save_key
from zichtbaar.encode.normalise import fold
from zichtbaar.encode.package import IDENTIFIER_COLUMNS as IDENTIFIERS
from zichtbaar.encode.package import EncodeResult, encode_file, rejects_path_for
from zichtbaar.errors import EncodeError
from zichtbaar.standard.models import RegisterEvent, SuspectCase, VictimRegistration
from zichtbaar.standard.package import EncodingSchema, Manifest, compute_package_id
from zichtbaar.types import KeyId

KEY = new_key()
WHEN = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
TODAY = dt.date(2025, 1, 1)


def _encode(
    src: Path, out: Path, kind: str = "registrations", key: LinkageKey | None = KEY
) -> EncodeResult:
    return encode_file(
        src,
        key,
        "police-nl",
        "police",
        kind,
        out,
        created_at=WHEN,
        today=TODAY,  # type: ignore[arg-type]
    )


def _rejects(result: EncodeResult) -> list[dict[str, str]]:
    with result.rejects_path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_package_contract(tmp_path: Path) -> None:
    rows = people(60)
    result = _encode(write_csv(rows, tmp_path / "in.csv"), tmp_path / "pkg")
    pkg = tmp_path / "pkg"
    assert sorted(p.name for p in pkg.iterdir()) == [
        "data.parquet",
        "encoding.json",
        "manifest.json",
    ]
    manifest = Manifest.model_validate_json((pkg / "manifest.json").read_text())
    assert manifest.row_count == 60 == result.rows_encoded
    assert manifest.key_id == KEY.key_id
    assert manifest.sha256 == hashlib.sha256((pkg / "data.parquet").read_bytes()).hexdigest()
    assert manifest.package_id == compute_package_id(manifest.model_dump(mode="json"))
    EncodingSchema.model_validate_json((pkg / "encoding.json").read_text())
    table = pq.read_table(pkg / "data.parquet")
    assert table.column_names == list(VictimRegistration.model_fields)
    for record in table.to_pylist():
        hub = VictimRegistration.model_validate(record)
        assert hub.bloom is not None and len(hub.bloom) == 128
        assert hub.tok_name_dob and hub.tok_dob and hub.tok_name_ym
    by_id = {r["record_id"]: r for r in table.to_pylist()}
    for row in rows:
        # the address is optional: its filter and token exist only where the row has one
        hub_row = by_id[row["record_id"]]
        assert (hub_row["bloom_address"] is None) == (row["street"] == "")
        assert (hub_row["tok_address"] is None) == (row["postcode"] == "")
        if row["street"]:
            assert len(hub_row["bloom_address"]) == 128
        # legal basis travels with each row; 'none' rows are encoded like the others
        assert by_id[row["record_id"]]["legal_basis"] == row["legal_basis"]
        assert (by_id[row["record_id"]]["tok_bsn"] is None) == (row["bsn"] == "")
    assert not (pkg / "rejects.csv").exists()
    assert result.rejects_path == rejects_path_for(pkg) and result.rejects_path.parent == tmp_path


def test_no_identifier_anywhere_in_package(tmp_path: Path) -> None:
    rows = people(150, seed=11)
    keys = [LinkageKey(KeyId(f"zk-{i}"), Secret(bytes([i]) * 32), WHEN) for i in (1, 2)]
    # the same rows encoded under two keys: a leaked identifier is in both packages, whereas a
    # chance hit in keyed, random-looking bytes (Bloom filters, hex tokens) is not
    packages = []
    for i, key in enumerate(keys):
        _encode(write_csv(rows, tmp_path / "in.csv"), tmp_path / f"pkg{i}", key=key)
        packages.append([p.read_bytes() for p in (tmp_path / f"pkg{i}").iterdir()])
    # the same rows without identifiers: what appears there too (code words such as
    # "explicit_consent", column names) is not a leak
    blank = [{**r, **dict.fromkeys(IDENTIFIERS, "")} for r in rows]
    _encode(write_csv(blank, tmp_path / "blank.csv"), tmp_path / "blank", key=keys[0])
    baseline = b"".join(p.read_bytes() for p in (tmp_path / "blank").iterdir()).lower()

    def absent(text: str) -> bool:
        variants = {text, text.lower(), text.upper(), text.title(), fold(text)}
        # a transliteration can be shorter than 4 characters: only 4+ character needles count
        needles = {v.encode("utf-8") for v in variants if len(v) >= 4}
        needles = {n for n in needles if n.lower() not in baseline}
        return not any(
            all(any(n in blob for blob in package) for package in packages) for n in needles
        )

    checked = 0
    for row in rows:
        for field in ("given_names", "surname", "place_of_birth", "street", "residence"):
            name = row[field]
            for word in name.split():
                for i in range(len(word) - 3):
                    assert absent(word[i : i + 4]), f"substring of {field} found in package"
                    checked += 1
        assert absent(row["date_of_birth"])
        dob = dt.date.fromisoformat(
            row["date_of_birth"]
            if row["date_of_birth"][4] == "-"
            else "-".join(reversed(row["date_of_birth"].replace("/", "-").split("-")))
        )
        for form in (dob.isoformat(), dob.strftime("%Y%m%d"), dob.strftime("%d-%m-%Y")):
            assert absent(form)
        if row["bsn"]:
            assert absent(row["bsn"])
        if row["postcode"]:
            assert absent(row["postcode"]) and absent(row["postcode"].replace(" ", ""))
    assert checked > 500


def test_determinism(tmp_path: Path) -> None:
    src = write_csv(people(40), tmp_path / "in.csv")
    a = _encode(src, tmp_path / "a")
    b = _encode(src, tmp_path / "b")
    for name in ("data.parquet", "encoding.json", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert a.manifest.package_id == b.manifest.package_id
    c = encode_file(src, KEY, "police-nl", "police", "registrations", tmp_path / "c", today=TODAY)
    assert c.manifest.package_id == a.manifest.package_id  # resubmission detectable
    assert c.manifest.created_at != a.manifest.created_at


def test_parallel_workers_give_identical_output(tmp_path: Path) -> None:
    import zichtbaar.encode.package as package

    src = write_csv(people(80), tmp_path / "in.csv")
    old = package.CHUNK_ROWS
    package.CHUNK_ROWS = 10
    try:
        kwargs = {"created_at": WHEN, "today": TODAY}
        encode_file(
            src, KEY, "ngo-x", "ngo", "registrations", tmp_path / "one", workers=1, **kwargs
        )  # type: ignore[arg-type]
        encode_file(
            src, KEY, "ngo-x", "ngo", "registrations", tmp_path / "two", workers=2, **kwargs
        )  # type: ignore[arg-type]
    finally:
        package.CHUNK_ROWS = old
    assert (tmp_path / "one/data.parquet").read_bytes() == (
        tmp_path / "two/data.parquet"
    ).read_bytes()


def test_bad_rows_reported_by_row_and_field_valid_rows_kept(tmp_path: Path) -> None:
    rows = people(10)
    rows[1]["date_of_birth"] = "31-02-1990"
    rows[2]["gender"] = "banana"
    rows[3]["form"] = ""
    rows[4]["registration_date"] = "2024-13-45"
    rows[5]["bsn"] = "123456789"  # fails the 11-check: warning, row kept
    rows[6]["nationality"] = "ZZZ"
    rows[7]["registration_date"] = "2030-01-01"
    result = _encode(write_csv(rows, tmp_path / "in.csv"), tmp_path / "pkg")
    # a bad value costs the row that value, not the victim: only the registration date rejects
    assert result.rows_read == 10
    assert result.rows_rejected == 2
    assert result.rows_encoded == 8
    assert result.warnings == 5
    reported = {(r["row"], r["field"], r["action"]) for r in _rejects(result)}
    assert reported == {
        ("3", "date_of_birth", "warning"),
        ("4", "gender", "warning"),
        ("5", "form", "warning"),
        ("6", "registration_date", "rejected"),
        ("7", "bsn", "warning"),
        ("8", "nationality", "warning"),
        ("9", "registration_date", "rejected"),
    }
    text = result.rejects_path.read_text()
    for value in ("31-02-1990", "banana", "2024-13-45", "123456789", "ZZZ", "2030-01-01"):
        assert value not in text
    kept = pq.read_table(tmp_path / "pkg" / "data.parquet").column("record_id").to_pylist()
    assert kept == [rows[i]["record_id"] for i in (0, 1, 2, 3, 5, 6, 8, 9)]
    out = pq.read_table(tmp_path / "pkg" / "data.parquet").to_pylist()
    assert out[4]["tok_bsn"] is None
    assert out[1]["tok_name_dob"] is None and out[1]["bloom"] is not None  # no date, still a name
    assert (out[2]["gender"], out[3]["form"], out[5]["nationality_group"]) == (
        "unknown",
        "other_unknown",
        "STATELESS_UNKNOWN",
    )


def test_age_group_from_dob_else_column(tmp_path: Path) -> None:
    rows = people(3)
    rows[0]["date_of_birth"], rows[0]["registration_date"] = "15-06-2010", "2024-06-14"
    rows[1]["date_of_birth"], rows[1]["age_group"] = "", "30-39"
    rows[2]["date_of_birth"], rows[2]["age_group"] = "00-00-1990", "18-22"
    _encode(write_csv(rows, tmp_path / "in.csv"), tmp_path / "pkg")
    out = pq.read_table(tmp_path / "pkg" / "data.parquet").to_pylist()
    assert [r["age_group"] for r in out] == ["12-17", "30-39", "18-22"]
    assert out[0]["nationality_group"] in {
        "NL",
        "EU_EEA",
        "AFRICA",
        "ASIA",
        "EUROPE_OTHER",
        "STATELESS_UNKNOWN",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("record_id,registration_date\nr1,2024-01-01\n", "form, legal_basis"),
        ("record_id,registration_date,form,legal_basis,surnaam\n", "unknown column"),
        ("", "empty"),
        ("record_id,record_id\n", "duplicate"),
    ],
)
def test_file_level_errors(tmp_path: Path, content: str, message: str) -> None:
    src = tmp_path / "in.csv"
    src.write_text(content)
    with pytest.raises(EncodeError, match=message):
        _encode(src, tmp_path / "pkg")
    assert not (tmp_path / "pkg").exists()


def test_malformed_csv_rows_rejected_by_row_valid_rows_kept(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "record_id,registration_date,form,legal_basis,surname\n"
        "r1,2024-01-01,labour,none,Jansen\n"
        "r2,2024-01-01,labour\n"
        "r3,2024-01-01,labour,none,Smit,extra\n"
        "r4,2024-01-01,labour,none,de Vries\n"
        "r5,2024-01-01,gardening,none,Bakker\n"
    )
    result = _encode(src, tmp_path / "pkg")
    assert (result.rows_read, result.rows_encoded, result.rows_rejected) == (5, 3, 2)
    reported = {(r["row"], r["field"], r["action"]) for r in _rejects(result)}
    assert reported == {
        ("3", "row", "rejected"),
        ("4", "row", "rejected"),
        ("6", "form", "warning"),
    }
    assert "Smit" not in result.rejects_path.read_text()
    kept = pq.read_table(tmp_path / "pkg" / "data.parquet").column("record_id").to_pylist()
    assert kept == ["r1", "r4", "r5"]


def test_non_utf8_csv_is_read_as_windows_1252(tmp_path: Path) -> None:
    # Excel on a Dutch Windows writes cp1252: the file is read, the short line reported
    src = tmp_path / "in.csv"
    src.write_bytes(
        b"record_id,registration_date,form,legal_basis\nr1,2024-01-01,labour,none\n"
        + b"\xff\xfe,\n"
    )
    result = _encode(src, tmp_path / "pkg")
    assert result.rows_encoded == 1
    assert [(r["row"], r["field"]) for r in _rejects(result)] == [("3", "row")]


def test_argument_errors(tmp_path: Path) -> None:
    src = write_csv(people(2), tmp_path / "in.csv")
    with pytest.raises(EncodeError, match="reporter type"):
        encode_file(src, KEY, "police-nl", "spy", "registrations", tmp_path / "a")
    with pytest.raises(EncodeError, match="key is required"):
        encode_file(src, None, "police-nl", "police", "registrations", tmp_path / "b")
    with pytest.raises(EncodeError, match="organisation"):
        encode_file(src, KEY, "Police NL!", "police", "registrations", tmp_path / "c")
    assert not (tmp_path / "c").exists()


def test_semicolon_csv_xlsx_and_parquet_inputs(tmp_path: Path) -> None:
    import pandas as pd

    rows = people(12)
    frame = pd.DataFrame(rows)
    frame.to_csv(tmp_path / "semi.csv", sep=";", index=False)
    frame.to_excel(tmp_path / "in.xlsx", index=False)
    frame.to_parquet(tmp_path / "in.parquet", index=False)
    reference = _encode(write_csv(rows, tmp_path / "in.csv"), tmp_path / "ref")
    for name in ("semi.csv", "in.xlsx", "in.parquet"):
        result = _encode(tmp_path / name, tmp_path / f"pkg-{name}")
        assert result.manifest.sha256 == reference.manifest.sha256, name


def test_register_events_and_suspects(tmp_path: Path) -> None:
    events = [
        {
            "record_id": "e1",
            "event_date": "2024-02-01",
            "event_type": "shelter",
            "given_names": "Olga",
            "surname": "Ivanova",
            "date_of_birth": "02-03-1999",
            "nationality": "UKR",
            "gender": "V",
        },
        {"record_id": "e2", "event_date": "2024-02-02", "event_type": "nonsense"},
    ]
    result = _encode(write_csv(events, tmp_path / "ev.csv"), tmp_path / "ev", "register_events")
    assert (result.rows_encoded, result.rows_rejected) == (1, 1)
    table = pq.read_table(tmp_path / "ev" / "data.parquet")
    assert table.column_names == list(RegisterEvent.model_fields)
    row = RegisterEvent.model_validate(table.to_pylist()[0])
    assert row.nationality_group == "EUROPE_OTHER" and row.gender == "female" and row.bloom

    suspects = [
        {
            "case_id": "c1",
            "year": "2023",
            "form": "labour",
            "age": "34",
            "nationality": "NLD",
            "prosecution_decision": "summons",
        },
        {"case_id": "c2", "year": "1800", "form": "labour", "prosecution_decision": "summons"},
    ]
    result = _encode(write_csv(suspects, tmp_path / "s.csv"), tmp_path / "s", "suspects", key=None)
    assert (result.rows_encoded, result.rows_rejected) == (1, 1)
    assert result.manifest.key_id is None
    table = pq.read_table(tmp_path / "s" / "data.parquet")
    assert table.column_names == list(SuspectCase.model_fields)
    assert SuspectCase.model_validate(table.to_pylist()[0]).nationality_group == "NL"


def test_cli_encode(tmp_path: Path) -> None:
    keyfile = save_key(KEY, tmp_path / "key.json")
    rows = people(20)
    rows[0]["date_of_birth"] = "99-99-1990"
    rows[1]["record_id"] = ""
    src = write_csv(rows, tmp_path / "in.csv")
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "encode",
            str(src),
            "--key",
            str(keyfile),
            "--org",
            "police-nl",
            "--reporter-type",
            "police",
            "-o",
            str(tmp_path / "pkg"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "19 rows encoded" in result.output and "1 rows rejected" in result.output
    assert "1 warnings" in result.output  # the impossible date of birth: sent without it
    manifest = json.loads((tmp_path / "pkg" / "manifest.json").read_text())
    assert manifest["row_count"] == 19
    again = runner.invoke(
        app,
        [
            "encode",
            str(src),
            "--key",
            str(keyfile),
            "--org",
            "police-nl",
            "--reporter-type",
            "police",
            "-o",
            str(tmp_path / "pkg"),
        ],
    )
    assert again.exit_code == 2
    assert "not empty" in again.output


def test_cli_reproducible_with_created_at_and_suspects_without_key(tmp_path: Path) -> None:
    keyfile = save_key(KEY, tmp_path / "key.json")
    src = write_csv(people(10), tmp_path / "in.csv")
    runner = CliRunner()
    base = ["--key", str(keyfile), "--org", "police-nl", "--reporter-type", "police"]
    for out in ("a", "b"):
        args = ["encode", str(src), *base, "--created-at", "2025-01-01T00:00:00+00:00"]
        result = runner.invoke(app, [*args, "-o", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
    for name in ("data.parquet", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    suspects = [
        {"case_id": "c1", "year": "2023", "form": "labour", "prosecution_decision": "summons"}
    ]
    s_src = write_csv(suspects, tmp_path / "s.csv")
    result = runner.invoke(
        app,
        [
            "encode",
            str(s_src),
            "--org",
            "om",
            "--reporter-type",
            "other_investigative",
            "--kind",
            "suspects",
            "-o",
            str(tmp_path / "s"),
        ],
    )
    assert result.exit_code == 0, result.output
    bad = runner.invoke(
        app,
        ["encode", str(src), "--org", "x", "--reporter-type", "police", "-o", str(tmp_path / "c")],
    )
    assert bad.exit_code == 2 and "key is required" in bad.output


def test_month_first_file_is_read_month_first_and_said_so(tmp_path: Path) -> None:
    # MM/DD/YYYY: before, every date with a day of 12 or less was read day-first without a word
    rows = people(3)
    for row in rows:
        row["bsn"], row["place_of_birth"] = "", ""
    written = ["12/25/1990", "04/03/1985", "01/02/1970"]
    iso = ["1990-12-25", "1985-04-03", "1970-01-02"]
    us, ref = [dict(r) for r in rows], [dict(r) for r in rows]
    for r, w in zip(us, written, strict=True):
        r["date_of_birth"] = w
    for r, i in zip(ref, iso, strict=True):
        r["date_of_birth"] = i
    got = _encode(write_csv(us, tmp_path / "us.csv"), tmp_path / "us")
    want = _encode(write_csv(ref, tmp_path / "ref.csv"), tmp_path / "ref")
    assert got.notes == ("dates of birth are month-first (MM/DD/YYYY): read so",)
    assert want.notes == ()
    tok = [
        pq.read_table(d / "data.parquet").column("tok_dob").to_pylist()
        for d in (tmp_path / "us", tmp_path / "ref")
    ]
    assert tok[0] == tok[1]


def test_all_ambiguous_dates_are_read_day_first_with_a_note(tmp_path: Path) -> None:
    rows = people(2)
    rows[0]["date_of_birth"], rows[1]["date_of_birth"] = "04/03/1990", "01/02/1985"
    result = _encode(write_csv(rows, tmp_path / "in.csv"), tmp_path / "pkg")
    assert len(result.notes) == 1 and "read day-first" in result.notes[0]
