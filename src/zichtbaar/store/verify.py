"""``verify_audit``: walk the whole audit chain of a store."""

from __future__ import annotations

from zichtbaar.store.audit import AuditAnchor, AuditReport, audit_head, verify_chain
from zichtbaar.store.engine import Store


def verify_audit(store: Store, anchor: AuditAnchor | None = None) -> AuditReport:
    """Recompute every hash; any modified, inserted or deleted entry is reported by number.

    With an ``anchor`` published earlier, deleting the newest entries is detected too.
    """
    with store.engine.connect() as conn:
        return verify_chain(conn, anchor)


def current_audit_head(store: Store) -> AuditAnchor:
    """The head hash and entry count to publish (e.g. in a release manifest)."""
    with store.engine.connect() as conn:
        return audit_head(conn)
