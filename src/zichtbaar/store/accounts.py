"""Organisations, users, API keys and linkage key ids: who may submit what, all audited.

Passwords are argon2 hashes (slow on purpose: people pick weak ones). API key secrets are 256
random bits, so a SHA-256 of the secret is enough and keeps per-request checks cheap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zichtbaar.errors import StoreError
from zichtbaar.standard.codes import REPORTER_TYPES
from zichtbaar.store.audit import append_audit
from zichtbaar.store.engine import Store
from zichtbaar.store.models import ApiKey, LinkageKeyId, Organisation, User

Role = Literal["reporter", "analyst", "coordinator", "admin"]
ROLES: tuple[str, ...] = ("reporter", "analyst", "coordinator", "admin")
API_KEY_PREFIX = "zk_"
MIN_PASSWORD = 12
MAX_PASSWORD = 256
"""One password policy for the CLI and the web form: 12 to 256 characters."""

_hasher = PasswordHasher()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def add_organisation(store: Store, org_id: str, name: str, reporter_type: str, actor: str) -> None:
    if reporter_type not in REPORTER_TYPES:
        raise StoreError("reporter type is not a code of 'reporter_type'")
    try:
        with store.engine.begin() as conn:
            conn.execute(
                insert(Organisation).values(
                    id=org_id,
                    name=name,
                    reporter_type=reporter_type,
                    active=True,
                    created_at=_now(),
                )
            )
            append_audit(conn, actor, "org_add", f"organisation:{org_id}")
    except IntegrityError:
        raise StoreError(f"organisation '{org_id}' already exists") from None


def get_organisation(store: Store, org_id: str) -> Organisation | None:
    with Session(store.engine, expire_on_commit=False) as session:
        return session.get(Organisation, org_id)


def add_user(
    store: Store, username: str, password: str, role: str, org_id: str | None, actor: str
) -> None:
    if role not in ROLES:
        raise StoreError(f"role must be one of: {', '.join(ROLES)}")
    if role == "reporter" and org_id is None:
        raise StoreError("a reporter belongs to an organisation")
    check_password_policy(password)
    try:
        with store.engine.begin() as conn:
            conn.execute(
                insert(User).values(
                    username=username,
                    password_hash=_hasher.hash(password),
                    role=role,
                    org_id=org_id,
                    active=True,
                    created_at=_now(),
                )
            )
            append_audit(conn, actor, "user_add", f"user:{username}")
    except IntegrityError:
        raise StoreError("user exists already or organisation unknown") from None


def check_password_policy(password: str) -> None:
    """Refuse a password outside the policy (the message never repeats it)."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise StoreError(
            f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters"
            f" / een wachtwoord heeft {MIN_PASSWORD} tot {MAX_PASSWORD} tekens nodig"
        )


def api_key_prefix(presented: str) -> str:
    """The public prefix of a presented key, written one way (with or without ``zk_``, any
    surrounding space): what a per-key limit counts, so one key is never two."""
    return presented.strip().removeprefix(API_KEY_PREFIX).partition(".")[0].lower()


def verify_password(store: Store, username: str, password: str) -> User | None:
    """The active user when ``password`` is right, else None (no hint which part was wrong)."""
    with Session(store.engine, expire_on_commit=False) as session:
        user = session.scalars(
            select(User).where(User.username == username, User.active)
        ).one_or_none()
    if user is None:
        _hasher.hash(password)  # spend the same time as a real check
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def new_api_key(store: Store, org_id: str, actor: str) -> tuple[str, str]:
    """Create a key for ``org_id``; returns ``(prefix, full_key)`` -- the full key is shown once."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    digest = hashlib.sha256(secret.encode()).hexdigest()
    try:
        with store.engine.begin() as conn:
            conn.execute(
                insert(ApiKey).values(
                    prefix=prefix, secret_sha256=digest, org_id=org_id, created_at=_now()
                )
            )
            append_audit(conn, actor, "apikey_new", f"apikey:{prefix}")
    except IntegrityError:
        raise StoreError(f"organisation '{org_id}' is unknown") from None
    return prefix, f"{API_KEY_PREFIX}{prefix}.{secret}"


def revoke_api_key(store: Store, prefix: str, actor: str) -> None:
    with store.engine.begin() as conn:
        done = conn.execute(
            update(ApiKey)
            .where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
            .values(revoked_at=_now())
        ).rowcount
        if not done:
            raise StoreError(f"no active API key with prefix '{prefix}'")
        append_audit(conn, actor, "apikey_revoke", f"apikey:{prefix}")


def verify_api_key(store: Store, presented: str) -> str | None:
    """The organisation id of a valid, unrevoked key, else None."""
    body = presented.strip().removeprefix(API_KEY_PREFIX)
    prefix, _, secret = body.partition(".")
    if not prefix or not secret:
        return None
    with store.engine.connect() as conn:
        row = conn.execute(
            select(ApiKey.secret_sha256, ApiKey.org_id).where(
                ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None)
            )
        ).first()
    if row is None:
        return None
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return str(row[1]) if hmac.compare_digest(digest, row[0]) else None


def register_key_id(store: Store, key_id: str, actor: str) -> None:
    """Make a linkage key id known to the hub (only its id: the secret never comes here)."""
    try:
        with store.engine.begin() as conn:
            conn.execute(insert(LinkageKeyId).values(key_id=key_id, active=True, added_at=_now()))
            append_audit(conn, actor, "keyid_add", f"keyid:{key_id}")
    except IntegrityError:
        raise StoreError(f"key id '{key_id}' is registered already") from None


def retire_key_id(store: Store, key_id: str, actor: str) -> None:
    with store.engine.begin() as conn:
        done = conn.execute(
            update(LinkageKeyId)
            .where(LinkageKeyId.key_id == key_id, LinkageKeyId.active)
            .values(active=False, retired_at=_now())
        ).rowcount
        if not done:
            raise StoreError(f"no active key id '{key_id}'")
        append_audit(conn, actor, "keyid_retire", f"keyid:{key_id}")


def key_id_active(store: Store, key_id: str) -> bool:
    with store.engine.connect() as conn:
        row = conn.execute(select(LinkageKeyId.active).where(LinkageKeyId.key_id == key_id)).first()
    return bool(row and row[0])
