"""Load and soak: 50 organisations submitting packages for 5 minutes to ``zichtbaar serve`` on PostgreSQL.

Everything is real and on loopback: a throw-away PostgreSQL 15 server (started like the test
fixtures), the ``zichtbaar serve`` command (uvicorn) as its own process, and locust (its own
process, ``bench/locustfile.py``) with one user per organisation, each with its own API key.
Packages come from the encoder (one template, fresh record ids per package); some are sent twice.
Afterwards the store must hold exactly the rows sent (none lost, none doubled), every
resubmission must have been acknowledged as a duplicate, the error rate must be 0 and the audit
chain must verify. Duration: ``ZICHTBAAR_BENCH_LOAD_SECONDS`` (default 300); users:
``ZICHTBAAR_BENCH_LOAD_USERS`` (default 50).

Why locust rather than wrk: every request is a multipart upload of a *different* package, and
the ledger of what was sent must be exact; that is a few lines of Python in locust and a Lua
program in wrk. Locust runs in its own process so gevent's monkey-patching stays out of the hub.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # the PostgreSQL launcher and synthetic people live in tests/
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from tests.encode.people import people, write_csv  # noqa: E402
from tests.integration.postgres.server import fresh_database, postgres_server  # noqa: E402

from zichtbaar.encode.keys import new_key  # noqa: E402
from zichtbaar.encode.package import encode_file  # noqa: E402
from zichtbaar.store import (  # noqa: E402
    add_organisation,
    new_api_key,
    open_store,
    register_key_id,
    verify_audit,
)
from zichtbaar.store.models import Registration, Submission  # noqa: E402

BIN = Path(sys.executable).parent
ROWS_PER_PACKAGE = 50
RESUBMIT_EVERY = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(home: Path, db_url: str, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``zichtbaar serve`` as a child process; yields its URL and process once it accepts."""
    port = free_port()
    env = {
        **os.environ,
        "ZICHTBAAR_HOME": str(home),
        "ZICHTBAAR_DATABASE_URL": db_url,
        "ZICHTBAAR_HUB_KEY_FILE": str(home / "hub-key.json"),
        "ZICHTBAAR_SESSION_SECRET": "load-test",
    }
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [str(BIN / "zichtbaar"), "serve", "--port", str(port)],
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, proc)
            yield f"http://127.0.0.1:{port}", proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited early with code {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("the server did not start listening in time")


def hostile_bodies(work: Path, org: str, key_id: str) -> list[dict[str, Any]]:
    """The hostile share of the mix (what the hub must refuse cheaply, tests/web/test_limits*):
    an anonymous upload, a zip bomb, a Parquet file decoding to 8 GiB, an encrypted member."""
    from tests.web.factory import zip_dir
    from tests.web.hostile import bomb_package, flag_encrypted, zip_bomb

    work.mkdir(parents=True, exist_ok=True)
    bodies = {
        "zip bomb": (zip_bomb(256 * 1024**2), True, 422),
        "parquet bomb": (
            zip_dir(bomb_package(work / "bomb", org=org, reporter_type="police", key_id=key_id)),
            True,
            422,
        ),
        "encrypted member": (
            flag_encrypted(zip_dir(bomb_package(work / "enc", org=org, key_id=key_id))),
            True,
            422,
        ),
        "anonymous": (zip_dir(bomb_package(work / "anon", org=org, key_id=key_id)), False, 401),
    }
    out = []
    for name, (body, keyed, expect) in bodies.items():
        path = work / f"{name.replace(' ', '-')}.zip"
        path.write_bytes(body)
        out.append({"name": name, "file": str(path), "keyed": keyed, "expect": expect})
    return out


def prepare(
    db_url: str, home: Path, users: int, rows: int, hostile_share: float = 0.0
) -> dict[str, Any]:
    """Organisations, API keys, the key id and one encoded template package; returns the plan."""
    home.mkdir(parents=True, exist_ok=True)
    key = new_key()
    template = home.parent / "template"
    encode_file(
        write_csv(people(rows), home.parent / "people.csv"),
        key,
        "org-00",
        "police",
        "registrations",
        template,
        workers=1,
    )
    store = open_store(db_url, key_file=home / "hub-key.json")
    register_key_id(store, key.key_id, "bench")
    plan_users = []
    for i in range(users):
        org = f"org-{i:02d}"
        add_organisation(store, org, f"Organisation {i}", "police", "bench")
        _, api_key = new_api_key(store, org, "bench")
        plan_users.append({"org": org, "key": api_key, "reporter_type": "police"})
    store.close()
    hostile = hostile_bodies(home.parent / "hostile", "org-00", key.key_id) if hostile_share else []
    return {
        "users": plan_users,
        "template": str(template),
        "resubmit_every": RESUBMIT_EVERY,
        "hostile_share": hostile_share,
        "hostile": hostile,
    }


def count_store(db_url: str, home: Path) -> dict[str, Any]:
    store = open_store(db_url, key_file=home / "hub-key.json")
    with store.engine.connect() as conn:
        per_org = dict(
            conn.execute(
                select(Registration.org_id, func.count()).group_by(Registration.org_id)
            ).all()
        )
        distinct = conn.execute(
            select(func.count()).select_from(
                select(Registration.org_id, Registration.record_id).distinct().subquery()
            )
        ).scalar_one()
        submissions = conn.execute(select(func.count()).select_from(Submission)).scalar_one()
    audit = verify_audit(store)
    store.close()
    return {
        "rows_per_org": {str(k): int(v) for k, v in per_org.items()},
        "rows": int(sum(per_org.values())),
        "distinct_records": int(distinct),
        "submissions": int(submissions),
        "audit_ok": audit.ok,
        "audit_entries": audit.entries,
    }


def run_load(
    admin_url: str, work: Path, users: int, seconds: int, rows: int, hostile_share: float = 0.0
) -> dict[str, Any]:
    """Run the whole load test against a server on ``admin_url``; returns figures and checks.

    With ``hostile_share``, that share of requests is hostile (``hostile_bodies``); each must get
    its refusal, and the legitimate ones' latency is reported apart (``legit_p99_ms``).
    """
    db_url = fresh_database(admin_url, template=None)
    work.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    plan = prepare(db_url, home, users, rows, hostile_share)
    plan_file, out_file = work / "plan.json", work / "locust-out.json"
    plan_file.write_text(json.dumps(plan))
    with serve(home, db_url, work / "server.log") as (url, server):
        env = {
            **os.environ,
            "ZICHTBAAR_LOAD_PLAN": str(plan_file),
            "ZICHTBAAR_LOAD_OUT": str(out_file),
        }
        cmd = [
            str(BIN / "locust"),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "300",  # let every request in flight finish, so the ledger is exact
            "--host",
            url,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        locust = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        server_alive = server.poll() is None
    figures: dict[str, Any] = json.loads(out_file.read_text())
    stored = count_store(db_url, home)
    ledger = figures.pop("ledger")
    sent_rows = sum(v["rows"] for v in ledger.values())
    sent_packages = sum(v["packages"] for v in ledger.values())
    resubmissions = sum(v["resubmissions"] for v in ledger.values())
    acknowledged = sum(v["duplicates_acknowledged"] for v in ledger.values())
    mismatched_orgs = sorted(
        org for org, v in ledger.items() if stored["rows_per_org"].get(org, 0) != v["rows"]
    )
    return {
        **figures,
        "users": users,
        "seconds_planned": seconds,
        "rows_per_package": rows,
        "requests_per_s": figures["requests"] / figures["seconds"] if figures["seconds"] else 0.0,
        "error_rate": figures["failures"] / figures["requests"] if figures["requests"] else 1.0,
        "locust_exit_code": locust.returncode,
        "server_alive": server_alive,
        "sent": {
            "rows": sent_rows,
            "packages": sent_packages,
            "resubmissions": resubmissions,
            "duplicates_acknowledged": acknowledged,
        },
        "stored": {k: v for k, v in stored.items() if k != "rows_per_org"},
        "lost_or_doubled_rows": sent_rows - stored["rows"],
        "doubled_records": stored["rows"] - stored["distinct_records"],
        "orgs_with_mismatch": mismatched_orgs,
    }


def check(result: dict[str, Any]) -> list[str]:
    """The invariants; an empty list means the run held."""
    problems = []
    if result["failures"] or result["errors"]:
        problems.append(f"{result['failures']} failed requests: {result['errors']}")
    if result["lost_or_doubled_rows"] != 0 or result["orgs_with_mismatch"]:
        problems.append(
            f"rows sent {result['sent']['rows']} vs stored {result['stored']['rows']}"
            f" (orgs off: {result['orgs_with_mismatch']})"
        )
    if result["doubled_records"]:
        problems.append(f"{result['doubled_records']} records stored twice")
    if result["stored"]["submissions"] != result["sent"]["packages"]:
        problems.append("submission count differs from packages sent")
    if result["sent"]["duplicates_acknowledged"] != result["sent"]["resubmissions"]:
        problems.append("a resubmission was not acknowledged as a duplicate")
    if not result["stored"]["audit_ok"]:
        problems.append("the audit chain does not verify")
    if not result["server_alive"]:
        problems.append("the server died under load")
    if result["sent"]["packages"] == 0:
        problems.append("nothing was sent")
    return problems


def main() -> None:
    from harness import Measurement, write_results

    seconds = int(os.environ.get("ZICHTBAAR_BENCH_LOAD_SECONDS", "300"))
    users = int(os.environ.get("ZICHTBAAR_BENCH_LOAD_USERS", "50"))
    hostile = float(os.environ.get("ZICHTBAAR_BENCH_LOAD_HOSTILE", "0.1"))
    with tempfile.TemporaryDirectory(prefix="zichtbaar-load-") as tmp, postgres_server() as admin:
        result = run_load(admin, Path(tmp) / "mixed", users, seconds, ROWS_PER_PACKAGE, hostile)
        if hostile:  # the same run without the hostile share, for the latency comparison
            clean = run_load(admin, Path(tmp) / "clean", users, seconds, ROWS_PER_PACKAGE)
            result["all_legit_p99_ms"] = clean["legit_p99_ms"]
            result["legit_p99_ratio"] = result["legit_p99_ms"] / max(clean["legit_p99_ms"], 1)
            result["all_legit_problems"] = check(clean)
    problems = check(result)
    if hostile and result["legit_p99_ratio"] > 1.5:
        problems.append(f"legitimate p99 {result['legit_p99_ratio']:.2f}x the all-legit run")
    result["problems"] = problems
    print(f"{'users':<28}{users}")
    print(f"{'duration (s)':<28}{result['seconds']:.0f}")
    print(f"{'requests':<28}{result['requests']:,} ({result['requests_per_s']:.1f}/s)")
    print(f"{'error rate':<28}{result['error_rate']:.4f}")
    print(f"{'latency p50 / p99 (ms)':<28}{result['p50_ms']:.0f} / {result['p99_ms']:.0f}")
    if hostile:
        print(
            f"{'legit p99 mixed / clean':<28}{result['legit_p99_ms']:.0f} / "
            f"{result['all_legit_p99_ms']:.0f} ({result['legit_p99_ratio']:.2f}x)"
        )
    print(f"{'rows sent / stored':<28}{result['sent']['rows']:,} / {result['stored']['rows']:,}")
    print(
        f"{'resubmissions (acked dup)':<28}{result['sent']['resubmissions']:,} "
        f"({result['sent']['duplicates_acknowledged']:,})"
    )
    write_results(
        "load",
        [Measurement("load: requests", [result["seconds"]], result["requests"])],
        **result,
    )
    assert not problems, problems


if __name__ == "__main__":
    main()
