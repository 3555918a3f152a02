"""Every route × every role (and anonymous): a role reaches its own pages and nobody else's."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import csrf
from tests.web.factory import WebEnv
from zichtbaar.web.app import create_app

ROLES = ["anonymous", "reporter", "analyst", "coordinator", "admin"]
PUBLIC = {"/", "/login", "/logout", "/api/docs", "/api/openapi.json", "/api/docs/oauth2-redirect"}


def owner(path: str) -> str | None:
    """Which role a route belongs to (None: public; 'apikey': the reporters' tools API)."""
    if path.startswith("/api/v1/"):
        return "apikey"
    for role in ("reporter", "analyst", "coordinator", "admin"):
        if path.startswith((f"/{role}", f"/api/{role}")):
            return role
    assert path in PUBLIC, f"route {path} has no owner: add it to the access rules"
    return None


def _routes(env: WebEnv) -> list[tuple[str, str]]:
    """Every documented route (the OpenAPI paths list every route, whatever the router nesting)."""
    out = []
    for raw, ops in env.app.openapi()["paths"].items():
        path = re.sub(r"\{[^}]+\}", "x", raw)
        out.extend((m.upper(), path) for m in sorted(ops))
    return out


def test_every_route_has_an_owner(env: WebEnv) -> None:
    routes = _routes(env)
    assert len(routes) >= 20
    for _m, path in routes:
        owner(path)


@pytest.mark.parametrize("role", ROLES)
def test_role_reaches_only_its_own_routes(
    env: WebEnv, clients: dict[str, TestClient], role: str
) -> None:
    client = clients[role]
    for method, path in _routes(env):
        own = owner(path)
        if own is None or path == "/logout":
            continue
        res = client.request(method, path, follow_redirects=False)
        where = f"{role} {method} {path}"
        if own == "apikey":
            assert res.status_code == 401, where  # a session never stands in for an API key
        elif role == "anonymous":
            expected = 401 if path.startswith("/api/") else 303
            assert res.status_code == expected, where
            if expected == 303:
                assert res.headers["location"] == "/login"
        elif role != own:
            assert res.status_code == 403, where
            assert "csv" not in res.headers.get("content-type", "")
        else:
            assert res.status_code not in {401, 403}, where


@pytest.mark.parametrize(
    ("role", "page", "marker"),
    [
        ("reporter", "/reporter", 'action="/reporter/upload"'),
        ("analyst", "/analyst", 'id="filters"'),
        ("coordinator", "/coordinator", 'id="releases"'),
        ("admin", "/admin", 'id="audit-log"'),
    ],
)
def test_each_role_lands_on_its_page_after_login(
    clients: dict[str, TestClient], role: str, page: str, marker: str
) -> None:
    res = clients[role].get("/", follow_redirects=False)
    assert res.status_code == 303 and res.headers["location"] == page
    html = clients[role].get(page).text
    assert marker in html
    assert "<script" not in html  # usable without JavaScript


def test_wrong_password_and_unknown_user_look_the_same(env: WebEnv) -> None:
    c = TestClient(env.app)
    csrf(c)
    a = c.post("/login", data={"username": "ana", "password": "wrong-password!"})
    b = c.post("/login", data={"username": "nobody", "password": "wrong-password!"})
    assert a.status_code == b.status_code == 401
    assert a.text == b.text
    assert c.get("/analyst", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(env: WebEnv) -> None:
    from tests.web.conftest import login

    c = TestClient(env.app)
    login(c, "coo")
    assert c.get("/coordinator").status_code == 200
    c.post("/logout")
    assert c.get("/coordinator", follow_redirects=False).status_code == 303


def test_a_tampered_session_cookie_is_ignored(env: WebEnv) -> None:
    other = create_app(env.store, env.releases_dir, env.reports_dir, secret_key="another-secret")
    from tests.web.conftest import login

    c = TestClient(env.app)
    login(c, "adm")
    cookie = c.cookies.get("zichtbaar_session")
    assert cookie
    forged = TestClient(other)
    forged.cookies.set("zichtbaar_session", cookie)
    assert forged.get("/admin", follow_redirects=False).status_code == 303
