"""A full disk and a database that goes away mid-run: a clear message, non-zero exit, no damage.

The disk is a real 3 MB tmpfs holding the SQLite store (needs root or CAP_SYS_ADMIN, else the
test is skipped); the database going away is a real PostgreSQL server stopped with
``pg_ctl stop -m fast`` before ``zichtbaar intake`` runs.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select

from tests.faults.processes import cli, hub_env
from tests.intake.factory import KEY_ID, ORG, REPORTER_TYPE, registrations, write_package
from tests.integration.postgres.server import (
    PG_BIN,
    PostgresUnavailableError,
    fresh_database,
    postgres_server,
)
from zichtbaar.store import add_organisation, open_store, register_key_id, verify_audit
from zichtbaar.store.models import Registration, Submission

ROWS = 20_000


def _prepare(url: str, home: Path) -> None:
    store = open_store(url, key_file=home / "hub-key.json")
    add_organisation(store, ORG, "Politie", REPORTER_TYPE, actor="test-admin")
    register_key_id(store, KEY_ID, actor="test-admin")
    store.close()


def _rows_and_subs(url: str, home: Path) -> tuple[int, int]:
    store = open_store(url, key_file=home / "hub-key.json")
    with store.engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(Registration)).scalar_one()
        subs = conn.execute(select(func.count()).select_from(Submission)).scalar_one()
    assert verify_audit(store).ok
    store.close()
    return int(rows), int(subs)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "disk"
    mnt.mkdir()
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True
    )
    if res.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_disk_full_during_intake(tiny_disk: Path, tmp_path: Path) -> None:
    home = tiny_disk / "home"
    url = f"sqlite:///{home / 'zichtbaar.sqlite'}"
    _prepare(url, home)
    pkg = write_package(tmp_path / "pkg", registrations(ROWS))
    env = hub_env(home)
    res = cli(env, "intake", str(pkg), "--org", ORG)
    out = res.stdout + res.stderr
    assert res.returncode == 2, out[-2000:]
    assert "ran out of disk space" in out and "Traceback" not in out
    assert _rows_and_subs(url, home) == (0, 0)
    verify = cli(env, "admin", "verify-audit")
    assert verify.returncode == 0 and "intact" in verify.stdout
    # Once there is room, the same package lands whole.
    big = tmp_path / "home"
    subprocess.run(["cp", "-a", str(home), str(big)], check=True)
    res = cli(hub_env(big), "intake", str(pkg), "--org", ORG)
    assert res.returncode == 0, (res.stdout + res.stderr)[-2000:]
    assert _rows_and_subs(f"sqlite:///{big / 'zichtbaar.sqlite'}", big) == (ROWS, 1)


def _pg(data_dir: str, *args: str) -> None:
    cmd = [str(PG_BIN / "pg_ctl"), "-D", data_dir, *args]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True)


@pytest.mark.slow  # its own PostgreSQL server; still part of `make test`
def test_database_down_gives_a_clear_error(tmp_path: Path) -> None:
    try:
        server = postgres_server()
        admin = server.__enter__()
    except PostgresUnavailableError as err:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(str(err))
        pytest.skip(str(err))
    try:
        url = fresh_database(admin, template=None)
        home = tmp_path / "home"
        _prepare(url, home)
        with psycopg.connect(admin, autocommit=True) as conn:
            data_dir = str(conn.execute("SHOW data_directory").fetchone()[0])  # type: ignore[index]
        pkg = write_package(tmp_path / "pkg", registrations(ROWS))
        env = hub_env(home, url)
        _pg(data_dir, "-m", "fast", "-w", "-t", "60", "stop")
        down = cli(env, "intake", str(pkg), "--org", ORG, timeout=120)
        out = down.stdout + down.stderr
        assert down.returncode == 2, out[-2000:]
        assert "cannot be reached" in out and "Traceback" not in out
        # Same options as before (postmaster.opts); -l so the server does not hold our pipes.
        _pg(data_dir, "-w", "-t", "60", "-l", str(Path(data_dir).parent / "log2"), "restart")
        assert _rows_and_subs(url, home) == (0, 0)
        res = cli(env, "intake", str(pkg), "--org", ORG, timeout=300)
        assert res.returncode == 0, (res.stdout + res.stderr)[-2000:]
        assert _rows_and_subs(url, home) == (ROWS, 1)
    finally:
        server.__exit__(None, None, None)
