from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from zichtbaar.errors import ProgrammeError
from zichtbaar.programme import (
    SEED,
    Status,
    current_status,
    history,
    load_programme,
    parse_yaml,
    save_programme,
    set_status,
)
from zichtbaar.store import Store, verify_audit
from zichtbaar.store.audit import AuditEntry
from zichtbaar.types import Lang


def _seed(store: Store) -> None:
    with store.engine.begin() as conn:
        save_programme(conn, parse_yaml(SEED.read_text(encoding="utf-8")), "test")


def test_seed_round_trips_through_the_store(store: Store) -> None:
    doc = parse_yaml(SEED.read_text(encoding="utf-8"))
    _seed(store)
    with store.engine.connect() as conn:
        back = load_programme(conn)
    assert [m.id for m in back.measures] == [m.id for m in doc.measures]
    assert back.programme.title == "Samen tegen mensenhandel"
    al104 = next(m for m in back.measures if m.id == "AL1-04")
    assert al104.indicators[0].targets[2021] == 205
    crawler = next(m for m in back.measures if m.id == "AL1-05")
    assert crawler.status == Status.DELAYED
    assert crawler.status_date == dt.date(2019, 12, 1)
    unknown = next(m for m in back.measures if m.id == "AL2-03")
    assert unknown.status is None


def test_status_history_is_appended_with_who_when_why_and_audited(store: Store) -> None:
    _seed(store)
    with store.engine.begin() as conn:
        before = conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
        set_status(conn, "AL1-05", Status.IMPLEMENTED, "coordinator1", "crawler in production")
        after = conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
        refs = conn.execute(select(AuditEntry.object_ref, AuditEntry.action)).all()
    assert after == before + 1
    assert ("measure:AL1-05", "programme.status") in refs
    with store.engine.connect() as conn:
        hist = history(conn, "AL1-05")
        assert current_status(conn, "AL1-05") == Status.IMPLEMENTED
    assert [h.status for h in hist] == [Status.DELAYED, Status.IMPLEMENTED]
    assert hist[-1].actor == "coordinator1"
    assert hist[-1].reason == "crawler in production"
    assert verify_audit(store).ok


def test_reimport_keeps_history_and_adds_no_duplicate(store: Store) -> None:
    _seed(store)
    _seed(store)
    with store.engine.connect() as conn:
        assert len(history(conn, "AL1-05")) == 1


def test_status_change_needs_reason_and_known_measure(store: Store) -> None:
    _seed(store)
    with store.engine.begin() as conn, pytest.raises(ProgrammeError):
        set_status(conn, "AL1-05", Status.IMPLEMENTED, "c", "  ")
    with store.engine.begin() as conn, pytest.raises(ProgrammeError):
        set_status(conn, "NOPE", Status.IMPLEMENTED, "c", "why")


def test_every_status_has_distinct_nl_and_en_labels() -> None:
    nl = {s.label(Lang.NL) for s in Status}
    en = {s.label(Lang.EN) for s in Status}
    assert len(nl) == len(en) == len(Status) == 7
    assert Status.STRUCTURALLY_EMBEDDED.label(Lang.NL) == "Structureel geborgd"
