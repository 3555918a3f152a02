"""Valid rows land, bad rows are explained, resubmission and corrections behave."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import delete, select, update

from tests.intake.factory import TOKENS, registration, registrations, suspect, write_package
from zichtbaar.errors import PackageError, StoreError
from zichtbaar.intake import export_snapshot, ingest_package, withdraw
from zichtbaar.store import Store, open_store, register_key_id, verify_audit
from zichtbaar.store.engine import FILTERS_SEALED
from zichtbaar.store.hubkey import load_or_create_hub_key
from zichtbaar.store.models import (
    AuditEntry,
    QuarantinedRow,
    Registration,
    StoredSuspect,
    StoreMeta,
    Withdrawal,
)


def _regs(store: Store) -> list[Registration]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(Registration.__table__).order_by(Registration.id)).all())  # type: ignore[arg-type]


def test_bad_rows_quarantined_good_rows_kept(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rows = registrations(10)
    future = dt.date.today() + dt.timedelta(days=3)
    rows[1]["registration_date"] = future
    rows[3]["form"] = "not-a-form"
    rows[5]["legal_basis"] = None
    rows[7]["tok_dob"] = "XYZ-secret-value"
    rows[8]["nationality"] = "QQQ"
    report = ingest_package(store, write_package(tmp_path / "p", rows), "police-nl", "tester")
    assert report.accepted == 5 and report.quarantined == 5
    assert report.quarantined_rows == [2, 4, 6, 8, 9]
    by_row = {p.row: (p.field, p.reason) for p in report.problems}
    assert by_row[2] == ("registration_date", "lies in the future")
    assert by_row[4][0] == "form" and "form" in by_row[4][1]
    assert by_row[6] == ("legal_basis", "is required but empty")
    assert by_row[8][0] == "tok_dob"
    assert by_row[9][0] == "nationality"
    text = repr(report) + caplog.text
    assert "XYZ-secret-value" not in text and "not-a-form" not in text and "QQQ" not in text
    stored = {r.record_id for r in _regs(store)}
    assert stored == {rows[i]["record_id"] for i in (0, 2, 4, 6, 9)}
    with store.engine.connect() as conn:
        q = conn.execute(select(QuarantinedRow.row_number)).scalars().all()
    assert sorted(q) == [2, 4, 6, 8, 9]


def test_tokens_are_not_stored_in_clear(store: Store, tmp_path: Path) -> None:
    rows = registrations(5)
    ingest_package(store, write_package(tmp_path / "p", rows), "police-nl", "tester")
    clear = {bytes.fromhex(r[t]) for r in rows for t in TOKENS} | {
        r[t].encode() for r in rows for t in TOKENS
    }
    for reg in _regs(store):
        for t in TOKENS:
            blob = getattr(reg, t)
            assert blob is not None and len(blob) == 48
            assert all(c not in bytes(blob) for c in clear)
    # Round trip: the hub can still decrypt, and equal tokens encrypt equally.
    reg0 = _regs(store)[0]
    assert store.cipher.decrypt_token("tok_bsn", bytes(reg0.tok_bsn)) == rows[0]["tok_bsn"]
    if store.engine.dialect.name == "sqlite":
        raw = Path(store.engine.url.database).read_bytes()  # type: ignore[arg-type]
        assert (
            rows[0]["tok_bsn"].encode() not in raw and bytes.fromhex(rows[0]["tok_bsn"]) not in raw
        )


def test_filters_are_sealed_at_rest_and_opened_for_linkage(store: Store, tmp_path: Path) -> None:
    """A reporter holds the linkage secret, so it can encode a guessed name into exactly the
    filter the store would hold: the store may hold no filter open, and not even reveal which
    rows share one (two rows with the same filter are sealed differently)."""
    first, second = registration(1), registration(2)
    second["bloom"] = first["bloom"]
    ingest_package(store, write_package(tmp_path / "p", [first, second]), "police-nl", "tester")
    stored = [bytes(r.bloom) for r in _regs(store) if r.bloom is not None]
    assert len(stored) == 2 and stored[0] != stored[1]
    assert all(first["bloom"] not in blob for blob in stored)
    if store.engine.dialect.name == "sqlite":
        raw = Path(store.engine.url.database).read_bytes()  # type: ignore[arg-type]
        assert first["bloom"] not in raw
    export_snapshot(store, tmp_path / "snap")
    frame = pd.read_parquet(tmp_path / "snap" / "registrations.parquet").set_index("record_id")
    assert frame.loc[first["record_id"], "bloom"] == first["bloom"]
    assert frame.loc[second["record_id"], "bloom"] == first["bloom"]


def test_address_filters_are_sealed_too_and_a_bad_one_rejects_its_row_only(
    store: Store, tmp_path: Path
) -> None:
    """Schema 3.2: the address filter is a filter like the name's (sealed, opened for the
    snapshot); one of the wrong length rejects its row, naming the column, never the value."""
    rows = [registration(1), registration(3), registration(4)]  # odd rows get an address
    home = rows[0]["bloom_address"]
    rows[1]["bloom_address"] = home[:-1]
    report = ingest_package(store, write_package(tmp_path / "p", rows), "police-nl", "tester")
    assert report.accepted == 2 and report.quarantined == 1
    with store.engine.connect() as conn:
        reasons = conn.execute(select(QuarantinedRow.field, QuarantinedRow.reason)).all()
    assert [tuple(r) for r in reasons] == [
        ("bloom_address", "must be 128 bytes long (the encoding's filter)")
    ]
    stored = [bytes(r.bloom_address) for r in _regs(store) if r.bloom_address is not None]
    assert len(stored) == 1 and home not in stored[0]
    export_snapshot(store, tmp_path / "snap")
    frame = pd.read_parquet(tmp_path / "snap" / "registrations.parquet").set_index("record_id")
    assert frame.loc[rows[0]["record_id"], "bloom_address"] == home
    assert frame.loc[rows[2]["record_id"], "bloom_address"] is None


def test_a_store_written_with_open_filters_is_sealed_once_on_opening(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    """Stores written before filters were sealed hold them open; the next opening seals every one
    (once: a second opening must not seal the seals), and the snapshot still gives them back."""
    rows = registrations(3)
    ingest_package(store, write_package(tmp_path / "p", rows), "police-nl", "tester")
    with store.engine.begin() as conn:  # put the store back as an older version left it
        for r in rows:
            conn.execute(
                update(Registration)
                .where(Registration.record_id == r["record_id"])
                .values(bloom=r["bloom"])
            )
        conn.execute(delete(StoreMeta).where(StoreMeta.key == FILTERS_SEALED))
    key_file = tmp_path / "keys" / "hub-key.json"
    for _ in range(2):
        reopened = open_store(store_url, key_file=key_file)
        blobs = {r.record_id: bytes(r.bloom) for r in _regs(reopened) if r.bloom is not None}
        assert len(blobs) == 3
        for r in rows:
            assert r["bloom"] not in blobs[r["record_id"]]
            assert reopened.cipher.open_filter(blobs[r["record_id"]]) == r["bloom"]
        reopened.close()


def test_a_filter_sealed_under_another_hub_key_is_refused_without_its_bytes(tmp_path: Path) -> None:
    ours = load_or_create_hub_key(tmp_path / "ours.json")
    theirs = load_or_create_hub_key(tmp_path / "theirs.json")
    bloom = registration(1)["bloom"]
    blob = theirs.seal_filter(bloom)
    assert theirs.open_filter(blob) == bloom
    for bad in (blob, blob[:-1] + bytes([blob[-1] ^ 1]), blob[:10]):
        with pytest.raises(StoreError) as err:
            ours.open_filter(bad) if bad is blob else theirs.open_filter(bad)
        assert bloom.hex() not in str(err.value) and "authentication" in str(err.value)


def test_one_key_one_encoding(store: Store, tmp_path: Path) -> None:
    """Filters made with other settings under the same key would silently fail to link: the first
    package under a key pins its encoding, a package with other settings is refused (and stores
    nothing), the same settings pass, and new settings pass under a new key id."""
    ingest_package(store, write_package(tmp_path / "a", registrations(2)), "police-nl", "tester")
    other = write_package(tmp_path / "b", [registration(7)])
    enc = json.loads((other / "encoding.json").read_text())
    enc["hardening_params"] = {"flip_probability": 0.2}
    (other / "encoding.json").write_text(json.dumps(enc))
    with pytest.raises(PackageError) as err:
        ingest_package(store, other, "police-nl", "tester")
    assert "encoding settings" in str(err.value) and "rotate" in str(err.value)
    assert len(_regs(store)) == 2
    same = ingest_package(store, write_package(tmp_path / "c", [registration(8)]), "police-nl", "t")
    assert same.accepted == 1
    register_key_id(store, "key-2027", actor="test-admin")
    rotated = write_package(tmp_path / "d", [registration(9)], key_id="key-2027")
    (rotated / "encoding.json").write_text(json.dumps(enc))
    assert ingest_package(store, rotated, "police-nl", "tester").accepted == 1
    with store.engine.connect() as conn:
        actions = [a for (a,) in conn.execute(select(AuditEntry.action))]
    assert "submission_refused" in actions


def test_swapped_date_still_meets_the_other_date_after_storage(
    store: Store, tmp_path: Path
) -> None:
    """The hub encrypts tokens per column; a swapped date token must still equal the date token
    it was made to meet, or no day/month swap is ever linked (found on the synthetic world)."""
    first, second = registration(1), registration(2)
    second["tok_dob_swapped"] = first["tok_dob"]
    ingest_package(store, write_package(tmp_path / "p", [first, second]), "police-nl", "tester")
    export_snapshot(store, tmp_path / "snap")
    frame = pd.read_parquet(tmp_path / "snap" / "registrations.parquet").set_index("record_id")
    a, b = frame.loc[first["record_id"]], frame.loc[second["record_id"]]
    assert b["tok_dob_swapped"] == a["tok_dob"]
    assert a["tok_dob"] != first["tok_dob"]  # still encrypted, not the organisation's token
    assert b["tok_bsn"] != a["tok_dob"] and a["tok_bsn"] != a["tok_name_dob"]


def test_resubmission_is_idempotent(store: Store, tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(6))
    first = ingest_package(store, pkg, "police-nl", "tester")
    again = ingest_package(store, pkg, "police-nl", "tester")
    assert not first.duplicate and again.duplicate
    assert again.submission_id == first.submission_id and again.accepted == first.accepted
    assert len(_regs(store)) == 6


def test_correction_keeps_history(store: Store, tmp_path: Path) -> None:
    rows = registrations(4)
    ingest_package(store, write_package(tmp_path / "a", rows), "police-nl", "tester")
    fixed = [dict(r) for r in rows]
    fixed[2]["form"] = "criminal"
    report = ingest_package(store, write_package(tmp_path / "b", fixed), "police-nl", "tester")
    assert report.corrected == 1 and report.unchanged == 3 and report.accepted == 1
    versions = [r for r in _regs(store) if r.record_id == rows[2]["record_id"]]
    assert [(v.version, v.current, v.form) for v in versions] == [
        (1, False, "labour"),
        (2, True, "criminal"),
    ]
    snap = export_snapshot(store, tmp_path / "snap")
    frame = pd.read_parquet(tmp_path / "snap" / "registrations.parquet")
    assert snap.registrations == 4 and len(frame) == 4
    assert frame.loc[frame.record_id == rows[2]["record_id"], "form"].item() == "criminal"


def test_duplicate_record_in_one_package(store: Store, tmp_path: Path) -> None:
    rows = [registration(1), registration(1, form="criminal"), registration(2)]
    report = ingest_package(store, write_package(tmp_path / "p", rows), "police-nl", "tester")
    assert report.accepted == 2 and [p.row for p in report.problems] == [2]


def test_withdrawal_end_to_end(store: Store, tmp_path: Path) -> None:
    rows = registrations(3)
    ingest_package(store, write_package(tmp_path / "a", rows), "police-nl", "tester")
    changed = [dict(rows[0], region="midden_nederland")]
    ingest_package(store, write_package(tmp_path / "b", changed), "police-nl", "tester")
    target = rows[0]["record_id"]
    receipt = withdraw(store, "police-nl", target, "consent_withdrawn", "coordinator-1")
    assert receipt.removed_rows == 2  # both versions erased
    assert target not in {r.record_id for r in _regs(store)}
    export_snapshot(store, tmp_path / "snap")
    frame = pd.read_parquet(tmp_path / "snap" / "registrations.parquet")
    assert target not in set(frame.record_id) and len(frame) == 2
    with store.engine.connect() as conn:
        audit = conn.execute(select(AuditEntry.action, AuditEntry.object_ref)).all()
        wd = conn.execute(select(Withdrawal.reason, Withdrawal.removed_rows)).all()
    entry = [ref for action, ref in audit if action == "withdrawal"]
    assert len(entry) == 1 and "consent_withdrawn" in entry[0] and target not in entry[0]
    assert wd == [("consent_withdrawn", 2)]
    assert verify_audit(store).ok
    # The withdrawn record may not come back.
    report = ingest_package(store, write_package(tmp_path / "c", [rows[0]]), "police-nl", "tester")
    assert report.accepted == 0 and report.problems[0].field == "record_id"


def test_withdraw_unknown_record(store: Store) -> None:
    from zichtbaar.errors import IntakeError

    with pytest.raises(IntakeError, match="no stored record"):
        withdraw(store, "police-nl", "nope", "error", "tester")
    with pytest.raises(IntakeError, match="reason"):
        withdraw(store, "police-nl", "nope", "because", "tester")


def test_suspects_package(store: Store, tmp_path: Path) -> None:
    rows = [suspect(1), suspect(2, age=5), suspect(3, year=1980), suspect(4, age=None)]
    pkg = write_package(tmp_path / "s", rows, kind="suspects", key_id=None)
    report = ingest_package(store, pkg, "police-nl", "tester")
    assert report.accepted == 2 and {p.field for p in report.problems} == {"age", "year"}
    with store.engine.connect() as conn:
        ages = sorted(conn.execute(select(StoredSuspect.age)).scalars(), key=lambda a: a or 0)
    assert ages == [None, 30]
    info = export_snapshot(store, tmp_path / "snap")
    assert info.suspects == 2


def test_all_rows_bad_still_a_submission(store: Store, tmp_path: Path) -> None:
    rows = [registration(i, gender="?") for i in range(3)]
    report = ingest_package(store, write_package(tmp_path / "p", rows), "police-nl", "tester")
    assert report.status == "all_quarantined" and report.accepted == 0 and report.quarantined == 3


def test_register_events_package(store: Store, tmp_path: Path) -> None:
    from tests.intake.factory import TOKENS as TOKS
    from zichtbaar.standard.models import FILTER_COLUMNS

    base = {t: None for t in TOKS} | dict.fromkeys(FILTER_COLUMNS)
    rows = [
        base
        | {
            "record_id": "s-1",
            "event_date": dt.date(2024, 5, 1),
            "event_type": "shelter",
            "gender": None,
        },
        base
        | {
            "record_id": "s-2",
            "event_date": dt.date.today() + dt.timedelta(days=10),
            "event_type": "shelter",
        },
        base | {"record_id": "s-3", "event_date": dt.date(2024, 5, 1), "event_type": "party"},
    ]
    for r in rows:
        r.setdefault("gender", "female")
        r.update(
            nationality_group="NL",
            dublin_status="not_applicable",
            prosecution_decision=None,
            legal_basis="legal_duty",
        )
    rows[0]["gender"] = None  # a default fills it
    rows[0]["tok_bsn"] = "ab" * 32
    pkg = write_package(
        tmp_path / "e", rows, kind="register_events", org="shelter-a", reporter_type="shelter_care"
    )
    report = ingest_package(store, pkg, "shelter-a", "tester")
    assert report.accepted == 1
    assert {(p.row, p.field) for p in report.problems} == {(2, "event_date"), (3, "event_type")}
    export_snapshot(store, tmp_path / "snap")
    events = pd.read_parquet(tmp_path / "snap" / "register_events.parquet")
    assert list(events.gender) == ["unknown"] and events.event_id.str.startswith("ev-").all()
    assert len(events.tok_bsn.iloc[0]) == 96  # hub-encrypted, hex


@pytest.mark.parametrize(
    "twin",
    ["\ufeffR{}", "R\u200b{}", "R{}\u200d", "R\u2060{}", "R{}\x00", "R\u2028{}", "R{}\ufe0f"],
)
def test_an_invisible_twin_of_an_id_is_the_same_record(
    store: Store, tmp_path: Path, twin: str
) -> None:
    """A byte-order mark or a zero-width twin of an existing id became a second current record."""
    rows = registrations(2)
    ingest_package(store, write_package(tmp_path / "a", rows), "police-nl", "tester")
    same = dict(rows[0], record_id=twin.format(rows[0]["record_id"][1:]))
    report = ingest_package(store, write_package(tmp_path / "b", [same]), "police-nl", "tester")
    assert report.unchanged == 1 and report.accepted == 0
    current = [r.record_id for r in _regs(store) if r.current]
    assert sorted(current) == sorted(r["record_id"] for r in rows)


def test_an_id_in_decomposed_form_is_the_same_record(store: Store, tmp_path: Path) -> None:
    rows = [registration(1, record_id="Z\u00e9-1")]  # é composed
    ingest_package(store, write_package(tmp_path / "a", rows), "police-nl", "tester")
    twin = [dict(rows[0], record_id="Ze\u0301-1", form="criminal")]  # e + combining acute
    report = ingest_package(store, write_package(tmp_path / "b", twin), "police-nl", "tester")
    assert report.corrected == 1
    assert [r.record_id for r in _regs(store) if r.current] == ["Z\u00e9-1"]
    receipt = withdraw(store, "police-nl", "\ufeffZe\u0301-1", "error", "tester")
    assert receipt.removed_rows == 2
