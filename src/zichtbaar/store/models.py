"""The operational store's tables (SQLAlchemy 2, typed).

Encoded rows keep their tokens only as hub-encrypted bytes (see ``hubkey``); nothing here holds a
name, a date of birth or a clear token. The quarantine and withdrawal tables say *what* went wrong
or *that* something was removed, never the value.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# token columns are stored AES-SIV encrypted under the hub key
from zichtbaar.standard.models import FILTER_COLUMNS as FILTER_COLUMNS
from zichtbaar.standard.models import TOKEN_COLUMNS as TOKEN_COLUMNS


class Base(DeclarativeBase):
    pass


class StoreMeta(Base):
    """Key/value facts about the store itself (e.g. which hub key encrypted its tokens)."""

    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    reporter_type: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LinkageKeyId(Base):
    __tablename__ = "key_ids"
    key_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # the encoding settings of the first package under this key (sha256 of encoding.json's
    # canonical form): filters made otherwise would not link (migration 0005)
    encoding_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("org_id", "sha256", name="uq_submission_org_sha256"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    package_id: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    row_count: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    corrected: Mapped[int] = mapped_column(Integer)
    quarantined: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))


def _one_current(table: str, key: str) -> Index:
    """At most one current version per (organisation, key): two concurrent submissions touching
    the same record cannot both leave a "current" row (the later one fails and is re-run).

    A partial unique index, which SQLite and PostgreSQL both support.
    """
    where = text('"current"')
    return Index(
        f"uq_{table}_one_current",
        "org_id",
        key,
        unique=True,
        sqlite_where=where,
        postgresql_where=where,
    )


class _Versioned:
    """Columns every stored record shares: who sent it, which version, from which submission."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    version: Mapped[int] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"))
    content_hash: Mapped[str] = mapped_column(String(32))


class _Encoded:
    tok_bsn: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tok_name_dob: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tok_dob: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tok_dob_swapped: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tok_name_ym: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tok_name_yd: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tok_name_md: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tok_name_pob: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tok_pob_dob: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tok_address: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    bloom: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    bloom_address: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    bloom_given: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    bloom_surname: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class Registration(_Versioned, _Encoded, Base):
    __tablename__ = "registrations"
    __table_args__ = (
        Index("ix_registrations_org_record", "org_id", "record_id", "current"),
        _one_current("registrations", "record_id"),
    )
    record_id: Mapped[str] = mapped_column(String(64))
    registration_date: Mapped[dt.date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(32))
    nationality: Mapped[str] = mapped_column(String(3))
    nationality_group: Mapped[str] = mapped_column(String(32))
    age_group: Mapped[str] = mapped_column(String(16))
    form: Mapped[str] = mapped_column(String(32))
    # standard 1.1, optional; a plain attribute like form (migration 0008)
    exploitation_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    region: Mapped[str] = mapped_column(String(32))
    legal_basis: Mapped[str] = mapped_column(String(32))


class StoredRegisterEvent(_Versioned, _Encoded, Base):
    __tablename__ = "register_events"
    __table_args__ = (
        Index("ix_register_events_org_record", "org_id", "record_id", "current"),
        _one_current("register_events", "record_id"),
    )
    record_id: Mapped[str] = mapped_column(String(64))
    event_date: Mapped[dt.date] = mapped_column(Date)
    event_type: Mapped[str] = mapped_column(String(32))
    gender: Mapped[str] = mapped_column(String(32))
    nationality_group: Mapped[str] = mapped_column(String(32))
    dublin_status: Mapped[str] = mapped_column(String(32))
    prosecution_decision: Mapped[str | None] = mapped_column(String(32), nullable=True)
    legal_basis: Mapped[str] = mapped_column(String(32))


class StoredSuspect(_Versioned, Base):
    __tablename__ = "suspects"
    __table_args__ = (
        Index("ix_suspects_org_case", "org_id", "case_id", "current"),
        _one_current("suspects", "case_id"),
    )
    case_id: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    form: Mapped[str] = mapped_column(String(32))
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    gender: Mapped[str] = mapped_column(String(32))
    nationality: Mapped[str] = mapped_column(String(3))
    nationality_group: Mapped[str] = mapped_column(String(32))
    prosecution_decision: Mapped[str] = mapped_column(String(32))
    conviction: Mapped[str] = mapped_column(String(32))


class QuarantinedRow(Base):
    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(256))


class Withdrawal(Base):
    __tablename__ = "withdrawals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    record_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))
    withdrawn_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    removed_rows: Mapped[int] = mapped_column(Integer)


class WebSession(Base):
    """A signed-in browser session, so that logout and expiry hold on the server side.

    The cookie carries a random session id; only its SHA-256 is stored, so a copy of the store
    cannot be replayed as a cookie.
    """

    __tablename__ = "web_sessions"
    sid_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LoginFailure(Base):
    """One counted login attempt, keyed by a hash of account+client or client (no name, no IP).

    Counted *before* the password is checked and removed again when it was right, in one
    transaction with the count that admits it (``store.login_limits``), so parallel attempts and
    several server workers share one limit.
    """

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[float] = mapped_column(Float)
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)


class AuditEntry(Base):
    """Append-only and hash-chained: ``hash = sha256(prev_hash | seq | at | actor | action | ref)``."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO text, so the hashed form survives any backend
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    object_ref: Mapped[str] = mapped_column(String(256))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


RECORD_TABLE_OF_KIND: dict[str, type[Registration | StoredRegisterEvent | StoredSuspect]] = {
    "registrations": Registration,
    "register_events": StoredRegisterEvent,
    "suspects": StoredSuspect,
}
KEY_COLUMN_OF_KIND = {
    "registrations": "record_id",
    "register_events": "record_id",
    "suspects": "case_id",
}
