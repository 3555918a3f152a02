"""What ``zichtbaar serve`` hands uvicorn: a Secure cookie outside --demo, no proxy headers,
demo accounts only with --demo, the limits from the settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.web.conftest import csrf
from zichtbaar.cli import app as cli
from zichtbaar.config import get_settings
from zichtbaar.store import add_user, open_store


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    monkeypatch.setenv("ZICHTBAAR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZICHTBAAR_DATABASE_URL", raising=False)
    monkeypatch.delenv("ZICHTBAAR_HUB_KEY_FILE", raising=False)
    monkeypatch.setenv("ZICHTBAAR_MAX_UPLOAD_BYTES", "5M")
    get_settings.cache_clear()
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    yield calls
    get_settings.cache_clear()


def _session_cookie(app: Any, username: str, password: str) -> str:
    c = TestClient(app, base_url="https://testserver")  # a Secure cookie comes back over TLS only
    csrf(c)
    res = c.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    assert res.status_code == 303, res.text
    return str(res.headers["set-cookie"]).lower()


def test_plain_serve_marks_the_cookie_secure_and_reads_no_proxy_headers(
    served: list[dict[str, Any]],
) -> None:
    store = open_store()
    add_user(store, "ana", "correct horse battery", "analyst", None, "test")
    store.close()
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0
    call = served[-1]
    assert call["proxy_headers"] is False
    assert "; secure" in _session_cookie(call["app"], "ana", "correct horse battery")
    c = TestClient(call["app"])
    big = c.post("/api/v1/submissions", content=b"", headers={"content-length": str(6 * 1024**2)})
    assert big.status_code == 413  # ZICHTBAAR_MAX_UPLOAD_BYTES reached the app


def test_demo_serve_on_plain_http_and_demo_accounts_only_with_demo(
    served: list[dict[str, Any]],
) -> None:
    out = CliRunner().invoke(cli, ["serve", "--demo"])
    assert out.exit_code == 0
    line = next(x for x in out.output.splitlines() if "demo-admin" in x)
    password = line.split()[-1]
    assert "; secure" not in _session_cookie(served[-1]["app"], "demo-admin", password)
    again = CliRunner().invoke(cli, ["serve"])
    assert "disabled" in again.output
    c = TestClient(served[-1]["app"], base_url="https://testserver")
    csrf(c)
    res = c.post("/login", data={"username": "demo-admin", "password": password})
    assert res.status_code == 401
