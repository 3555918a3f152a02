"""Read-only listings of the operational store for the web pages.

The store offers writes and single look-ups; the pages need lists (an organisation's submissions,
a submission's quarantined rows, users, keys, the audit log). They are plain SELECTs, kept here
so the store's write path stays small. Nothing selected here holds a token or a password hash.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from zichtbaar.store import Store
from zichtbaar.store.models import (
    ApiKey,
    AuditEntry,
    LinkageKeyId,
    Organisation,
    QuarantinedRow,
    Submission,
    User,
)


@dataclass(frozen=True)
class SubmissionView:
    id: str
    org_id: str
    kind: str
    received_at: str
    row_count: int
    accepted: int
    corrected: int
    unchanged: int
    quarantined: int
    status: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _view(s: Any) -> SubmissionView:
    return SubmissionView(
        s.id,
        s.org_id,
        s.kind,
        s.received_at.isoformat(timespec="seconds"),
        s.row_count,
        s.accepted,
        s.corrected,
        s.unchanged,
        s.quarantined,
        s.status,
    )


def submissions_of(store: Store, org_id: str) -> list[SubmissionView]:
    """One organisation's submissions, newest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(Submission.__table__)
            .where(Submission.org_id == org_id)
            .order_by(Submission.received_at.desc())
        ).all()
    return [_view(r) for r in rows]


def submission_of(store: Store, org_id: str, submission_id: str) -> SubmissionView | None:
    """A submission, only if it belongs to ``org_id`` (another org's id reads as unknown)."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(Submission.__table__).where(
                Submission.id == submission_id, Submission.org_id == org_id
            )
        ).first()
    return None if row is None else _view(row)


def quarantine_of(store: Store, submission_id: str) -> list[dict[str, Any]]:
    """Row number, field and reason of every quarantined row (never the value)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(QuarantinedRow.row_number, QuarantinedRow.field, QuarantinedRow.reason)
            .where(QuarantinedRow.submission_id == submission_id)
            .order_by(QuarantinedRow.row_number, QuarantinedRow.field)
        ).all()
    return [{"row": r[0], "field": r[1], "reason": r[2]} for r in rows]


def organisations(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(Organisation.__table__).order_by(Organisation.id)).all()
    return [
        {"id": r.id, "name": r.name, "reporter_type": r.reporter_type, "active": r.active}
        for r in rows
    ]


def users(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(User.username, User.role, User.org_id, User.active).order_by(User.username)
        ).all()
    return [{"username": r[0], "role": r[1], "org_id": r[2], "active": r[3]} for r in rows]


def user_role(store: Store, username: str) -> tuple[str, str | None] | None:
    """(role, org) of an active user: sessions are re-checked on every request."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(User.role, User.org_id).where(User.username == username, User.active)
        ).first()
    return None if row is None else (str(row[0]), row[1])


def api_keys(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(ApiKey.prefix, ApiKey.org_id, ApiKey.created_at, ApiKey.revoked_at).order_by(
                ApiKey.created_at
            )
        ).all()
    return [
        {
            "prefix": r[0],
            "org_id": r[1],
            "created_at": r[2].isoformat(timespec="seconds"),
            "revoked_at": r[3].isoformat(timespec="seconds") if r[3] else None,
        }
        for r in rows
    ]


def key_ids(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(LinkageKeyId.__table__).order_by(LinkageKeyId.added_at)).all()
    return [
        {
            "key_id": r.key_id,
            "active": r.active,
            "added_at": r.added_at.isoformat(timespec="seconds"),
            "retired_at": r.retired_at.isoformat(timespec="seconds") if r.retired_at else None,
        }
        for r in rows
    ]


def audit_tail(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """The newest ``limit`` audit entries (they name objects by id, never by content)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(
                AuditEntry.seq,
                AuditEntry.at,
                AuditEntry.actor,
                AuditEntry.action,
                AuditEntry.object_ref,
            )
            .order_by(AuditEntry.seq.desc())
            .limit(limit)
        ).all()
    return [{"seq": r[0], "at": r[1], "actor": r[2], "action": r[3], "object": r[4]} for r in rows]
