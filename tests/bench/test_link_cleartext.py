"""The clear-text vs encoded linkage bench, small (the full run is bench/bench_link_cleartext.py).

1,000 registrations (2,000 took 25-50 s on the shared two-core machine), steps in this process
(a fresh interpreter per step would cost more than the steps); one step also runs the way the
bench runs it, in its own process, to prove that path reports its own time, CPU and memory.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from zichtbaar.link.model import LinkModel

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench() -> ModuleType:
    sys.path.insert(0, str(BENCH))  # the bench scripts import ``harness`` as run.py does
    spec = importlib.util.spec_from_file_location(
        "bench_link_cleartext", BENCH / "bench_link_cleartext.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_run_links_both_sides_sensibly_and_writes_every_field(tmp_path: Path) -> None:
    # one test, not a module fixture shared by several: under xdist each worker would run it
    bench = _bench()
    out = tmp_path / "link_cleartext.json"
    bench.main(["--registrations", "1000", "--in-process", "--out", str(out)])
    payload: dict[str, Any] = json.loads(out.read_text())
    assert payload["registrations"] == 1000
    assert payload["isolated"] is False
    clear, encoded = payload["sides"]["clear"], payload["sides"]["encoded"]
    # the encoder rejects no row of these records, and the clear side drops the same ones
    assert clear["link"]["registrations"] == encoded["link"]["registrations"] == 1000
    assert clear["prepare"]["rows"] == encoded["prepare"]["encoded"] == 1000
    assert encoded["prepare"]["schema_version"]
    for side in (clear, encoded):
        acc = side["accuracy"]
        assert acc["f1"] > 0.9
        assert acc["precision"] > 0.95
        # persons found lie near the truth: neither everything merged nor nothing linked
        assert 0.9 < side["link"]["persons"] / payload["true_persons"] < 1.1
        for section in ("prepare", "link"):
            step = side[section]
            for key in ("seconds", "cpu_seconds", "peak_rss_mb", "load_before", "load_after"):
                assert step[key] >= 0, (section, key)
            assert step["seconds"] > 0
    assert clear["accuracy"]["f1"] > 0.95
    assert payload["machine"]["versions"]["splink"]
    assert len(payload["source"]["encode_link_sha256"]) == 64
    assert payload["source"]["link_model"]["threshold"] == LinkModel().threshold
    assert {m["name"] for m in payload["measurements"]} == {
        "clear prepare",
        "clear link",
        "encoded prepare",
        "encoded link",
    }
    ratios = payload["ratios_encoded_over_clear"]
    assert {"link wall s", "link CPU s", "link peak RSS MB", "pairwise F1"} <= set(ratios)
    labels = [row[0] for row in bench.table_rows(payload)]
    assert "pairwise precision" in labels
    assert "true persons" in labels


def test_a_step_in_its_own_process_reports_its_own_cost(tmp_path: Path) -> None:
    bench = _bench()
    from bench.cleartext.world import write_records

    records = write_records(tmp_path, 300, seed=2)
    report = bench.run_step("clear-prepare", tmp_path)
    assert report["rows"] == records.registrations == 300
    assert report["peak_rss_mb"] > 10
    assert report["cpu_seconds"] > 0
    assert (tmp_path / "clear.parquet").is_file()
