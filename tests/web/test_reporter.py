"""Reporters: upload a package, see row errors, stay inside their organisation, withdraw."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.intake.factory import ORG, registrations, write_package
from tests.web.conftest import login
from tests.web.factory import WebEnv, zip_dir
from zichtbaar.store import new_api_key


def _package(tmp: Path, bad: bool = True) -> bytes:
    rows = registrations(6)
    if bad:
        rows[1]["form"] = "SECRET-not-a-form"
        rows[4]["nationality"] = "QQQ"
    return zip_dir(write_package(tmp / "pkg", rows))


def test_upload_shows_status_and_row_errors_without_values(
    fresh_env: WebEnv, tmp_path: Path
) -> None:
    c = TestClient(fresh_env.app)
    login(c, "rep")
    res = c.post(
        "/reporter/upload",
        files={"package": ("pkg.zip", _package(tmp_path), "application/zip")},
        follow_redirects=False,
    )
    assert res.status_code == 303
    page = c.get(res.headers["location"]).text
    assert 'id="row-errors"' in page
    assert ">2</td><td>form</td>" in page and ">5</td><td>nationality</td>" in page
    assert "SECRET-not-a-form" not in page and "QQQ" not in page
    sub_id = res.headers["location"].rsplit("/", 1)[1]
    twin = c.get(f"/api/reporter/submissions/{sub_id}").json()
    assert twin["accepted"] == 4 and twin["quarantined"] == 2
    assert [(p["row"], p["field"]) for p in twin["problems"]] == [(2, "form"), (5, "nationality")]
    assert [s["id"] for s in c.get("/api/reporter/submissions").json()] == [sub_id]
    # Another organisation's reporter sees none of it.
    other = TestClient(fresh_env.app)
    login(other, "rep2")
    assert other.get("/api/reporter/submissions").json() == []
    assert other.get(f"/reporter/submissions/{sub_id}").status_code == 404
    assert other.get(f"/api/reporter/submissions/{sub_id}").status_code == 404


def test_upload_accepts_only_packages(fresh_env: WebEnv, tmp_path: Path) -> None:
    c = TestClient(fresh_env.app)
    login(c, "rep")
    csv = b"surname,date_of_birth\nJansen,1990-01-01\n"
    res = c.post("/reporter/upload", files={"package": ("people.csv", csv, "text/csv")})
    assert res.status_code == 422
    assert "Jansen" not in res.text and 'role="alert"' in res.text
    assert c.get("/api/reporter/submissions").json() == []


def test_withdraw_a_registration(fresh_env: WebEnv, tmp_path: Path) -> None:
    c = TestClient(fresh_env.app)
    login(c, "rep")
    c.post("/reporter/upload", files={"package": ("p.zip", _package(tmp_path, bad=False))})
    res = c.post("/reporter/withdraw", data={"record_id": "R0000002", "reason": "error"})
    assert res.status_code == 200 and 'role="status"' in res.text
    again = c.post("/reporter/withdraw", data={"record_id": "R0000002", "reason": "error"})
    assert again.status_code == 422
    other = TestClient(fresh_env.app)
    login(other, "rep2")  # another organisation cannot withdraw this org's record
    assert (
        other.post(
            "/reporter/withdraw", data={"record_id": "R0000003", "reason": "error"}
        ).status_code
        == 422
    )


def test_api_v1_submission_with_the_organisations_key(fresh_env: WebEnv, tmp_path: Path) -> None:
    _prefix, key = new_api_key(fresh_env.store, ORG, actor="test")
    _p2, other_key = new_api_key(fresh_env.store, "shelter-a", actor="test")
    c = TestClient(fresh_env.app)
    pkg = _package(tmp_path)
    assert c.post("/api/v1/submissions", files={"package": ("p.zip", pkg)}).status_code == 401
    bad = c.post(
        "/api/v1/submissions", files={"package": ("p.zip", pkg)}, headers={"X-API-Key": "zk_x.y"}
    )
    assert bad.status_code == 401
    res = c.post(
        "/api/v1/submissions", files={"package": ("p.zip", pkg)}, headers={"X-API-Key": key}
    )
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["accepted"] == 4 and body["quarantined"] == 2
    sid = body["submission_id"]
    mine = c.get("/api/v1/submissions", headers={"X-API-Key": key}).json()
    assert [s["id"] for s in mine] == [sid]
    assert c.get("/api/v1/submissions", headers={"X-API-Key": other_key}).json() == []
    assert c.get(f"/api/v1/submissions/{sid}", headers={"X-API-Key": other_key}).status_code == 404
    # A package naming another organisation is refused for this key.
    wrong = c.post(
        "/api/v1/submissions",
        files={"package": ("p.zip", pkg)},
        headers={"X-API-Key": other_key},
    )
    assert wrong.status_code == 422


def test_openapi_is_published(fresh_env: WebEnv) -> None:
    c = TestClient(fresh_env.app)
    assert c.get("/api/docs").status_code == 200
    spec = c.get("/api/openapi.json").json()
    assert "/api/v1/submissions" in spec["paths"]


def test_withdrawal_reasons_are_labels_and_the_page_points_to_the_reporter_app(
    clients: dict[str, TestClient],
) -> None:
    html = clients["reporter"].get("/reporter?lang=en").text
    assert '<option value="consent_withdrawn">Consent withdrawn</option>' in html
    assert ">consent_withdrawn<" not in html
    assert "zichtbaar reporter" in html


def test_withdrawal_over_the_api_needs_the_key_and_names_no_value(
    env: WebEnv, clients: dict[str, TestClient]
) -> None:
    anon = clients["anonymous"]
    body = {"record_id": "no-such-record", "reason": "consent_withdrawn"}
    assert anon.post("/api/v1/withdrawals", json=body).status_code == 401
    _, key = new_api_key(env.store, ORG, actor="test")
    res = anon.post("/api/v1/withdrawals", json=body, headers={"X-API-Key": key})
    assert res.status_code == 422
    assert "no-such-record" not in res.text
