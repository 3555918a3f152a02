"""The append-only, hash-chained audit log.

Each entry's hash covers the previous entry's hash, so modifying, inserting, reordering or deleting
an entry breaks the chain from that point on. Deleting the newest entries (the tail) leaves a shorter
chain that still recomputes: only an *anchor* kept outside the store (the head hash and entry count,
published with each release) reveals that, see ``AuditAnchor``. Entries carry an object *reference* (``submission:<id>``,
``withdrawal:<id>``), never an identifier, a token or a key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert, select, text

from zichtbaar.store.models import AuditEntry

GENESIS = "0" * 64


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, object_ref: str) -> str:
    canonical = "\x1f".join((prev_hash, str(seq), at, actor, action, object_ref))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def write_lock(conn: Connection, lock_id: int) -> None:
    """Take the store's write lock now (not at the first insert), so a read-then-write in this
    transaction cannot race another writer: SQLite starts its write transaction on the first
    write statement, PostgreSQL takes a transaction-scoped advisory lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_id})
    elif conn.dialect.name == "sqlite":
        conn.execute(text("UPDATE store_meta SET value = value WHERE 0"))


def append_audit(conn: Connection, actor: str, action: str, object_ref: str) -> int:
    """Append one entry inside the caller's transaction; returns its sequence number.

    Appenders are serialised (``write_lock``) so two transactions cannot both extend the same
    head: on SQLite the head used to be read before the write transaction began, and a burst of
    throttled logins answered 500 (``UNIQUE constraint failed: audit_log.seq``).
    """
    write_lock(conn, 7419001)
    last = conn.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (1, GENESIS) if last is None else (last[0] + 1, last[1])
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    digest = entry_hash(prev, seq, at, actor, action, object_ref)
    conn.execute(
        insert(AuditEntry).values(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            object_ref=object_ref,
            prev_hash=prev,
            hash=digest,
        )
    )
    return seq


@dataclass(frozen=True)
class AuditReport:
    """Outcome of ``verify_audit``: ``ok`` only when the whole chain recomputes."""

    entries: int
    ok: bool
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AuditAnchor:
    """The head of the chain (newest hash and entry count), to be kept outside the store.

    Written ``HASH:COUNT``; a later chain must still hold entry ``COUNT`` with exactly that hash.
    """

    head_hash: str
    count: int

    def __str__(self) -> str:
        return f"{self.head_hash}:{self.count}"

    @classmethod
    def parse(cls, text: str) -> AuditAnchor:
        digest, sep, count = text.strip().rpartition(":")
        if not sep or len(digest) != 64 or not count.isdigit():
            raise ValueError("an anchor is written HASH:COUNT (64 hex characters, a count)")
        try:
            int(digest, 16)
        except ValueError:
            raise ValueError("an anchor's hash is 64 hex characters") from None
        return cls(digest.lower(), int(count))


def audit_head(conn: Connection) -> AuditAnchor:
    """The current head: what to publish so that a later deletion of the tail is detectable."""
    last = conn.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return AuditAnchor(GENESIS, 0) if last is None else AuditAnchor(str(last[1]), int(last[0]))


def verify_chain(conn: Connection, anchor: AuditAnchor | None = None) -> AuditReport:
    """Recompute the chain; with ``anchor``, also check the anchored entry is still there, unchanged."""
    problems: list[str] = []
    anchored: str | None = GENESIS if anchor is not None and anchor.count == 0 else None
    prev = GENESIS
    expected_seq = 1
    n = 0
    for row in conn.execute(
        select(
            AuditEntry.seq,
            AuditEntry.at,
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.object_ref,
            AuditEntry.prev_hash,
            AuditEntry.hash,
        ).order_by(AuditEntry.seq)
    ):
        n += 1
        seq, at, actor, action, ref, prev_hash, digest = row
        if seq != expected_seq:
            problems.append(
                f"entry {seq}: expected sequence number {expected_seq} (deleted or inserted entry)"
            )
        if prev_hash != prev:
            problems.append(f"entry {seq}: does not follow the previous entry's hash")
        if entry_hash(prev_hash, seq, at, actor, action, ref) != digest:
            problems.append(f"entry {seq}: content does not match its hash (modified)")
        if anchor is not None and seq == anchor.count:
            anchored = digest
        prev = digest
        expected_seq = seq + 1
    if anchor is not None:
        if n < anchor.count or anchored is None:
            problems.append(
                f"the chain has {n} entries but the anchor records {anchor.count}"
                " (newest entries deleted)"
            )
        elif anchored != anchor.head_hash:
            problems.append(f"entry {anchor.count}: does not match the anchor's hash (rewritten)")
    return AuditReport(entries=n, ok=not problems, problems=problems)
