"""Administrators: organisations, users, API keys, key ids, the audit log."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import login
from tests.web.factory import WebEnv


def test_admin_manages_accounts_and_keys(fresh_env: WebEnv) -> None:
    c = TestClient(fresh_env.app)
    login(c, "adm")
    res = c.post(
        "/admin/organisations", data={"org_id": "ngo-z", "name": "NGO Z", "reporter_type": "ngo"}
    )
    assert res.status_code == 200 and ">ngo-z</th>" in res.text
    dup = c.post(
        "/admin/organisations", data={"org_id": "ngo-z", "name": "x", "reporter_type": "ngo"}
    )
    assert dup.status_code == 422
    res = c.post(
        "/admin/users",
        data={
            "username": "zrep",
            "password": "long enough pass",
            "role": "reporter",
            "org_id": "ngo-z",
        },
    )
    assert res.status_code == 200 and ">zrep</th>" in res.text
    assert "long enough pass" not in res.text
    res = c.post("/admin/api-keys", data={"org_id": "ngo-z"})
    assert 'id="new-key"' in res.text
    key = res.text.split('id="new-key">', 1)[1].split("<", 1)[0]
    assert key.startswith("zk_")
    assert key not in c.get("/admin").text  # shown once
    overview = c.get("/api/admin/overview").json()
    prefix = next(k["prefix"] for k in overview["api_keys"] if k["org_id"] == "ngo-z")
    assert key not in str(overview)
    assert c.get("/api/v1/submissions", headers={"X-API-Key": key}).status_code == 200
    c.post("/admin/api-keys/revoke", data={"prefix": prefix})
    assert c.get("/api/v1/submissions", headers={"X-API-Key": key}).status_code == 401
    c.post("/admin/key-ids", data={"key_id": "k2027-new"})
    c.post("/admin/key-ids/retire", data={"key_id": "k2027-new"})
    overview = c.get("/api/admin/overview").json()
    assert {"k2027-new": False}.items() <= {
        k["key_id"]: k["active"] for k in overview["key_ids"]
    }.items()
    actions = [e["action"] for e in overview["audit"]]
    for a in ("org_add", "user_add", "apikey_new", "apikey_revoke", "keyid_add", "keyid_retire"):
        assert a in actions
    assert overview["audit_ok"] is True
    # The new reporter can log in and lands on the reporter page.
    r = TestClient(fresh_env.app)
    login(r, "zrep", "long enough pass")
    assert r.get("/reporter").status_code == 200


def test_weak_input_is_refused_without_echo(fresh_env: WebEnv) -> None:
    c = TestClient(fresh_env.app)
    login(c, "adm")
    res = c.post("/admin/users", data={"username": "x y", "password": "tiny", "role": "analyst"})
    assert res.status_code == 422
    assert "tiny" not in res.text and "x y" not in res.text
