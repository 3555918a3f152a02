"""Read a whole store as plain rows, to compare a store before and after a fault or a restore."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, select

from zichtbaar.store import Store


def store_content(store: Store, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every table (reflected, so tables added by later migrations count too), rows sorted."""
    meta = MetaData()
    meta.reflect(store.engine)
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name in skip:
                continue
            out[name] = sorted((tuple(r) for r in conn.execute(select(table))), key=repr)
    return out
