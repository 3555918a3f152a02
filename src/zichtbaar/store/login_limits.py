"""Failed-login limits kept in the store, checked and counted in one step.

Checking the count in one place and adding to it in another let 40 parallel wrong passwords for
one account get 7 checked against a limit of 5, and every server worker kept its own counts.
Here an attempt is *counted before* its password is checked, in the same transaction that reads
the count (serialised: SQLite's write lock, a PostgreSQL advisory lock), and taken back when the
password was right. Keys are SHA-256 hashes, so the table names no account and no address.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence

from sqlalchemy import delete, func, insert, select

from zichtbaar.store.audit import write_lock
from zichtbaar.store.engine import Store
from zichtbaar.store.models import LoginFailure


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def admit_login(
    store: Store,
    keys: Sequence[str],
    limit: int,
    window: float,
    clock: Callable[[], float] = time.time,
) -> tuple[int, list[int]]:
    """``(0, ids)`` when an attempt may be checked (and is now counted under ``ids``), else
    ``(seconds to wait, [])`` without counting it."""
    now = clock()
    hashed = [_digest(k) for k in keys]
    with store.engine.begin() as conn:
        write_lock(conn, 7419002)
        conn.execute(delete(LoginFailure).where(LoginFailure.at <= now - window))
        wait = 0
        for h in hashed:
            count, oldest = conn.execute(
                select(func.count(), func.min(LoginFailure.at)).where(LoginFailure.key == h)
            ).one()
            if count >= limit:
                wait = max(wait, max(1, math.ceil(float(oldest) + window - now)))
        if wait:
            return wait, []
        ids = []
        for h in hashed:
            pk = conn.execute(insert(LoginFailure).values(key=h, at=now)).inserted_primary_key
            ids.append(int(pk[0]) if pk else 0)
    return 0, ids


def settle_login(store: Store, ids: Sequence[int], clear: Sequence[str] = ()) -> None:
    """The password was right: take the attempt back and clear the failures under ``clear``."""
    with store.engine.begin() as conn:
        conn.execute(delete(LoginFailure).where(LoginFailure.id.in_(list(ids))))
        hashed = [_digest(k) for k in clear]
        if hashed:
            conn.execute(delete(LoginFailure).where(LoginFailure.key.in_(hashed)))
