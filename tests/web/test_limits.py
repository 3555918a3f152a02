"""Limits before work, through the app: body size, the shared temp budget, hostile zips and
Parquet, login CSRF, spoofed client addresses, API keys written two ways."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.intake.factory import ORG, registrations, write_package
from tests.web.conftest import csrf
from tests.web.factory import PASSWORD, WebEnv, zip_dir
from tests.web.hostile import bomb_package, flag_encrypted, zip_bomb, zip_of
from zichtbaar.errors import PackageError
from zichtbaar.store import new_api_key
from zichtbaar.web.app import create_app
from zichtbaar.web.budget import TempBudget, TempBudgetSpentError
from zichtbaar.web.upload import unpack_package


def _app(env: WebEnv, **kw: object) -> FastAPI:
    return create_app(env.store, env.releases_dir, env.reports_dir, secret_key="s", **kw)  # type: ignore[arg-type]


def _submit(c: TestClient, key: str, body: bytes) -> int:
    res = c.post(
        "/api/v1/submissions", files={"package": ("p.zip", body)}, headers={"X-API-Key": key}
    )
    return res.status_code


def test_a_body_over_the_limit_is_refused_at_once_and_a_chunked_one_cut_off(
    fresh_env: WebEnv,
) -> None:
    _p, key = new_api_key(fresh_env.store, ORG, actor="test")
    c = TestClient(_app(fresh_env, max_upload_bytes=64 * 1024))

    def chunks() -> Iterator[bytes]:
        for _ in range(64):  # 4 MiB offered, 64 KiB allowed
            yield b"x" * 65536

    headers = {"X-API-Key": key, "content-type": "multipart/form-data; boundary=b"}
    declared = c.post(
        "/api/v1/submissions", content=b"", headers={**headers, "content-length": str(1024**3)}
    )
    assert declared.status_code == 413
    chunked = c.post("/api/v1/submissions", content=chunks(), headers=headers)
    assert chunked.status_code == 413
    assert "larger than the hub accepts" in chunked.json()["detail"]
    # (TestClient reads the whole generator first; the live test shows the cut on the wire)


def test_uploads_are_authenticated_before_their_body_is_read(fresh_env: WebEnv) -> None:
    c = TestClient(_app(fresh_env))
    read = 0

    def chunks() -> Iterator[bytes]:
        nonlocal read
        for _ in range(256):
            read += 1
            yield b"x" * 65536

    ct = {"content-type": "multipart/form-data; boundary=b"}
    assert c.post("/api/v1/submissions", content=chunks(), headers=ct).status_code == 401
    page = c.post("/reporter/upload", content=chunks(), headers=ct, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert read <= 2  # not one of the 16 MiB was consumed beyond the first chunk each


def test_the_shared_temp_budget_answers_503_with_retry_after(
    fresh_env: WebEnv, tmp_path: Path
) -> None:
    _p, key = new_api_key(fresh_env.store, ORG, actor="test")
    pkg = zip_dir(write_package(tmp_path / "p", registrations(50)))
    small = TestClient(_app(fresh_env, temp_budget_bytes=len(pkg) // 2))
    res = small.post(
        "/api/v1/submissions", files={"package": ("p.zip", pkg)}, headers={"X-API-Key": key}
    )
    assert res.status_code == 503 and int(res.headers["retry-after"]) > 0
    roomy = TestClient(_app(fresh_env, temp_budget_bytes=len(pkg) * 4))
    res = roomy.post(
        "/api/v1/submissions", files={"package": ("p.zip", pkg)}, headers={"X-API-Key": key}
    )
    assert res.status_code == 201, res.text
    assert roomy.app.state.temp_budget.used == 0  # given back when the request ended


def test_unpacking_draws_on_the_budget_before_writing(tmp_path: Path) -> None:
    budget = TempBudget(10 * 1024**2)
    data = zip_of({"p/manifest.json": b"{}", "p/data.parquet": os.urandom(8 * 1024**2)})
    with budget.lease() as lease:
        lease.take(4 * 1024**2)  # another part of the request holds some already
        with pytest.raises(TempBudgetSpentError):
            unpack_package(io.BytesIO(data), tmp_path / "u", lease)
    assert not (tmp_path / "u").exists() or not any((tmp_path / "u").rglob("*.parquet"))
    assert budget.used == 0


@pytest.mark.parametrize(
    ("members", "tweak", "message"),
    [
        (
            {"p/manifest.json": b"{}", "p/link": b"/etc/passwd"},
            {"p/link": {"external_attr": 0o120777 << 16}},
            "link",
        ),
        (
            {"p/manifest.json": b"{}", "p/fifo": b""},
            {"p/fifo": {"external_attr": 0o010644 << 16}},
            "device or pipe",
        ),
        ({"/etc/manifest.json": b"{}"}, None, "outside"),
        ({"C:/manifest.json": b"{}"}, None, "outside"),
        ({"p\\..\\manifest.json": b"{}"}, None, "outside"),
        ({"p/manifest.json": b"{}", "p/./manifest.json": b"{}"}, None, "twice"),
        ({"p/manifest.json": b"{}", "P/Manifest.json": b"{}"}, None, "twice"),
    ],
)
def test_odd_archives_are_refused_with_a_clear_message(
    tmp_path: Path,
    members: dict[str, bytes],
    tweak: dict[str, dict[str, int]] | None,
    message: str,
) -> None:
    with pytest.raises(PackageError, match=message):
        unpack_package(io.BytesIO(zip_of(members, tweak)), tmp_path / "u")


def test_a_member_flagged_encrypted_in_the_directory_is_refused_by_name(tmp_path: Path) -> None:
    data = flag_encrypted(zip_of({"p/manifest.json": b"{}"}), local=False, central=True)
    with pytest.raises(PackageError, match="encrypted file: upload the package unencrypted"):
        unpack_package(io.BytesIO(data), tmp_path / "u")


def test_a_member_flagged_encrypted_only_in_its_local_header_is_refused(
    fresh_env: WebEnv, tmp_path: Path
) -> None:
    """Python's zipfile reads such a member as plain: the package was accepted before."""
    _p, key = new_api_key(fresh_env.store, ORG, actor="test")
    pkg = flag_encrypted(zip_dir(write_package(tmp_path / "p", registrations(3))))
    with zipfile.ZipFile(io.BytesIO(pkg)) as zf:  # the trick works: zipfile reads it
        assert zf.read(zf.namelist()[0])
    res = TestClient(fresh_env.app).post(
        "/api/v1/submissions", files={"package": ("p.zip", pkg)}, headers={"X-API-Key": key}
    )
    assert res.status_code == 422 and "encrypted" in res.json()["detail"]


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    data = zip_bomb(64 * 1024**2)
    assert len(data) < 200_000
    with pytest.raises(PackageError, match="compressed far more"):
        unpack_package(io.BytesIO(data), tmp_path / "u")
    assert not any((tmp_path / "u").rglob("*")) if (tmp_path / "u").exists() else True


def test_a_small_parquet_that_decodes_to_gigabytes_is_refused_before_decoding(
    fresh_env: WebEnv, tmp_path: Path
) -> None:
    _p, key = new_api_key(fresh_env.store, ORG, actor="test")
    pkg = bomb_package(tmp_path / "bomb")
    assert (pkg / "data.parquet").stat().st_size < 8_000
    res = TestClient(fresh_env.app).post(
        "/api/v1/submissions",
        files={"package": ("p.zip", zip_dir(pkg))},
        headers={"X-API-Key": key},
    )
    assert res.status_code == 422
    assert "decodes to about 8,59" in res.json()["detail"]  # 8 GiB and a little


def test_login_is_refused_without_its_token_or_from_another_site(fresh_env: WebEnv) -> None:
    form = {"username": "ana", "password": PASSWORD}
    cross = TestClient(fresh_env.app)  # an attacker's page posting into the victim's browser
    res = cross.post("/login", data=form, follow_redirects=False)
    assert res.status_code == 403
    assert cross.get("/analyst", follow_redirects=False).headers["location"] == "/login"
    c = TestClient(fresh_env.app)
    token = csrf(c)
    evil = {"origin": "https://evil.example"}
    assert c.post("/login", data=form, headers=evil, follow_redirects=False).status_code == 403
    ref = {"referer": "https://evil.example/page"}
    assert c.post("/login", data=form, headers=ref, follow_redirects=False).status_code == 403
    same = {"origin": "http://testserver"}
    ok = c.post("/login", data={**form, "csrf_token": token}, headers=same, follow_redirects=False)
    assert ok.status_code == 303


def test_a_spoofed_forwarded_for_does_not_make_a_new_client(fresh_env: WebEnv) -> None:
    c = TestClient(_app(fresh_env), client=("10.1.0.1", 1))
    csrf(c)
    codes = [
        c.post(
            "/login",
            data={"username": f"guess{i}", "password": "wrong password"},
            headers={"x-forwarded-for": f"192.0.2.{i}"},
        ).status_code
        for i in range(7)
    ]
    assert codes == [401] * 5 + [429] * 2


def test_forwarded_for_is_believed_from_a_configured_proxy(fresh_env: WebEnv) -> None:
    c = TestClient(_app(fresh_env, trusted_proxies=["10.9.0.0/16"]), client=("10.9.0.1", 1))
    csrf(c)
    codes = [
        c.post(
            "/login",
            data={"username": "guess", "password": "wrong password"},
            headers={"x-forwarded-for": f"198.51.100.7, 192.0.2.{i % 2}"},
        ).status_code
        for i in range(12)
    ]
    assert codes == [401] * 10 + [429] * 2  # two clients behind the proxy, 5 each


def test_a_key_without_its_prefix_counts_as_the_same_key(fresh_env: WebEnv, tmp_path: Path) -> None:
    _p, key = new_api_key(fresh_env.store, ORG, actor="test")
    bare = key.removeprefix("zk_")
    c = TestClient(_app(fresh_env, submissions_per_minute=2))
    codes = [
        _submit(c, k, zip_dir(write_package(tmp_path / f"p{i}", registrations(2, start=10 * i))))
        for i, k in enumerate((key, bare, f" {bare}"))
    ]
    assert codes == [201, 201, 429]


def test_withdrawals_share_the_per_key_submission_limit(fresh_env: WebEnv) -> None:
    _p, key = new_api_key(fresh_env.store, ORG, actor="test")
    c = TestClient(_app(fresh_env, submissions_per_minute=2))
    codes = [
        c.post(
            "/api/v1/withdrawals",
            headers={"X-API-Key": key},
            json={"record_id": f"r-{i}", "reason": "consent_withdrawn"},
        ).status_code
        for i in range(3)
    ]
    assert codes[2] == 429 and 429 not in codes[:2]
