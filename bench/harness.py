"""A small benchmark harness: medians of repeated runs, machine info, JSON results.

Every benchmark compares against a baseline measured *in the same run* (a ratio), because the
machines are noisy; absolute seconds are reported beside it for context.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


@dataclass
class Measurement:
    name: str
    seconds: list[float]
    items: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def per_second(self) -> float | None:
        return None if self.items is None else self.items / self.median

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["median_s"] = self.median
        d["per_second"] = self.per_second
        return d


def measure(
    name: str, fn: Callable[[], Any], repeats: int = 3, items: int | None = None, warmup: int = 0
) -> Measurement:
    """Run ``fn`` ``repeats`` times (after ``warmup`` runs) and keep every wall-clock time."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return Measurement(name, times, items)


def peak_rss_mb() -> float:
    """Peak resident memory of this process (and waited-for children) in MiB."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def machine_info() -> dict[str, Any]:
    versions = {}
    for pkg in ("zichtbaar", "duckdb", "splink", "pyarrow", "statsmodels", "numpy", "faker"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": versions,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_results(bench: str, measurements: list[Measurement], **extra: Any) -> Path:
    """Write ``bench/results/<bench>.json`` and print a table of the measurements."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{bench}.json"
    payload = {
        "bench": bench,
        "machine": machine_info(),
        "measurements": [m.as_dict() for m in measurements],
        **extra,
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print_table(bench, measurements)
    return path


def print_table(bench: str, measurements: list[Measurement]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=bench)
    for col in ("measurement", "median s", "min s", "max s", "items", "items/s"):
        table.add_column(col, justify="right" if col != "measurement" else "left")
    for m in measurements:
        ps = m.per_second
        table.add_row(
            m.name,
            f"{m.median:.3f}",
            f"{min(m.seconds):.3f}",
            f"{max(m.seconds):.3f}",
            "" if m.items is None else f"{m.items:,}",
            "" if ps is None else f"{ps:,.0f}",
        )
    Console().print(table)
