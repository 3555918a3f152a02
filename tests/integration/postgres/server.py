"""Start a throw-away PostgreSQL 15 server for the tests (one per xdist worker).

PostgreSQL refuses to run as root, so when we are root the data directory is handed to the
``postgres`` user and the binaries run through ``runuser``. The server listens on a free port and
keeps its socket inside its own temp dir, so parallel workers never collide.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

PG_BIN = Path(os.environ.get("ZICHTBAAR_PG_BIN", "/usr/lib/postgresql/15/bin"))


class PostgresUnavailableError(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yield an admin URL (``postgresql://postgres@127.0.0.1:PORT/postgres``) of a fresh server."""
    if not (PG_BIN / "initdb").exists():
        raise PostgresUnavailableError(
            f"PostgreSQL binaries not found in {PG_BIN} (install postgresql-15)"
        )
    tmp = Path(tempfile.mkdtemp(prefix="zichtbaar-pg-"))
    data, sock = tmp / "data", tmp / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    opts,
                    "-w",
                    "-l",
                    str(tmp / "log"),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


TEMPLATE = "zichtbaar_template"


def prepare_template(admin_url: str) -> None:
    """A database migrated to head once per server; tests copy it (much faster than migrating)."""
    import psycopg

    from zichtbaar.store.engine import make_engine, upgrade

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
    engine = make_engine(admin_url.rsplit("/", 1)[0] + "/" + TEMPLATE)
    upgrade(engine)
    engine.dispose()


def fresh_database(admin_url: str, template: str | None = TEMPLATE) -> str:
    """Create a database on the server (a copy of the migrated template) and return its URL."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    clause = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{clause}')
    return admin_url.rsplit("/", 1)[0] + "/" + name
