"""Locust users for the load test: each user is one organisation submitting packages.

Run by ``bench_load.py`` (and the small-scale test in ``tests/load``) as a separate ``locust``
process, so gevent's monkey-patching never touches the test process or the server. The plan file
(``ZICHTBAAR_LOAD_PLAN``) names the organisations, their API keys and an encoded template
package; every new package is the template with fresh record ids (so every row is new), and
every ``resubmit_every``-th request sends the previous package again, which the hub must
acknowledge as a duplicate without storing anything. At the end the ledger of what was sent and
locust's own latency figures go to ``ZICHTBAAR_LOAD_OUT``.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import random
import threading
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from locust import HttpUser, constant, events, task
from locust.stats import StatsEntry

from zichtbaar.standard.package import compute_package_id

PLAN: dict[str, Any] = json.loads(Path(os.environ["ZICHTBAAR_LOAD_PLAN"]).read_text())
TEMPLATE = Path(PLAN["template"])
TABLE = pq.read_table(TEMPLATE / "data.parquet")
ENCODING = (TEMPLATE / "encoding.json").read_bytes()
MANIFEST: dict[str, Any] = json.loads((TEMPLATE / "manifest.json").read_text())
HOSTILE = {h["name"]: Path(h["file"]).read_bytes() for h in PLAN.get("hostile", [])}
_SLOTS = itertools.count()
_LOCK = threading.Lock()
LEDGER: dict[str, dict[str, int]] = {}


def build_package(org: str, reporter_type: str, slot: int, serial: int) -> bytes:
    """The template with record ids unique to (user, serial), zipped as ``zichtbaar submit`` does."""
    ids = pa.array([f"L{slot:03d}-{serial:06d}-{i:05d}" for i in range(TABLE.num_rows)])
    table = TABLE.set_column(TABLE.schema.get_field_index("record_id"), "record_id", ids)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    data = buf.getvalue()
    manifest = {
        **MANIFEST,
        "organisation": org,
        "reporter_type": reporter_type,
        "sha256": hashlib.sha256(data).hexdigest(),
        "row_count": table.num_rows,
    }
    manifest.pop("package_id", None)
    manifest["package_id"] = compute_package_id(manifest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pkg/manifest.json", json.dumps(manifest))
        zf.writestr("pkg/encoding.json", ENCODING)
        zf.writestr("pkg/data.parquet", data)
    return out.getvalue()


class Submitter(HttpUser):
    """One organisation with its own API key."""

    wait_time = constant(0)

    def on_start(self) -> None:
        with _LOCK:
            slot = next(_SLOTS)
        me = PLAN["users"][slot % len(PLAN["users"])]
        self.slot = slot
        self.org: str = me["org"]
        self.key: str = me["key"]
        self.reporter_type: str = me["reporter_type"]
        self.serial = 0
        self.last: bytes | None = None
        self.sent = LEDGER.setdefault(
            self.org, {"packages": 0, "rows": 0, "resubmissions": 0, "duplicates_acknowledged": 0}
        )

    def _post(self, body: bytes, name: str) -> dict[str, Any] | None:
        with self.client.post(
            "/api/v1/submissions",
            headers={"X-API-Key": self.key},
            files={"package": ("pkg.zip", body, "application/zip")},
            name=name,
            catch_response=True,
        ) as res:
            if res.status_code != 201:
                res.failure(f"HTTP {res.status_code}")
                return None
            report: dict[str, Any] = res.json()
            return report

    def _hostile(self) -> None:
        """One request of the hostile share: it counts as a success only with its refusal."""
        attack = random.choice(PLAN["hostile"])
        headers = {"X-API-Key": PLAN["users"][0]["key"]} if attack["keyed"] else {}
        with self.client.post(
            "/api/v1/submissions",
            headers=headers,
            files={"package": ("pkg.zip", HOSTILE[attack["name"]], "application/zip")},
            name=f"hostile: {attack['name']}",
            catch_response=True,
        ) as res:
            if res.status_code == attack["expect"]:
                res.success()
            else:
                res.failure(f"HTTP {res.status_code}, expected {attack['expect']}")

    @task
    def submit(self) -> None:
        if PLAN.get("hostile") and random.random() < PLAN["hostile_share"]:
            self._hostile()
            return
        resubmit = self.last is not None and self.serial % PLAN["resubmit_every"] == 0
        if resubmit:
            assert self.last is not None
            report = self._post(self.last, "resubmission")
            self.serial += 1
            with _LOCK:
                self.sent["resubmissions"] += 1
                if report and report["duplicate"] and report["accepted"] == TABLE.num_rows:
                    self.sent["duplicates_acknowledged"] += 1
            return
        body = build_package(self.org, self.reporter_type, self.slot, self.serial)
        self.serial += 1
        report = self._post(body, "new package")
        if report is not None:
            self.last = body
            with _LOCK:
                self.sent["packages"] += 1
                self.sent["rows"] += TABLE.num_rows


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _write_out(environment: Any, **_kw: Any) -> None:
    total = environment.stats.total
    per_name = {
        e.name: {
            "requests": e.num_requests,
            "failures": e.num_failures,
            "p50_ms": e.get_response_time_percentile(0.5),
            "p99_ms": e.get_response_time_percentile(0.99),
        }
        for e in environment.stats.entries.values()
    }
    legit = StatsEntry(environment.stats, "legitimate", "POST")
    for e in environment.stats.entries.values():
        if not e.name.startswith("hostile"):
            legit.extend(e)
    out = {
        "legit_p50_ms": legit.get_response_time_percentile(0.5),
        "legit_p99_ms": legit.get_response_time_percentile(0.99),
        "requests": total.num_requests,
        "failures": total.num_failures,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p99_ms": total.get_response_time_percentile(0.99),
        "max_ms": total.max_response_time,
        "seconds": (total.last_request_timestamp or 0) - (total.start_time or 0),
        "per_name": per_name,
        "errors": [
            {"name": e.name, "error": str(e.error), "count": e.occurrences}
            for e in environment.stats.errors.values()
        ],
        "ledger": LEDGER,
    }
    Path(os.environ["ZICHTBAAR_LOAD_OUT"]).write_text(json.dumps(out, indent=2))
