"""Backup and restore of the hub: the operational store plus its snapshots, runs and releases.

A backup is one tar file: ``manifest.json`` (format, version, database dialect, hub key id and
the SHA-256 of every other member) and the members themselves. The database part is taken with
the engine's own consistent-copy tool, because a file copy of a live database is not a backup:

* SQLite: the ``sqlite3`` online backup API (a consistent copy while the server keeps running);
* PostgreSQL: ``pg_dump --format=custom`` (one snapshot transaction), restored with
  ``pg_restore --clean --single-transaction`` so a failed restore leaves the old data in place.

The hub key itself is never in a backup (it is kept apart, like the linkage secret); a restore
refuses a backup made under another hub key, a tampered or truncated file, or a foreign file.
Both actions are written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, make_url

from zichtbaar.errors import StoreError
from zichtbaar.store.audit import append_audit
from zichtbaar.store.engine import Store
from zichtbaar.store.sealed_files import SUFFIX, open_file, seal_file

FORMAT = "zichtbaar-backup"
VERSION = 2
READABLE_VERSIONS = frozenset({1, 2})
"""Version 2 seals snapshots and runs; a version-1 backup (open) still restores."""
MANIFEST = "manifest.json"
DATA_DIRS = ("snapshots", "runs", "releases", "reports")
"""Directories under the hub's home that belong to a backup (the store's analytic side)."""
SEALED_DIRS = ("snapshots", "runs")
"""Person-level files with open Bloom filters: sealed under the hub key in the backup."""
DB_MEMBER = {"sqlite": "store.sqlite", "postgresql": "store.pgdump"}
_BUF = 1 << 20


@dataclass(frozen=True)
class BackupManifest:
    """What a backup holds; ``files`` maps each member to its SHA-256."""

    created_at: str
    dialect: str
    hub_key_id: str
    files: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "created_at": self.created_at,
            "dialect": self.dialect,
            "hub_key_id": self.hub_key_id,
            "files": self.files,
        }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_BUF):
            h.update(chunk)
    return h.hexdigest()


def _pg_args(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL client tools; the password goes in the env only."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return [*args, "--dbname", url.database or "postgres", "--no-password"], env


def _run_tool(cmd: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(cmd[0]) is None:
        raise StoreError(f"{what} needs '{cmd[0]}' (install postgresql-client)")
    try:
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except OSError as err:
        raise StoreError(f"{what} failed to start: {type(err).__name__}") from None
    if res.returncode != 0:
        # The tools' stderr names objects and connection problems, never row values.
        last = (res.stderr.strip().splitlines() or ["no message"])[-1]
        raise StoreError(f"{what} failed: {last}")


def _sqlite_copy(source: str, target: str, what: str) -> None:
    """SQLite's online backup API from one database file to another: a consistent copy of a live
    store, and on restore it replaces every page of the target, WAL included."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    except sqlite3.Error as err:
        raise StoreError(f"the SQLite {what} failed: {err}") from None
    finally:
        dst.close()
        src.close()


def _dump_database(store: Store, out: Path) -> None:
    engine = store.engine
    if engine.dialect.name == "sqlite":
        src_path = engine.url.database
        if not src_path or src_path == ":memory:":
            raise StoreError("an in-memory store cannot be backed up")
        _sqlite_copy(src_path, str(out), "backup")
    elif engine.dialect.name == "postgresql":
        args, env = _pg_args(engine)
        _run_tool(["pg_dump", "--format=custom", "--file", str(out), *args], env, "pg_dump")
    else:
        raise StoreError(f"backup of a {engine.dialect.name} store is not supported")


def _add(tar: tarfile.TarFile, files: dict[str, str], path: Path, arc: str) -> None:
    files[arc] = _sha256(path)
    tar.add(path, arcname=arc, recursive=False)


def _data_files(home: Path) -> list[tuple[Path, str]]:
    found = []
    for name in DATA_DIRS:
        base = home / name
        if base.is_dir():
            for path in sorted(p for p in base.rglob("*") if p.is_file() and not p.is_symlink()):
                found.append((path, path.relative_to(home).as_posix()))
    return found


def _open_sealed(store: Store, unpacked: Path, manifest: BackupManifest) -> None:
    """Open the sealed members in place (after every checksum held, before anything moves)."""
    for name in manifest.files:
        if name.endswith(SUFFIX) and name.split("/", 1)[0] in SEALED_DIRS:
            sealed = unpacked / name
            open_file(store.cipher.file_key, sealed, sealed.with_name(sealed.name[: -len(SUFFIX)]))
            sealed.unlink()


def backup_store(store: Store, home: Path, out: Path, actor: str) -> BackupManifest:
    """Write a backup of the store and ``home``'s data directories to the tar file ``out``."""
    dialect = store.engine.dialect.name
    if dialect not in DB_MEMBER:
        raise StoreError(f"backup of a {dialect} store is not supported")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".zichtbaar-backup-", dir=out.parent) as tmp:
        db_file = Path(tmp) / DB_MEMBER[dialect]
        _dump_database(store, db_file)
        files: dict[str, str] = {}
        partial = out.with_name(out.name + ".partial")
        try:
            with tarfile.open(partial, "w") as tar:
                _add(tar, files, db_file, DB_MEMBER[dialect])
                for path, arc in _data_files(home):
                    if arc.split("/", 1)[0] not in SEALED_DIRS:
                        _add(tar, files, path, arc)
                        continue
                    sealed = Path(tmp) / "member.sealed"
                    seal_file(store.cipher.file_key, path, sealed)
                    _add(tar, files, sealed, arc + SUFFIX)
                    sealed.unlink()
                manifest = BackupManifest(
                    created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    dialect=dialect,
                    hub_key_id=store.cipher.key_id,
                    files=files,
                )
                raw = json.dumps(manifest.to_dict(), indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(raw)
                tar.addfile(info, io.BytesIO(raw))
            partial.replace(out)  # a backup file is complete or absent
        except OSError as err:
            partial.unlink(missing_ok=True)
            raise StoreError(f"the backup could not be written: {err.strerror}") from None
    with store.engine.begin() as conn:
        append_audit(conn, actor, "store_backup", f"backup:{out.name} files:{len(files)}")
    return manifest


def _manifest_from(tar: tarfile.TarFile) -> BackupManifest:
    try:
        member = tar.getmember(MANIFEST)
        f = tar.extractfile(member)
        raw = json.loads(f.read()) if f is not None else None
    except (KeyError, ValueError):
        raw = None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise StoreError("this file is not a zichtbaar backup")
    if raw.get("version") not in READABLE_VERSIONS:
        raise StoreError("this backup was made by an incompatible zichtbaar version")
    try:
        return BackupManifest(
            created_at=str(raw["created_at"]),
            dialect=str(raw["dialect"]),
            hub_key_id=str(raw["hub_key_id"]),
            files={str(k): str(v) for k, v in dict(raw["files"]).items()},
        )
    except (KeyError, TypeError, ValueError):
        raise StoreError("the backup's manifest is incomplete") from None


def read_backup(backup: Path, into: Path) -> BackupManifest:
    """Unpack ``backup`` into the empty directory ``into`` and check it against its manifest."""
    try:
        with tarfile.open(backup, "r") as tar:
            manifest = _manifest_from(tar)
            names = {m.name for m in tar.getmembers()} - {MANIFEST}
            if names != set(manifest.files):
                raise StoreError("the backup's contents do not match its manifest (tampered)")
            tar.extractall(into, filter="data")  # refuses absolute paths, links out, devices
    except (tarfile.TarError, EOFError, OSError) as err:
        raise StoreError(f"the backup cannot be read (corrupt or truncated): {err}") from None
    if manifest.dialect not in DB_MEMBER or DB_MEMBER[manifest.dialect] not in manifest.files:
        raise StoreError("the backup holds no database dump")
    for name, digest in manifest.files.items():
        if _sha256(into / name) != digest:
            raise StoreError(f"the backup's file '{name}' fails its checksum (corrupt)")
    return manifest


def _restore_database(store: Store, manifest: BackupManifest, dump: Path) -> None:
    engine = store.engine
    if engine.dialect.name != manifest.dialect:
        raise StoreError(
            f"this is a {manifest.dialect} backup; the store is {engine.dialect.name}"
            " (restore into the same kind of database)"
        )
    engine.dispose()
    if manifest.dialect == "sqlite":
        target = engine.url.database
        if not target or target == ":memory:":
            raise StoreError("cannot restore into an in-memory store")
        _sqlite_copy(str(dump), target, "restore")
    else:
        args, env = _pg_args(engine)
        cmd = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run_tool([*cmd, *args, str(dump)], env, "pg_restore")


def _swap_dirs(unpacked: Path, home: Path) -> None:
    """Put each data directory of the backup in place of the current one (rename, not copy)."""
    for name in DATA_DIRS:
        new, cur = unpacked / name, home / name
        old = home / f".{name}.before-restore"
        shutil.rmtree(old, ignore_errors=True)
        if cur.exists():
            cur.rename(old)
        if new.is_dir():
            shutil.move(str(new), str(cur))
        shutil.rmtree(old, ignore_errors=True)


def restore_store(store: Store, home: Path, backup: Path, actor: str) -> BackupManifest:
    """Replace the store's content and ``home``'s data directories with those of ``backup``.

    Everything is checked before anything is touched: a corrupt, tampered or foreign backup
    (another hub key, another kind of database) is refused and the store stays as it was.
    """
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".zichtbaar-restore-", dir=home) as tmp:
        unpacked = Path(tmp)
        manifest = read_backup(backup, unpacked)
        if manifest.hub_key_id != store.cipher.key_id:
            raise StoreError(
                "this backup was made under another hub key; restore it with that hub key"
            )
        _open_sealed(store, unpacked, manifest)
        _restore_database(store, manifest, unpacked / DB_MEMBER[manifest.dialect])
        _swap_dirs(unpacked, home)
    with store.engine.begin() as conn:
        append_audit(
            conn, actor, "store_restore", f"backup:{backup.name} made:{manifest.created_at}"
        )
    return manifest
