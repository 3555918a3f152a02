"""The shipped migrations produce exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import zichtbaar.programme.tables  # noqa: F401  (the programme's tables live on the same Base)
from zichtbaar.store import Store
from zichtbaar.store.engine import MIGRATIONS
from zichtbaar.store.models import Base


def test_models_match_migrations(store: Store) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        version = MigrationContext.configure(conn).get_current_revision()
    assert diff == []
    assert head is not None and version == head
    assert {"programme_measures", "organisations", "audit_log"} <= set(Base.metadata.tables)
