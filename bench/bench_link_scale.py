"""Linkage at national scale: dedupe time and peak memory per size, with the load average beside.

The time is the run's dedupe stage (``RunInfo.seconds["dedupe"]``: loading, preparing,
training, predicting and clustering the registrations); the whole run, register linkage
included, is in the measurement's extra as ``seconds``.

Each size runs ``run_linkage`` in a fresh subprocess (``bench_link.run_size``; the snapshot is
built in another) so its peak RSS is its own; other engineers share the machine, so the 1-minute
load average before and after is reported with every time. Sizes in persons via ``ZICHTBAAR_BENCH_LINK_SCALE_PERSONS`` (comma
separated; default ``50000,500000``: about 100k and 1M registrations).
"""

from __future__ import annotations

import os
import time

from bench_link import run_size
from harness import Measurement, write_results


def main() -> None:
    sizes = [
        int(s)
        for s in os.environ.get("ZICHTBAAR_BENCH_LINK_SCALE_PERSONS", "50000,500000").split(",")
    ]
    t0 = time.perf_counter()
    measurements = []
    for n in sizes:
        load_before = os.getloadavg()[0]
        result = run_size(n, n_events=n // 5)
        result["load_before"] = load_before
        result["load_after"] = os.getloadavg()[0]
        stages: dict[str, float] = result["stage_seconds"]  # type: ignore[assignment]
        m = Measurement(  # the dedupe stage; the whole run (with register linkage) in extra
            f"dedupe {result['registrations']:,} registrations",
            [float(stages["dedupe"])],
        )
        m.items = int(result["registrations"])  # type: ignore[call-overload]
        m.extra = result
        measurements.append(m)
    write_results("link_scale", measurements, total_seconds=time.perf_counter() - t0)


if __name__ == "__main__":
    main()
