"""The access matrix, written out by hand: every route × every kind of caller → expected status.

The table is deliberately *not* derived from the rule the app uses (path prefixes and
``require(role)``), so a route that is opened by mistake makes this test fail. Requests carry no
valid body or id ("x"): what is tested is who gets past the gate, not what the route then does.
Columns: anonymous, reporter (org A), analyst, coordinator, admin, API key of org A (no session),
revoked API key. A session client also sends its CSRF token, so 403 means the role was refused;
the key clients have no session, so their form POSTs stop at the CSRF check (403), except an
upload, which is refused from its headers before its body is read (303, as anonymous). The test
store holds no programme, so its JSON answers 404 to the role that may read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.intake.factory import ORG
from tests.web.factory import WebEnv
from zichtbaar.store import new_api_key, revoke_api_key

CALLERS = ["anonymous", "reporter", "analyst", "coordinator", "admin", "apikey", "revoked"]

MATRIX = """
GET  /                                                   303 303 303 303 303 303 303
GET  /login                                              200 200 200 200 200 200 200
POST /login                                              422 422 422 422 422 403 403
POST /logout                                             303 303 303 303 303 403 403
GET  /reporter                                           303 200 403 403 403 303 303
GET  /api/reporter/submissions                           401 200 403 403 403 401 401
POST /reporter/upload                                    303 422 403 403 403 303 303
GET  /reporter/submissions/x                             303 404 403 403 403 303 303
GET  /api/reporter/submissions/x                         401 404 403 403 403 401 401
POST /reporter/withdraw                                  303 422 403 403 403 403 403
GET  /analyst                                            303 403 200 403 403 303 303
GET  /api/analyst/dashboard                              401 403 200 403 403 401 401
GET  /analyst/chart/x.svg                                303 403 404 403 403 303 303
GET  /analyst/download/x.csv                             303 403 404 403 403 303 303
GET  /analyst/sdmx/x.csv                                 303 403 404 403 403 303 303
GET  /analyst/report.x                                   303 403 404 403 403 303 303
GET  /coordinator                                        303 403 403 200 403 303 303
GET  /api/coordinator/releases                           401 403 403 200 403 401 401
GET  /admin                                              303 403 403 403 200 303 303
GET  /api/admin/overview                                 401 403 403 403 200 401 401
POST /admin/organisations                                303 403 403 403 422 403 403
POST /admin/users                                        303 403 403 403 422 403 403
POST /admin/api-keys                                     303 403 403 403 422 403 403
POST /admin/api-keys/revoke                              303 403 403 403 422 403 403
POST /admin/key-ids                                      303 403 403 403 422 403 403
POST /admin/key-ids/retire                               303 403 403 403 422 403 403
GET  /analyst/programme                                  303 403 200 403 403 303 303
GET  /api/analyst/programme                              401 403 404 403 403 401 401
GET  /analyst/programme/measure/x                        303 403 404 403 403 303 303
GET  /api/analyst/programme/measure/x                    401 403 404 403 403 401 401
GET  /coordinator/programme                              303 403 403 200 403 303 303
GET  /api/coordinator/programme                          401 403 403 404 403 401 401
GET  /coordinator/programme/measure/x                    303 403 403 404 403 303 303
GET  /api/coordinator/programme/measure/x                401 403 403 404 403 401 401
POST /coordinator/programme/measure/x/status             303 403 403 422 403 403 403
GET  /api/v1/submissions                                 401 401 401 401 401 200 401
POST /api/v1/submissions                                 401 401 401 401 401 422 401
GET  /api/v1/submissions/x                               401 401 401 401 401 404 401
POST /api/v1/withdrawals                                 401 401 401 401 401 422 401
"""


def _rows() -> list[tuple[str, str, dict[str, int]]]:
    out = []
    for line in MATRIX.strip().splitlines():
        method, path, *codes = line.split()
        assert len(codes) == len(CALLERS), line
        out.append((method, path, dict(zip(CALLERS, map(int, codes), strict=True))))
    return out


ROWS = _rows()


@pytest.fixture(scope="module")
def callers(env: WebEnv, clients: dict[str, TestClient]) -> Iterator[dict[str, TestClient]]:
    _, key = new_api_key(env.store, ORG, actor="test")
    prefix, old = new_api_key(env.store, ORG, actor="test")
    revoke_api_key(env.store, prefix, actor="test")
    keyed = TestClient(env.app, headers={"X-API-Key": key})
    revoked = TestClient(env.app, headers={"X-API-Key": old})
    yield {**clients, "apikey": keyed, "revoked": revoked}
    keyed.close()
    revoked.close()


def test_the_matrix_lists_every_route_once(env: WebEnv) -> None:
    documented = {
        (m.upper(), re.sub(r"\{[^}]+\}", "x", raw))
        for raw, ops in env.app.openapi()["paths"].items()
        for m in ops
    }
    listed = [(m, p) for m, p, _ in ROWS]
    assert len(listed) == len(set(listed))
    assert set(listed) == documented


@pytest.mark.parametrize("caller", CALLERS)
def test_every_route_answers_every_caller_as_the_matrix_says(
    callers: dict[str, TestClient], caller: str
) -> None:
    client = callers[caller]
    wrong = []
    for method, path, expected in ROWS:
        if path == "/logout":
            continue  # would end the shared session: tested on its own client below
        res = client.request(method, path, follow_redirects=False)
        if res.status_code != expected[caller]:
            wrong.append(f"{method} {path}: {res.status_code}, expected {expected[caller]}")
        if res.status_code in {401, 403, 303}:
            assert "csv" not in res.headers.get("content-type", ""), path
    assert wrong == []


@pytest.mark.parametrize("caller", CALLERS)
def test_logout_column(env: WebEnv, caller: str) -> None:
    from tests.web.conftest import csrf, login
    from tests.web.factory import USERS

    client = TestClient(env.app)
    if caller in USERS:
        login(client, USERS[caller][0])
    elif caller == "anonymous":
        csrf(client)
    expected = next(r for r in ROWS if r[1] == "/logout")[2]
    res = client.post("/logout", follow_redirects=False)
    assert res.status_code == expected[caller]
