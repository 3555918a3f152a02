from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.factory import PASSWORD, USERS, WebEnv, make_env


@pytest.fixture(scope="session")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    e = make_env(tmp_path_factory.mktemp("web"))
    yield e
    e.store.close()


def csrf(client: TestClient) -> str:
    """The session's CSRF token as a browser gets it (a hidden field); also sent as a header."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert found, "the login page carries no CSRF field"
    client.headers["X-CSRF-Token"] = found.group(1)
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    csrf(client)  # the login form's own (pre-session) token, as a browser sends it back
    res = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    assert res.status_code == 303, res.text
    csrf(client)


@pytest.fixture(scope="session")
def clients(env: WebEnv) -> Iterator[dict[str, TestClient]]:
    out = {"anonymous": TestClient(env.app)}
    csrf(out["anonymous"])
    for role, (name, _org) in USERS.items():
        c = TestClient(env.app)
        login(c, name)
        out[role] = c
    yield out
    for c in out.values():
        c.close()


@pytest.fixture
def fresh_env(tmp_path: Path) -> Iterator[WebEnv]:
    e = make_env(tmp_path, with_releases=False)
    yield e
    e.store.close()
