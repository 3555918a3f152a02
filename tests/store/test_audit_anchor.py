"""Tamper evidence beyond the chain itself: reordering, and a deleted tail caught by an anchor."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, update
from typer.testing import CliRunner

from zichtbaar.cli import app
from zichtbaar.config import get_settings
from zichtbaar.store import (
    AuditAnchor,
    Store,
    add_organisation,
    current_audit_head,
    open_store,
    verify_audit,
)
from zichtbaar.store.models import AuditEntry


def _fill(store: Store, n: int = 4) -> None:
    for i in range(n):
        add_organisation(store, f"org-{i}", f"Org {i}", "ngo", actor="admin")


def test_reordered_entries_detected(store: Store) -> None:
    _fill(store)
    with store.engine.begin() as conn:
        # Swap the sequence numbers of entries 4 and 5 (via a free number).
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(seq=1000))
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 5).values(seq=4))
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 1000).values(seq=5))
    report = verify_audit(store)
    assert not report.ok
    assert any(p.startswith("entry 4") for p in report.problems)


def test_deleted_tail_passes_the_chain_but_not_the_anchor(store: Store) -> None:
    _fill(store)
    anchor = current_audit_head(store)
    assert anchor.count == 7 and verify_audit(store, anchor).ok
    with store.engine.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.seq >= 6))
    assert verify_audit(store).ok  # the shortened chain recomputes: this is why anchors exist
    report = verify_audit(store, anchor)
    assert not report.ok
    assert any("newest entries deleted" in p for p in report.problems)


def test_anchor_survives_later_appends_and_catches_a_rewritten_chain(store: Store) -> None:
    _fill(store, 2)
    anchor = current_audit_head(store)
    for i in range(2):
        add_organisation(store, f"late-{i}", "Late", "ngo", actor="a")
    assert verify_audit(store, anchor).ok  # entries appended after publication are fine
    forged = AuditAnchor("f" * 64, anchor.count)
    report = verify_audit(store, forged)
    assert not report.ok and any("anchor's hash" in p for p in report.problems)


def test_empty_chain_anchor() -> None:
    assert str(AuditAnchor.parse("0" * 64 + ":0")) == "0" * 64 + ":0"


@pytest.mark.parametrize(
    "text", ["", "abc", "0" * 64, "g" * 64 + ":1", "0" * 63 + ":1", "0" * 64 + ":x"]
)
def test_malformed_anchor_refused(text: str) -> None:
    with pytest.raises(ValueError):
        AuditAnchor.parse(text)


def test_cli_audit_head_and_anchor_detect_tail_deletion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZICHTBAAR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZICHTBAAR_DATABASE_URL", raising=False)
    monkeypatch.delenv("ZICHTBAAR_HUB_KEY_FILE", raising=False)
    get_settings.cache_clear()
    try:
        run = CliRunner().invoke
        for i in range(3):
            assert (
                run(app, ["admin", "org", "add", f"o{i}", "--type", "ngo", "--name", "O"]).exit_code
                == 0
            )
        head = run(app, ["admin", "audit-head"])
        assert head.exit_code == 0
        anchor = head.output.strip()
        assert AuditAnchor.parse(anchor).count == 3
        ok = run(app, ["admin", "verify-audit", "--anchor", anchor])
        assert ok.exit_code == 0 and "intact" in ok.output
        store = open_store()
        with store.engine.begin() as conn:
            conn.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
        store.close()
        assert run(app, ["admin", "verify-audit"]).exit_code == 0  # unanchored: undetectable
        bad = run(app, ["admin", "verify-audit", "--anchor", anchor])
        assert bad.exit_code == 1 and "TAMPERED" in bad.output
        assert run(app, ["admin", "verify-audit", "--anchor", "nonsense"]).exit_code == 2
    finally:
        get_settings.cache_clear()
