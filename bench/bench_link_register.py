"""Linking persons to a large register: ``ZICHTBAAR_BENCH_REGISTER_PERSONS`` persons (default
100,000) against ``ZICHTBAAR_BENCH_REGISTER_ROWS`` register events (default 5,000,000).

Register rows are made cheaply, in DuckDB, by replicating the snapshot's encoded registrations
with noise on the tokens (BSN dropped for 60 %, place for 30 %, the date tokens for 2 %): no
encoder work and no Python objects per row, so the benchmark measures the linkage, not its input.
Runs in a fresh subprocess so the peak RSS is the run's own; the load average is reported beside.
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
import duckdb
sys.path.insert(0, {root!r})
from tests.link.encoded_world import make_encoded_snapshot
from zichtbaar.link.run import run_linkage
tmp = Path({tmp!r})
snap = make_encoded_snapshot(tmp / "snap", n_persons={n}, seed=3, n_events=0)
regs = str(snap.path / "registrations.parquet")
n_regs = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [regs]).fetchall()[0][0]
copies = -(-{rows} // n_regs)
duckdb.execute(f'''
COPY (
  SELECT 'E' || lpad(i::VARCHAR, 9, '0') AS event_id, 'register-bench' AS org,
         'rec-' || i AS record_id, DATE '2020-01-01' AS event_date, 'shelter_intake' AS event_type,
         gender, nationality_group, legal_basis,
         CASE WHEN random() < 0.6 THEN NULL ELSE tok_bsn END AS tok_bsn,
         CASE WHEN random() < 0.02 THEN NULL ELSE tok_name_dob END AS tok_name_dob,
         tok_dob, tok_dob_swapped, tok_name_ym, tok_name_yd, tok_name_md,
         CASE WHEN random() < 0.3 THEN NULL ELSE tok_name_pob END AS tok_name_pob,
         CASE WHEN random() < 0.3 THEN NULL ELSE tok_pob_dob END AS tok_pob_dob,
         bloom
  FROM (SELECT *, row_number() OVER () AS i
        FROM read_parquet('{{regs}}'), range({{copies}}) c(k))
  WHERE i <= {rows}
) TO '{{snap.path / "register_events.parquet"}}' (FORMAT parquet)
''')
load = os.getloadavg()[0]
t0 = time.perf_counter()
info = run_linkage(snap.path, tmp / "runs", "r")
seconds = time.perf_counter() - t0
cpu = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"seconds": seconds, "registrations": info.registrations,
    "events": info.register_events, "linked_events": info.linked_events,
    "cpu_seconds": cpu.ru_utime + cpu.ru_stime, "load_before": load,
    "load_after": os.getloadavg()[0], "peak_rss_mb": cpu.ru_maxrss / 1024}}))
"""


def main() -> None:
    n = int(os.environ.get("ZICHTBAAR_BENCH_REGISTER_PERSONS", "100000"))
    rows = int(os.environ.get("ZICHTBAAR_BENCH_REGISTER_ROWS", "5000000"))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        code = CHILD.format(root=str(ROOT), tmp=tmp, n=n, rows=rows)
        out = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True
        )
        if out.returncode != 0:  # say why: the child's own error, not only its exit status
            sys.exit(f"the register link failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    m = Measurement(
        f"link {result['registrations']:,} registrations to {result['events']:,} register rows",
        [float(result["seconds"])],
    )
    m.items = int(result["events"])
    m.extra = result
    write_results("link_register", [m], total_seconds=time.perf_counter() - t0)


if __name__ == "__main__":
    main()
