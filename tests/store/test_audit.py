"""The audit chain detects a modified, inserted or deleted entry."""

from __future__ import annotations

from sqlalchemy import delete, insert, update

from zichtbaar.store import Store, add_organisation, append_audit, verify_audit
from zichtbaar.store.audit import entry_hash
from zichtbaar.store.models import AuditEntry


def _fill(store: Store) -> None:
    for i in range(4):
        add_organisation(store, f"org-{i}", f"Org {i}", "ngo", actor="admin")


def test_clean_chain_verifies(store: Store) -> None:
    _fill(store)
    report = verify_audit(store)
    assert report.ok and report.entries == 7 and report.problems == []


def test_modified_entry_detected(store: Store) -> None:
    _fill(store)
    with store.engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(actor="mallory"))
    report = verify_audit(store)
    assert not report.ok and any("entry 4" in p and "modified" in p for p in report.problems)


def test_deleted_entry_detected(store: Store) -> None:
    _fill(store)
    with store.engine.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
    report = verify_audit(store)
    assert not report.ok and any("entry 4" in p for p in report.problems)


def test_inserted_entry_detected_even_with_valid_own_hash(store: Store) -> None:
    _fill(store)
    with store.engine.begin() as conn:
        # Shift the tail and forge an entry whose own hash is right: the next link still breaks.
        rows = conn.execute(AuditEntry.__table__.select().order_by(AuditEntry.seq)).all()
        conn.execute(delete(AuditEntry).where(AuditEntry.seq >= 4))
        prev = rows[2].hash
        forged = entry_hash(prev, 4, rows[3].at, "mallory", "org_add", "organisation:fake")
        conn.execute(
            insert(AuditEntry).values(
                seq=4,
                at=rows[3].at,
                actor="mallory",
                action="org_add",
                object_ref="organisation:fake",
                prev_hash=prev,
                hash=forged,
            )
        )
        for r in rows[3:]:
            conn.execute(
                insert(AuditEntry).values(
                    seq=r.seq + 1,
                    at=r.at,
                    actor=r.actor,
                    action=r.action,
                    object_ref=r.object_ref,
                    prev_hash=r.prev_hash,
                    hash=r.hash,
                )
            )
    report = verify_audit(store)
    assert not report.ok and any("entry 5" in p for p in report.problems)


def test_append_continues_chain(store: Store) -> None:
    with store.engine.begin() as conn:
        first = append_audit(conn, "a", "x", "ref:1")
        second = append_audit(conn, "a", "y", "ref:2")
    assert second == first + 1 and verify_audit(store).ok
