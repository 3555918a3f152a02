"""Load tests run against a real PostgreSQL server started by the tests themselves."""

from tests.integration.postgres.fixtures import postgres_admin_url, postgres_url

__all__ = ["postgres_admin_url", "postgres_url"]
