"""``verify_audit``: walk the whole audit chain of a store."""

from __future__ import annotations

from zichtbaar.store.audit import AuditReport, verify_chain
from zichtbaar.store.engine import Store


def verify_audit(store: Store) -> AuditReport:
    """Recompute every hash; any modified, inserted or deleted entry is reported by number."""
    with store.engine.connect() as conn:
        return verify_chain(conn)
