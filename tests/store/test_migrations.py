"""The shipped migrations produce exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from zichtbaar.store import Store
from zichtbaar.store.models import Base


def test_models_match_migrations(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        version = MigrationContext.configure(conn).get_current_revision()
    assert diff == []
    assert version == "0001"
