"""Demo accounts: one per role, stable across restarts, and they can log in."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.conftest import csrf
from tests.web.factory import WebEnv
from zichtbaar.store import ROLES
from zichtbaar.web.demo import DEMO_FILE, ensure_demo_accounts


def test_demo_accounts_one_per_role_and_stable(fresh_env: WebEnv, tmp_path: Path) -> None:
    first = ensure_demo_accounts(fresh_env.store, tmp_path)
    assert sorted(a.role for a in first) == sorted(ROLES)
    assert ensure_demo_accounts(fresh_env.store, tmp_path) == first
    assert (tmp_path / DEMO_FILE).stat().st_mode & 0o077 == 0  # readable by the owner only
    home = {
        "reporter": "/reporter",
        "analyst": "/analyst",
        "coordinator": "/coordinator",
        "admin": "/admin",
    }
    for a in first:
        c = TestClient(fresh_env.app)
        csrf(c)
        res = c.post(
            "/login", data={"username": a.username, "password": a.password}, follow_redirects=False
        )
        assert res.headers["location"] == home[a.role]


def test_demo_accounts_stop_working_outside_demo(fresh_env: WebEnv, tmp_path: Path) -> None:
    """``demo-admin`` kept logging in on a hub started later without ``--demo``."""
    from zichtbaar.web.demo import disable_demo_accounts

    accounts = {a.role: a for a in ensure_demo_accounts(fresh_env.store, tmp_path)}
    assert disable_demo_accounts(fresh_env.store) == len(ROLES)
    c = TestClient(fresh_env.app)
    csrf(c)
    admin = accounts["admin"]
    form = {"username": admin.username, "password": admin.password}
    assert c.post("/login", data=form, follow_redirects=False).status_code == 401
    ensure_demo_accounts(fresh_env.store, tmp_path)  # `serve --demo` again
    assert c.post("/login", data=form, follow_redirects=False).status_code == 303
