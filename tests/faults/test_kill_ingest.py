"""kill -9 of ``zichtbaar serve`` in the middle of ingesting a large package (SQLite, PostgreSQL).

The hook for "in the middle": the server unpacks an upload into a temp dir (``TMPDIR`` is ours)
and then calls ``ingest_package``; once the unpacked data file is there we wait a moment and kill.
After a restart the package is either wholly there or not at all, and resubmitting it lands it
exactly once.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.faults.processes import hub_env, kill9, start_server, stop, wait_until
from tests.intake.factory import KEY_ID, ORG, REPORTER_TYPE, registrations, write_package
from zichtbaar.encode.submit import zip_package
from zichtbaar.store import add_organisation, new_api_key, open_store, register_key_id, verify_audit
from zichtbaar.store.models import QuarantinedRow, Registration, Submission

pytestmark = pytest.mark.slow  # real server processes; still part of `make test`

ROWS = 30_000


def _counts(url: str, home: Path) -> tuple[int, int, int]:
    store = open_store(url, key_file=home / "hub-key.json")
    with store.engine.connect() as conn:
        regs = conn.execute(select(func.count()).select_from(Registration)).scalar_one()
        subs = conn.execute(select(func.count()).select_from(Submission)).scalar_one()
        quar = conn.execute(select(func.count()).select_from(QuarantinedRow)).scalar_one()
    assert verify_audit(store).ok
    store.close()
    return int(regs), int(subs), int(quar)


def _post(url: str, key: str, body: bytes) -> httpx.Response:
    return httpx.post(
        f"{url}/api/v1/submissions",
        headers={"X-API-Key": key},
        files={"package": ("pkg.zip", body, "application/zip")},
        timeout=600,
    )


def test_kill_during_ingestion_is_all_or_nothing(store_url: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = open_store(store_url, key_file=home / "hub-key.json")
    add_organisation(store, ORG, "Politie", REPORTER_TYPE, actor="test-admin")
    register_key_id(store, KEY_ID, actor="test-admin")
    _, key = new_api_key(store, ORG, "test-admin")
    store.close()
    body = zip_package(write_package(tmp_path / "pkg", registrations(ROWS)))
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    env = hub_env(home, store_url, TMPDIR=str(uploads))
    server, url = start_server(env, tmp_path / "server.log")
    outcome: dict[str, Any] = {}

    def send() -> None:
        try:
            outcome["response"] = _post(url, key, body)
        except httpx.HTTPError as err:
            outcome["error"] = type(err).__name__

    sender = threading.Thread(target=send)
    sender.start()
    try:
        unpacked = wait_until(lambda: any(uploads.glob("*/package/*/data.parquet")), timeout=120)
        assert unpacked, "the server never unpacked the upload"
        time.sleep(0.5)  # inside ingest_package: checking, encrypting or inserting
        killed_before_reply = sender.is_alive()
        kill9(server)
    finally:
        stop(server)
        sender.join(timeout=60)
    assert killed_before_reply and "error" in outcome, "the ingestion finished before the kill"

    regs, subs, quar = _counts(store_url, home)
    assert (regs, subs) in {(0, 0), (ROWS, 1)}, f"partial package visible: {regs} rows, {subs} subs"
    assert quar == 0

    server, url = start_server(env, tmp_path / "server.log")
    try:
        first = _post(url, key, body)
        again = _post(url, key, body)
    finally:
        stop(server)
    assert first.status_code == again.status_code == 201
    assert first.json()["accepted"] == ROWS
    assert first.json()["duplicate"] == (regs == ROWS)
    assert again.json()["duplicate"] is True
    assert _counts(store_url, home) == (ROWS, 1, 0)
