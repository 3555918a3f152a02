"""Linkage speed and memory: dedupe of encoded registrations, and register linkage.

Runs the whole ``run_linkage`` (splink training, prediction, clustering, register linkage,
capture histories) on realistic encoded snapshots (``tests/link/encoded_world.py``: Faker people,
keying faults, the real encoder). Size via ``ZICHTBAAR_BENCH_LINK_PERSONS`` (default 50,000
persons, about 100,000 registrations). Each size runs in a fresh subprocess so peak memory is
the run's own. Accuracy against the known truth is reported beside the time, and so are the run's CPU seconds
and the load average (the machine is shared: wall time alone says little).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Measurement, write_results

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, os, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.run import open_run, run_linkage
tmp = Path({tmp!r})
truth = json.loads((tmp / "truth.json").read_text())
load_before = os.getloadavg()[0]
cpu0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
info = run_linkage(tmp / "snap", tmp / "runs", "r")
seconds = time.perf_counter() - t0
cpu1 = resource.getrusage(resource.RUSAGE_SELF)
cpu_seconds = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
con = open_run(tmp / "runs", "r")
found = dict(con.execute("SELECT registration_id, person_id FROM registration_person").fetchall())
acc = accuracy(found, truth).to_dict()
from zichtbaar.link.clusters import cluster_ids
ids = [r for (r,) in con.execute("SELECT registration_id FROM registrations ORDER BY 1").fetchall()]
by_threshold = {{}}
for th in (0.5, 0.8, 0.95, 0.99):
    pairs = con.execute(
        "SELECT id_l, id_r FROM dedupe_predictions WHERE match_probability >= ?", [th]
    ).fetchall()
    a = accuracy(cluster_ids(ids, pairs), truth)
    by_threshold[th] = {{"precision": a.precision, "recall": a.recall, "f1": a.f1}}
print(json.dumps({{"seconds": seconds, "stage_seconds": info.seconds, "cpu_seconds": cpu_seconds,
    "load_before": load_before, "load_after": os.getloadavg()[0], "registrations": info.registrations,
    "events": info.register_events, "linked_events": info.linked_events, "accuracy": acc, "by_threshold": by_threshold,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


SNAPSHOT = """
import json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.link.encoded_world import make_encoded_snapshot
tmp = Path({tmp!r})
snap = make_encoded_snapshot(tmp / "snap", n_persons={n}, seed=3, n_events={events})
(tmp / "truth.json").write_text(json.dumps(snap.truth))
"""


def _child(code: str, what: str) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True
    )
    if out.returncode != 0:  # say why (the child's last words), not only that it failed
        tail = "\n".join(out.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"{what} failed ({out.returncode}):\n{tail}")
    return out


def run_size(n_persons: int, n_events: int) -> dict[str, object]:
    """Build the snapshot in one child and link it in another, so the peak RSS reported is the
    linkage's own (the encoder building a 1 M snapshot needs more than the linkage does)."""
    with tempfile.TemporaryDirectory() as tmp:
        fill = {"root": str(ROOT), "tmp": tmp, "n": n_persons, "events": n_events}
        _child(SNAPSHOT.format(**fill), f"building the snapshot of {n_persons:,} persons")
        code = CHILD.format(**fill)
        out = _child(code, f"linkage of {n_persons:,} persons")
        result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
        return result


def main() -> None:
    n = int(os.environ.get("ZICHTBAAR_BENCH_LINK_PERSONS", "50000"))
    t0 = time.perf_counter()
    result = run_size(n, n_events=n // 5)
    seconds = float(result["seconds"])  # type: ignore[arg-type]
    m = Measurement(f"link {result['registrations']:,} registrations", [seconds])
    m.items = int(result["registrations"])  # type: ignore[call-overload]
    m.extra = result
    name = "link" if n == 50000 else f"link_{n}_persons"
    write_results(name, [m], total_seconds=time.perf_counter() - t0)


if __name__ == "__main__":
    main()
