"""PostgreSQL fixtures, importable by any conftest (a conftest's fixtures only reach its subtree)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.integration.postgres.server import (
    PostgresUnavailableError,
    fresh_database,
    postgres_server,
    prepare_template,
)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    try:
        with postgres_server() as url:
            prepare_template(url)
            yield url
    except PostgresUnavailableError as err:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(str(err))
        pytest.skip(str(err))


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> str:
    return fresh_database(postgres_admin_url)
