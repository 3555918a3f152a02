"""A fresh store per test, on SQLite and on a real PostgreSQL server (shared by store and intake tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.intake.factory import KEY_ID, ORG, REPORTER_TYPE
from tests.integration.postgres.fixtures import postgres_admin_url, postgres_url
from zichtbaar.store import Store, add_organisation, open_store, register_key_id

__all__ = ["postgres_admin_url", "postgres_url", "store", "store_url"]


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(store_url: str, tmp_path: Path) -> Iterator[Store]:
    s = open_store(store_url, key_file=tmp_path / "keys" / "hub-key.json")
    add_organisation(s, ORG, "Politie", REPORTER_TYPE, actor="test-admin")
    add_organisation(s, "shelter-a", "Opvang A", "shelter_care", actor="test-admin")
    register_key_id(s, KEY_ID, actor="test-admin")
    yield s
    s.close()
