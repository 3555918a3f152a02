"""Alembic environment: runs on the connection handed over by ``zichtbaar.store.engine``."""

from __future__ import annotations

from alembic import context

from zichtbaar.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via open_store
    raise RuntimeError("run migrations through zichtbaar.store.open_store")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
