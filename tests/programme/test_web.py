from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import login
from tests.web.factory import USERS, WebEnv, make_env
from zichtbaar.programme import SEED, history, parse_yaml, save_programme


@pytest.fixture(scope="module")
def penv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    e = make_env(tmp_path_factory.mktemp("pweb"), with_releases=False)
    with e.store.engine.begin() as conn:
        save_programme(conn, parse_yaml(SEED.read_text(encoding="utf-8")), "test")
    yield e
    e.store.close()


@pytest.fixture(scope="module")
def pclients(penv: WebEnv) -> Iterator[dict[str, TestClient]]:
    out = {"anonymous": TestClient(penv.app)}
    for role, (name, _org) in USERS.items():
        c = TestClient(penv.app)
        login(c, name)
        out[role] = c
    yield out
    for c in out.values():
        c.close()


READ = [
    "/{r}/programme",
    "/api/{r}/programme",
    "/{r}/programme/measure/AL1-05",
    "/api/{r}/programme/measure/AL1-05",
]
ROLES = ["anonymous", "reporter", "analyst", "coordinator", "admin"]


@pytest.mark.parametrize("url", READ)
@pytest.mark.parametrize("owner", ["analyst", "coordinator"])
@pytest.mark.parametrize("role", ROLES)
def test_read_access_by_role(
    pclients: dict[str, TestClient], url: str, owner: str, role: str
) -> None:
    path = url.format(r=owner)
    res = pclients[role].get(path, follow_redirects=False)
    if role == "anonymous":
        assert res.status_code == (401 if path.startswith("/api/") else 303)
    else:
        assert res.status_code == (200 if role == owner else 403)


@pytest.mark.parametrize("role", ["anonymous", "reporter", "admin", "analyst"])
def test_only_coordinator_changes_status(
    pclients: dict[str, TestClient], penv: WebEnv, role: str
) -> None:
    res = pclients[role].post(
        "/coordinator/programme/measure/AL2-03/status",
        data={"status": "implemented", "reason": "x"},
        follow_redirects=False,
    )
    assert res.status_code in {303, 403} and "saved" not in res.headers.get("location", "")
    with penv.store.engine.connect() as conn:
        assert history(conn, "AL2-03") == []


def test_coordinator_changes_status_with_reason(
    pclients: dict[str, TestClient], penv: WebEnv
) -> None:
    c = pclients["coordinator"]
    res = c.post(
        "/coordinator/programme/measure/AL1-07/status",
        data={"status": "in_progress", "reason": "pilot in two units"},
        follow_redirects=False,
    )
    assert res.status_code == 303
    page = c.get(res.headers["location"]).text
    assert "pilot in two units" in page and "web:coo" in page
    data = c.get("/api/coordinator/programme/measure/AL1-07").json()
    assert [h["status"] for h in data["history"]] == ["delayed", "in_progress"]
    assert data["measure"]["status"] == "in_progress"


def test_status_change_without_reason_is_refused(
    pclients: dict[str, TestClient], penv: WebEnv
) -> None:
    res = pclients["coordinator"].post(
        "/coordinator/programme/measure/AL1-08/status",
        data={"status": "implemented", "reason": " "},
    )
    assert res.status_code == 422
    with penv.store.engine.connect() as conn:
        assert history(conn, "AL1-08") == []


def test_overview_counts_overdue_and_findings(pclients: dict[str, TestClient]) -> None:
    data = pclients["coordinator"].get("/api/coordinator/programme?lang=en").json()
    al1 = next(a for a in data["action_lines"] if a["id"] == "AL1")
    assert al1["total"] == 10
    assert al1["counts"]["delayed"] >= 2
    assert sum(al1["counts"].values()) + al1["unknown"] == al1["total"]
    assert "AL4-01" in [m["id"] for m in data["overdue"]]
    assert data["findings"]
    # analysts read the overview but the coordinators' checks are not theirs
    assert pclients["analyst"].get("/api/analyst/programme").json()["findings"] == []
    html = pclients["analyst"].get("/analyst/programme?lang=nl").text
    assert "Vertraagd" in html and 'id="timeline"' in html


def test_unknown_measure_is_404(pclients: dict[str, TestClient]) -> None:
    assert pclients["analyst"].get("/api/analyst/programme/measure/NOPE").status_code == 404
    assert pclients["coordinator"].get("/coordinator/programme/measure/NOPE").status_code == 404
