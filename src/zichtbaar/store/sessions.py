"""Server-side records of browser sessions: logout and expiry must hold even for a replayed cookie.

A signed cookie alone cannot be taken back: whoever copied it could replay it until its signature
expires. The cookie therefore carries a random session id, and the store keeps its SHA-256 with
the time it started and, once over, ended.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import insert, select, update

from zichtbaar.store.engine import Store
from zichtbaar.store.models import WebSession


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def start_web_session(store: Store, username: str) -> str:
    """A new session id for ``username`` (give it to the browser; only its hash is kept)."""
    sid = secrets.token_urlsafe(32)
    with store.engine.begin() as conn:
        conn.execute(
            insert(WebSession).values(sid_sha256=_digest(sid), username=username, created_at=_now())
        )
    return sid


def web_session_user(store: Store, sid: str, max_age: dt.timedelta) -> str | None:
    """The username of a live session: started less than ``max_age`` ago and not ended."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(WebSession.username, WebSession.created_at, WebSession.ended_at).where(
                WebSession.sid_sha256 == _digest(sid)
            )
        ).first()
    if row is None or row[2] is not None:
        return None
    created = row[1] if row[1].tzinfo else row[1].replace(tzinfo=dt.UTC)  # SQLite drops the zone
    return str(row[0]) if _now() - created < max_age else None


def end_web_session(store: Store, sid: str) -> None:
    """End a session (logout); replaying its cookie afterwards finds nothing."""
    with store.engine.begin() as conn:
        conn.execute(
            update(WebSession)
            .where(WebSession.sid_sha256 == _digest(sid), WebSession.ended_at.is_(None))
            .values(ended_at=_now())
        )
