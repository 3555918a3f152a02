"""Intake over HTTP on loopback: one submitter vs several concurrent submitters (rows/s).

The hub runs as a real uvicorn server on 127.0.0.1 over SQLite; each organisation submits its own
package with its own API key through ``zichtbaar.encode.submit``. Afterwards the store must hold
exactly the rows sent: nothing lost, nothing counted twice.
"""

from __future__ import annotations

import json
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import uvicorn
from sqlalchemy import func, select

from bench_intake import make_package
from harness import Measurement, write_results
from zichtbaar.encode.submit import submit_package
from zichtbaar.standard.package import compute_package_id
from zichtbaar.store import add_organisation, new_api_key, open_store, register_key_id
from zichtbaar.store.models import Registration
from zichtbaar.web.app import create_app

ROWS = 20_000
SUBMITTERS = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _package_for(org: str, out: Path, seed: int) -> Path:
    pkg = make_package(out, ROWS, seed=seed)
    manifest = json.loads((pkg / "manifest.json").read_text())
    manifest["organisation"] = org
    manifest.pop("package_id")
    manifest["package_id"] = compute_package_id(manifest)
    (pkg / "manifest.json").write_text(json.dumps(manifest))
    return pkg


def _round(work: Path, parallel: int) -> tuple[float, int, int]:
    """Submit ``SUBMITTERS`` packages, ``parallel`` at a time; (seconds, rows sent, rows stored)."""
    home = Path(tempfile.mkdtemp(dir=work))
    store = open_store(f"sqlite:///{home / 's.sqlite'}", key_file=home / "k.json")
    register_key_id(store, "k-bench", "bench")
    jobs = []
    for i in range(SUBMITTERS):
        org = f"police-{i}"
        add_organisation(store, org, f"Politie {i}", "police", "bench")
        _, key = new_api_key(store, org, "bench")
        jobs.append((_package_for(org, home / f"pkg{i}", seed=i), key))
    port = _free_port()
    app = create_app(store, home / "releases", home / "reports", secret_key="bench")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        reports = list(pool.map(lambda job: submit_package(job[0], url, job[1]), jobs))
    seconds = time.perf_counter() - t0
    server.should_exit = True
    thread.join(timeout=10)
    with store.engine.connect() as conn:
        stored = int(conn.execute(select(func.count()).select_from(Registration)).scalar_one())
    store.close()
    assert all(r["quarantined"] == 0 for r in reports)
    return seconds, SUBMITTERS * ROWS, stored


def main() -> None:
    ms: list[Measurement] = []
    checks = {}
    with tempfile.TemporaryDirectory() as tmp:
        for parallel in (1, SUBMITTERS):
            seconds, sent, stored = _round(Path(tmp), parallel)
            ms.append(
                Measurement(
                    f"{SUBMITTERS} packages over HTTP, {parallel} at a time", [seconds], sent
                )
            )
            checks[f"parallel_{parallel}"] = {
                "sent": sent,
                "stored": stored,
                "lost_or_doubled": sent - stored,
            }
            assert stored == sent, f"{sent - stored} rows lost or doubled"
    write_results(
        "intake_http",
        ms,
        rows_per_package=ROWS,
        submitters=SUBMITTERS,
        checks=checks,
        ratio_concurrent_to_serial=ms[1].median / ms[0].median,
    )


if __name__ == "__main__":
    main()
