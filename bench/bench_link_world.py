"""Linkage accuracy on the synthetic world (the issue's first acceptance point), per seed.

Each seed's world is generated, encoded by its organisations with the demo key and taken in by
the hub (``pipeline.demo_snapshot``, as in ``make demo``); the snapshot is linked with the
default model and measured against the world's ``truth/records.csv`` (``link.assess``):
dedupe pairwise precision and recall, blocking recall, register linkage precision and recall.
Targets: 0.99 / 0.98, 0.995, 0.99 / 0.98. Seeds via ``ZICHTBAAR_BENCH_WORLD_SEEDS`` (comma
separated; default ``1,2``: seed 1 is the demo's world). The time is the linkage run's.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from harness import Measurement, write_results

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zichtbaar.config import Settings
from zichtbaar.link.assess import evaluate_run
from zichtbaar.link.evaluate import read_truth
from zichtbaar.link.run import run_linkage
from zichtbaar.pipeline import demo_snapshot

TARGETS = {"precision": 0.99, "recall": 0.98, "blocking": 0.995}


def _measure(seed: int, home: Path) -> Measurement:
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'zichtbaar.sqlite'}")
    snap = demo_snapshot(settings, seed=seed)
    t0 = time.perf_counter()
    info = run_linkage(snap.snapshot_dir, settings.runs_dir, f"seed{seed}")
    seconds = time.perf_counter() - t0
    report = evaluate_run(
        settings.runs_dir, info.run_id, read_truth(snap.world_dir / "truth" / "records.csv")
    )
    m = Measurement(f"link world seed {seed}", [seconds], items=info.registrations)
    m.extra = {"run": info.to_dict(), "quality": report}
    return m


def _line(seed: int, q: dict[str, object]) -> str:
    blocking = q["blocking"]
    events = q.get("register_events")
    assert isinstance(blocking, dict)
    text = (
        f"seed {seed}: dedupe P {q['precision']:.4f} / R {q['recall']:.4f}"
        f" ({q['pairs_correct']:,} of {q['pairs_true']:,} true pairs, {q['pairs_found']:,} found);"
        f" blocking {blocking['recall']:.4f}"
        f" ({blocking['pairs_true'] - blocking['pairs_blocked']} unblocked)"
    )
    if isinstance(events, dict):
        text += (
            f"; register P {events['precision']:.4f} / R {events['recall']:.4f}"
            f" ({events['events_correct']:,} of {events['events_linked']:,} linked,"
            f" {events['events_eligible']:,} linkable)"
        )
    return text


def main() -> None:
    seeds = [int(s) for s in os.environ.get("ZICHTBAAR_BENCH_WORLD_SEEDS", "1,2").split(",")]
    t0 = time.perf_counter()
    measurements = []
    for seed in seeds:
        with tempfile.TemporaryDirectory() as tmp:
            measurements.append(_measure(seed, Path(tmp) / "home"))
    write_results(
        "link_world", measurements, targets=TARGETS, total_seconds=time.perf_counter() - t0
    )
    for seed, m in zip(seeds, measurements, strict=True):
        print(_line(seed, m.extra["quality"]))


if __name__ == "__main__":
    main()
