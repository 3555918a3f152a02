"""Fault tests: a fresh store per test, on SQLite and on a real PostgreSQL server."""

from tests.store_fixtures import postgres_admin_url, postgres_url, store, store_url

__all__ = ["postgres_admin_url", "postgres_url", "store", "store_url"]
