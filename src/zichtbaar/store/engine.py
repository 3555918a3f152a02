"""Opening the operational store: engine, migrations to head, the hub cipher.

``open_store`` always upgrades to the newest Alembic revision, so a fresh file and an old store
end up with the same schema; the migrations ship inside the package and run without an ini file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Table, bindparam, create_engine, event, insert, select, update
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import IntegrityError

from zichtbaar.config import Settings, get_settings
from zichtbaar.errors import StoreError
from zichtbaar.store.hubkey import KEY_FILE_NAME, HubCipher, load_or_create_hub_key
from zichtbaar.store.models import Registration, StoredRegisterEvent, StoreMeta

FILTERS_SEALED = "filters_sealed"
"""``store_meta`` key set once every stored Bloom filter is sealed (``HubCipher.seal_filter``)."""
_SEAL_BATCH = 5_000

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class Store:
    """A handle on the operational store: the engine and the hub's at-rest cipher."""

    engine: Engine
    cipher: HubCipher
    url_for_display: str

    def __repr__(self) -> str:
        return f"Store({self.url_for_display})"

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


DISK_FULL = (
    "the database ran out of disk space; the operation was rolled back and nothing partial "
    "was stored (free space, then run it again)"
)
UNREACHABLE = (
    "the database cannot be reached (is it running?); the operation was rolled back and "
    "nothing partial was stored (run it again when the database is back)"
)
_PG_UNREACHABLE = ("08", "57P01", "57P02", "57P03")


def _in_users_terms(ctx: ExceptionContext) -> None:
    """Turn a full disk or a database that went away into a ``StoreError`` anyone can act on.

    The driver's own message is dropped: it may quote the statement's parameters.
    """
    orig = ctx.original_exception
    text = str(orig).lower()
    sqlstate = str(getattr(orig, "sqlstate", None) or "")
    if sqlstate == "53100" or "disk is full" in text or "no space left" in text:
        raise StoreError(DISK_FULL) from None
    if ctx.dialect.name == "postgresql" and (
        ctx.is_disconnect
        or sqlstate.startswith(_PG_UNREACHABLE)
        or (not sqlstate and type(orig).__name__ == "OperationalError")
    ):
        raise StoreError(UNREACHABLE) from None


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url)
    event.listen(engine, "handle_error", _in_users_terms)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        db = engine.url.database
        if db and db != ":memory:":
            Path(db).parent.mkdir(parents=True, exist_ok=True)
    return engine


def upgrade(engine: Engine) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(
    url: str | None = None, key_file: Path | None = None, settings: Settings | None = None
) -> Store:
    """Open (and migrate to head) the store at ``url``; default: ``Settings.database_url``.

    The hub key comes from ``key_file``, else ``ZICHTBAAR_HUB_KEY_FILE``, else
    ``<home>/hub-key.json`` (created 0600 on first use). A store encrypted under another key is
    refused rather than silently mixed.
    """
    settings = settings or get_settings()
    url = url or settings.database_url
    if key_file is None:
        env = os.environ.get("ZICHTBAAR_HUB_KEY_FILE")
        key_file = Path(env) if env else settings.home / KEY_FILE_NAME
    cipher = load_or_create_hub_key(key_file)
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        stored = conn.execute(
            select(StoreMeta.value).where(StoreMeta.key == "hub_key_id")
        ).scalar_one_or_none()
        if stored is None:
            conn.execute(insert(StoreMeta).values(key="hub_key_id", value=cipher.key_id))
        elif stored != cipher.key_id:
            engine.dispose()
            raise StoreError("this store was encrypted under a different hub key")
    _seal_open_filters(engine, cipher)
    display = engine.url.render_as_string(hide_password=True)
    return Store(engine=engine, cipher=cipher, url_for_display=display)


def _seal_open_filters(engine: Engine, cipher: HubCipher) -> None:
    """Seal the filters a store written before filters were sealed still holds open, once.

    A data step rather than an Alembic migration because it needs the hub key, which migrations
    never see. The flag is inserted first, in the same transaction, so a second process opening
    the store at the same moment fails on the flag's key and seals nothing twice.
    """
    with engine.connect() as conn:
        done = conn.execute(
            select(StoreMeta.value).where(StoreMeta.key == FILTERS_SEALED)
        ).scalar_one_or_none()
    if done is not None:
        return
    try:
        with engine.begin() as conn:
            conn.execute(insert(StoreMeta).values(key=FILTERS_SEALED, value="1"))
            for model in (Registration, StoredRegisterEvent):
                table: Table = model.__table__  # type: ignore[assignment]
                rows = conn.execute(
                    select(table.c.id, table.c.bloom).where(table.c.bloom.is_not(None))
                ).all()
                stmt = (
                    update(table)
                    .where(table.c.id == bindparam("row_id"))
                    .values(bloom=bindparam("sealed"))
                )
                for start in range(0, len(rows), _SEAL_BATCH):
                    conn.execute(
                        stmt,
                        [
                            {"row_id": r.id, "sealed": cipher.seal_filter(bytes(r.bloom))}
                            for r in rows[start : start + _SEAL_BATCH]
                        ],
                    )
    except IntegrityError:
        return  # another process set the flag (and sealed) first
