"""The PostgreSQL fixture: a real server started by the tests themselves.

Missing binaries fail the run in CI (``CI=true``) and skip locally.
"""

from tests.integration.postgres.fixtures import postgres_admin_url, postgres_url

__all__ = ["postgres_admin_url", "postgres_url"]
