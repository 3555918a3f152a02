"""Sessions that expire and end on the server, CSRF, security headers, throttles, API keys."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.intake.factory import ORG, registrations, write_package
from tests.web.conftest import csrf, login
from tests.web.factory import OTHER_ORG, PASSWORD, WebEnv, zip_dir
from zichtbaar.store import new_api_key, revoke_api_key
from zichtbaar.store.models import ApiKey, AuditEntry, WebSession
from zichtbaar.web.app import create_app


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _app(env: WebEnv, clock: Clock | None = None, **kw: object) -> FastAPI:
    app = create_app(env.store, env.releases_dir, env.reports_dir, secret_key="s", **kw)  # type: ignore[arg-type]
    if clock is not None:
        object.__setattr__(app.state.web, "clock", clock)
    return app


def test_idle_session_expires_on_the_server(fresh_env: WebEnv) -> None:
    clock = Clock()
    c = TestClient(_app(fresh_env, clock))
    login(c, "ana")
    clock.now += 29 * 60
    assert c.get("/analyst", follow_redirects=False).status_code == 200  # activity renews
    saved = c.cookies.get("zichtbaar_session")
    clock.now += 29 * 60
    assert c.get("/analyst", follow_redirects=False).status_code == 200
    # The cookie from before the last request is replayed after its idle time ran out.
    replay = TestClient(c.app)
    replay.cookies.set("zichtbaar_session", saved or "")
    clock.now += 2 * 60
    assert replay.get("/analyst", follow_redirects=False).status_code == 303


def test_absolute_lifetime_holds_for_an_active_session(fresh_env: WebEnv) -> None:
    c = TestClient(_app(fresh_env, session_max=dt.timedelta(seconds=0)))
    login(c, "ana")
    assert c.get("/analyst", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_even_for_a_copied_cookie(fresh_env: WebEnv) -> None:
    c = TestClient(_app(fresh_env))
    login(c, "adm")
    copied = c.cookies.get("zichtbaar_session")
    assert copied
    assert c.post("/logout", follow_redirects=False).status_code == 303
    thief = TestClient(c.app)
    thief.cookies.set("zichtbaar_session", copied)
    assert thief.get("/admin", follow_redirects=False).status_code == 303
    with fresh_env.store.engine.connect() as conn:
        rows = conn.execute(select(WebSession.sid_sha256, WebSession.ended_at)).all()
    assert rows and all(ended is not None for _sid, ended in rows)
    assert all(len(sid) == 64 for sid, _ in rows)  # only a hash of the session id is stored


def test_post_forms_require_the_session_csrf_token(fresh_env: WebEnv) -> None:
    c = TestClient(fresh_env.app)
    login(c, "adm")
    token = c.headers.pop("X-CSRF-Token")
    form = {"org_id": "ngo-x", "name": "NGO X", "reporter_type": "ngo"}
    assert c.post("/admin/organisations", data=form).status_code == 403
    assert c.post("/admin/organisations", data={**form, "csrf_token": "wrong"}).status_code == 403
    other = TestClient(fresh_env.app)
    login(other, "adm")  # a token of another session does not count either
    assert (
        c.post("/admin/organisations", data={**form, "csrf_token": csrf(other)}).status_code == 403
    )
    ok = c.post("/admin/organisations", data={**form, "csrf_token": token})
    assert ok.status_code == 200, ok.text
    page = c.get("/admin").text
    assert page.count('<form method="post"') == page.count('name="csrf_token"')


def test_security_headers(fresh_env: WebEnv) -> None:
    c = TestClient(fresh_env.app)
    assert c.get("/api/openapi.json").headers["x-content-type-options"] == "nosniff"
    for path in ("/login", "/login?lang=en"):
        res = c.get(path)
        csp = res.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
        assert "script-src 'self';" in csp
        style = re.search(r"<style>(.*?)</style>", c.get("/login").text, re.DOTALL)
        assert style is not None  # the inline stylesheet is allowed by its hash, nothing else
        digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
        assert res.headers["x-frame-options"] == "DENY"
        assert res.headers["x-content-type-options"] == "nosniff"
        assert res.headers["referrer-policy"] == "same-origin"
    login(c, "ana")
    assert c.get("/analyst").headers["cache-control"] == "no-store"


def test_login_throttle_per_account_without_enumeration(fresh_env: WebEnv) -> None:
    app = _app(fresh_env)
    answers = {}
    for name in ("ana", "nobody-at-all"):
        c = TestClient(app, client=("10.0.0.1" if name == "ana" else "10.0.0.2", 1))
        csrf(c)
        for _ in range(5):
            assert c.post("/login", data={"username": name, "password": "bad"}).status_code == 401
        res = c.post("/login", data={"username": name, "password": "bad"})
        assert res.status_code == 429 and int(res.headers["retry-after"]) > 0
        answers[name] = re.sub(r'value="[^"]*"', "", res.text)  # minus the CSRF token
    assert answers["ana"] == answers["nobody-at-all"]  # no hint which accounts exist
    # The right password waits too, from the client that failed ...
    res = TestClient(app, client=("10.0.0.1", 1))
    csrf(res)
    throttled = res.post("/login", data={"username": "ana", "password": PASSWORD})
    assert throttled.status_code == 429
    with fresh_env.store.engine.connect() as conn:
        actions = conn.execute(select(AuditEntry.action, AuditEntry.object_ref)).all()
    assert ("login_throttled", "login") in actions
    assert not any("nobody" in ref for _a, ref in actions)


def test_a_stranger_cannot_lock_an_account_out(fresh_env: WebEnv) -> None:
    """Failures from one client never lock the account for its owner's own client."""
    app = _app(fresh_env)
    stranger = TestClient(app, client=("10.0.0.66", 1))
    csrf(stranger)
    for _ in range(8):
        stranger.post("/login", data={"username": "ana", "password": "bad"})
    owner = TestClient(app, client=("10.0.0.3", 1))
    csrf(owner)
    res = owner.post(
        "/login", data={"username": "ana", "password": PASSWORD}, follow_redirects=False
    )
    assert res.status_code == 303


def test_login_throttle_per_client(fresh_env: WebEnv) -> None:
    c = TestClient(_app(fresh_env), client=("10.0.0.9", 1))
    csrf(c)
    for i in range(5):
        c.post("/login", data={"username": f"guess{i}", "password": "bad"})
    res = c.post("/login", data={"username": "coo", "password": PASSWORD}, follow_redirects=False)
    assert res.status_code == 429 and "retry-after" in res.headers


def test_submission_throttle_per_key(fresh_env: WebEnv, tmp_path: Path) -> None:
    app = _app(fresh_env, submissions_per_minute=2)
    _p, key = new_api_key(fresh_env.store, ORG, actor="test")
    _q, other = new_api_key(fresh_env.store, OTHER_ORG, actor="test")
    c = TestClient(app)
    codes = []
    for i in range(3):
        pkg = zip_dir(write_package(tmp_path / f"p{i}", registrations(2, start=10 * i)))
        res = c.post(
            "/api/v1/submissions", files={"package": ("p.zip", pkg)}, headers={"X-API-Key": key}
        )
        codes.append(res.status_code)
    assert codes == [201, 201, 429]
    assert res.headers["retry-after"]
    # Another organisation's key has its own allowance.
    assert c.get("/api/v1/submissions", headers={"X-API-Key": other}).status_code == 200


def test_api_keys_stored_hashed_and_revocation_is_immediate(fresh_env: WebEnv) -> None:
    prefix, key = new_api_key(fresh_env.store, ORG, actor="test")
    secret = key.partition(".")[2]
    with fresh_env.store.engine.connect() as conn:
        stored = conn.execute(select(ApiKey.prefix, ApiKey.secret_sha256)).all()
    assert (prefix,) in [(p,) for p, _ in stored]
    assert not any(secret in h or h in key for _p, h in stored)
    import hashlib

    assert (prefix, hashlib.sha256(secret.encode()).hexdigest()) in stored
    c = TestClient(fresh_env.app, headers={"X-API-Key": key})
    assert c.get("/api/v1/submissions").status_code == 200
    revoke_api_key(fresh_env.store, prefix, actor="test")
    assert c.get("/api/v1/submissions").status_code == 401


@pytest.mark.parametrize("surface", ["api", "pages"])
def test_an_organisation_never_sees_another_ones_submission(
    fresh_env: WebEnv, tmp_path: Path, surface: str
) -> None:
    _p, key = new_api_key(fresh_env.store, ORG, actor="test")
    _q, other_key = new_api_key(fresh_env.store, OTHER_ORG, actor="test")
    c = TestClient(fresh_env.app)
    pkg = zip_dir(write_package(tmp_path / "p", registrations(3)))
    sid = c.post(
        "/api/v1/submissions", files={"package": ("p.zip", pkg)}, headers={"X-API-Key": key}
    ).json()["submission_id"]
    guesses = [sid, sid.upper(), sid[:-1] + ("0" if sid[-1] != "0" else "1"), "1", "../" + sid]
    if surface == "api":
        h = {"X-API-Key": other_key}
        assert c.get("/api/v1/submissions", headers=h).json() == []
        for g in guesses:
            assert c.get(f"/api/v1/submissions/{g}", headers=h).status_code == 404
    else:
        other = TestClient(fresh_env.app)
        login(other, "rep2")
        assert sid not in other.get("/reporter").text
        assert other.get("/api/reporter/submissions").json() == []
        for g in guesses:
            assert other.get(f"/reporter/submissions/{g}").status_code == 404
            assert other.get(f"/api/reporter/submissions/{g}").status_code == 404
        mine = TestClient(fresh_env.app)
        login(mine, "rep")
        assert mine.get(f"/reporter/submissions/{sid}").status_code == 200
