"""Small-scale load test: 10 organisations submit for 15 s to ``zichtbaar serve`` on PostgreSQL.

The same code as ``bench/bench_load.py`` (which runs 50 users for 5 minutes): real server
process, real locust process, and afterwards the store holds exactly the rows sent, every
resubmission was acknowledged as a duplicate, no request failed and the audit chain verifies.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench_load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", BENCH / "bench_load.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # a real server and locust for 15 s; still part of `make test`
def test_ten_submitters_lose_and_double_nothing(postgres_admin_url: str, tmp_path: Path) -> None:
    load = _bench_load()
    result = load.run_load(postgres_admin_url, tmp_path, users=10, seconds=15, rows=20)
    assert load.check(result) == []
    assert result["failures"] == 0 and result["error_rate"] == 0.0
    assert result["sent"]["rows"] == result["stored"]["rows"] > 0
    assert result["sent"]["resubmissions"] > 0  # idempotence was exercised
    assert result["p50_ms"] > 0 and result["p99_ms"] >= result["p50_ms"]


@pytest.mark.slow
def test_a_tenth_hostile_loses_nothing_and_every_attack_is_refused(
    postgres_admin_url: str, tmp_path: Path
) -> None:
    """10 % of requests hostile (anonymous, zip bomb, 8 GiB Parquet, encrypted member): each gets
    its refusal (a wrong answer is a failure), and no legitimate row is lost or doubled."""
    load = _bench_load()
    result = load.run_load(
        postgres_admin_url, tmp_path, users=10, seconds=15, rows=20, hostile_share=0.1
    )
    assert load.check(result) == [], result
    hostile = {k: v for k, v in result["per_name"].items() if k.startswith("hostile")}
    assert sum(v["requests"] for v in hostile.values()) > 0
    assert all(v["failures"] == 0 for v in hostile.values())
    assert result["sent"]["rows"] == result["stored"]["rows"] > 0
    print(f"legit p50/p99 {result['legit_p50_ms']}/{result['legit_p99_ms']} ms; {hostile}")


def test_check_flags_every_broken_invariant() -> None:
    load = _bench_load()
    good: dict[str, Any] = {
        "failures": 0,
        "errors": [],
        "lost_or_doubled_rows": 0,
        "orgs_with_mismatch": [],
        "doubled_records": 0,
        "stored": {"submissions": 3, "audit_ok": True, "rows": 60},
        "sent": {"packages": 3, "rows": 60, "resubmissions": 1, "duplicates_acknowledged": 1},
        "server_alive": True,
    }
    assert load.check(good) == []
    broken: list[dict[str, Any]] = [
        {"failures": 1},
        {"lost_or_doubled_rows": 20},
        {"doubled_records": 2},
        {"stored": {**good["stored"], "submissions": 4}},
        {"sent": {**good["sent"], "duplicates_acknowledged": 0}},
        {"stored": {**good["stored"], "audit_ok": False}},
        {"server_alive": False},
    ]
    for change in broken:
        assert load.check({**good, **change}), change
