"""``backup_store``/``restore_store`` round trip on SQLite and PostgreSQL, and what restore refuses."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Literal

import pytest
from sqlalchemy import delete, select

from tests.faults.content import store_content
from tests.intake.factory import ORG, registrations, write_package
from zichtbaar.errors import StoreError
from zichtbaar.intake import ingest_package
from zichtbaar.store import Store, add_organisation, open_store, verify_audit
from zichtbaar.store.backup import backup_store, restore_store
from zichtbaar.store.models import AuditEntry, Registration


def _fill(store: Store, home: Path, tmp_path: Path) -> None:
    ingest_package(store, write_package(tmp_path / "pkg", registrations(40)), ORG, "test")
    (home / "runs" / "run-1").mkdir(parents=True)
    (home / "runs" / "run-1" / "run.json").write_text('{"run_id": "run-1"}\n')
    (home / "releases" / "r1" / "tables").mkdir(parents=True)
    (home / "releases" / "r1" / "tables" / "t.csv").write_text("year,value\n2024,12\n")


def _files(home: Path) -> dict[str, bytes]:
    return {
        p.relative_to(home).as_posix(): p.read_bytes()
        for d in ("runs", "releases", "snapshots")
        if (home / d).is_dir()
        for p in sorted((home / d).rglob("*"))
        if p.is_file()
    }


def _actions(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(AuditEntry.action).order_by(AuditEntry.seq)).scalars())


def test_round_trip_restores_identical_content(store: Store, tmp_path: Path) -> None:
    home = tmp_path / "home"
    _fill(store, home, tmp_path)
    before = store_content(store)
    files = _files(home)
    out = tmp_path / "backups" / "b.tar"
    manifest = backup_store(store, home, out, "test-admin")
    assert out.is_file() and "runs/run-1/run.json.sealed" in manifest.files  # sealed
    assert _actions(store)[-1] == "store_backup"

    # Destroy: delete rows, add an organisation, lose a run, change a release.
    with store.engine.begin() as conn:
        conn.execute(delete(Registration))
    add_organisation(store, "ngo-x", "NGO X", "ngo", actor="intruder")
    (home / "runs" / "run-1" / "run.json").unlink()
    (home / "releases" / "r1" / "tables" / "t.csv").write_text("year,value\n2024,99\n")
    assert store_content(store) != before

    restore_store(store, home, out, "test-admin")
    after = store_content(store, skip=("audit_log",))
    assert after == {k: v for k, v in before.items() if k != "audit_log"}
    assert _files(home) == files
    # The audit log is the backed-up chain plus the restore itself, and still verifies.
    assert _actions(store) == [*[r[3] for r in sorted(before["audit_log"])], "store_restore"]
    report = verify_audit(store)
    assert report.ok, report.problems


def _backup(store: Store, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    _fill(store, home, tmp_path)
    backup_store(store, home, tmp_path / "b.tar", "test-admin")
    return tmp_path / "b.tar"


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_corrupt_backup_is_refused_and_store_untouched(store: Store, tmp_path: Path) -> None:
    out = _backup(store, tmp_path)
    before = store_content(store)
    raw = bytearray(out.read_bytes())
    # Flip a byte inside the database member (after the manifest's header and data).
    raw[len(raw) // 2] ^= 0xFF
    bad = tmp_path / "bad.tar"
    bad.write_bytes(bytes(raw))
    with pytest.raises(StoreError, match=r"checksum|corrupt|tampered"):
        restore_store(store, tmp_path / "home", bad, "test-admin")
    truncated = tmp_path / "short.tar"
    truncated.write_bytes(bytes(raw[: len(raw) // 3]))
    with pytest.raises(StoreError, match=r"corrupt|truncated|manifest|not a zichtbaar"):
        restore_store(store, tmp_path / "home", truncated, "test-admin")
    assert store_content(store) == before


def _add_member(path: Path, mode: Literal["w", "a"], name: str) -> None:
    """Write (mode "w") or append (mode "a") a two-byte member called ``name`` to a tar file."""
    with tarfile.open(path, mode) as tar:
        info = tarfile.TarInfo(name)
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_foreign_backups_are_refused(store: Store, tmp_path: Path) -> None:
    out = _backup(store, tmp_path)
    # A tar that is not ours.
    foreign = tmp_path / "foreign.tar"
    _add_member(foreign, "w", "notes.txt")
    with pytest.raises(StoreError, match="not a zichtbaar backup"):
        restore_store(store, tmp_path / "home", foreign, "test-admin")
    # Our backup with an extra member smuggled in (e.g. a path outside home).
    smuggled = tmp_path / "smuggled.tar"
    smuggled.write_bytes(out.read_bytes())
    _add_member(smuggled, "a", "../evil.txt")
    with pytest.raises(StoreError, match="tampered"):
        restore_store(store, tmp_path / "home", smuggled, "test-admin")
    assert not (tmp_path / "evil.txt").exists()
    # Our backup restored under another hub key.
    other = open_store(f"sqlite:///{tmp_path / 'other.sqlite'}", key_file=tmp_path / "k2.json")
    with pytest.raises(StoreError, match="another hub key"):
        restore_store(other, tmp_path / "home2", out, "test-admin")
    other.close()


def test_restore_into_other_dialect_is_refused(store: Store, tmp_path: Path) -> None:
    out = _backup(store, tmp_path)
    with tarfile.open(out) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    other_dialect = "postgresql" if manifest["dialect"] == "sqlite" else "sqlite"
    # Rewrite the manifest so only the dialect differs (checksums stay valid).
    forged = tmp_path / "forged.tar"
    with tarfile.open(out) as src, tarfile.open(forged, "w") as dst:
        for m in src.getmembers():
            if m.name == "manifest.json":
                manifest["dialect"] = other_dialect
                raw = json.dumps(manifest).encode()
                m.size = len(raw)
                dst.addfile(m, io.BytesIO(raw))
            else:
                dst.addfile(m, src.extractfile(m))
    with pytest.raises(StoreError, match=r"backup|database dump"):
        restore_store(store, tmp_path / "home", forged, "test-admin")


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ZICHTBAAR_HOME": str(home)}
    env.pop("ZICHTBAAR_DATABASE_URL", None)
    exe = Path(sys.executable).parent / "zichtbaar"
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, timeout=120)


def test_cli_backup_and_restore(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert (
        _cli(home, "admin", "org", "add", "ngo-a", "--type", "ngo", "--name", "A").returncode == 0
    )
    res = _cli(home, "admin", "backup", "--out", str(tmp_path / "b.tar"))
    assert res.returncode == 0, res.stderr
    assert (
        _cli(home, "admin", "org", "add", "ngo-b", "--type", "ngo", "--name", "B").returncode == 0
    )
    res = _cli(home, "admin", "restore", str(tmp_path / "b.tar"))
    assert res.returncode == 0, res.stderr
    store = open_store(f"sqlite:///{home / 'zichtbaar.sqlite'}", key_file=home / "hub-key.json")
    orgs = {r[0] for r in store_content(store)["organisations"]}
    assert "ngo-a" in orgs and "ngo-b" not in orgs
    assert _actions(store)[-1] == "store_restore"
    store.close()
    res = _cli(home, "admin", "verify-audit")
    assert res.returncode == 0 and "intact" in res.stdout
    (tmp_path / "junk.tar").write_bytes(b"not a tar at all")
    res = _cli(home, "admin", "restore", str(tmp_path / "junk.tar"))
    assert res.returncode == 2 and "corrupt" in res.stderr
