"""Run one step of the side-by-side bench in this process and print what it cost as JSON.

``python -m bench.cleartext.child STEP ROOT`` with STEP one of ``STEPS``. Each step runs in a
fresh process (started by ``bench_link_cleartext``), so its peak RSS and CPU time are its own and
the two sides do not pollute each other. CPU seconds include waited-for children (the encoder's
worker processes); peak RSS is the largest single process (this one or one worker), not a sum.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from bench.cleartext import clear, encoded

from zichtbaar.synth.reporters import ORGANISATIONS

MAPPING = "{side}_mapping.parquet"


def _cpu_seconds() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def peak_rss_mb() -> float:
    """Peak RSS of this process or of its largest waited-for child, in MiB.

    This process's own peak is read from ``VmHWM``, not ``getrusage``: Linux carries the forking
    parent's peak over into ``ru_maxrss`` across fork and exec, so a step started by a parent
    holding the world would report the parent's memory.
    """
    own = 0
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1])  # KiB
    else:  # not Linux: the best there is
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024  # Linux reports KiB


def _timed(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    cpu0, t0 = _cpu_seconds(), time.perf_counter()
    out = fn()
    out["seconds"] = time.perf_counter() - t0
    out["cpu_seconds"] = _cpu_seconds() - cpu0
    out["load_before"] = load_before
    out["load_after"] = os.getloadavg()[0]
    return out


def _write_mapping(root: Path, side: str, mapping: dict[str, str]) -> None:
    frame = pd.DataFrame({"registration_id": list(mapping), "person_id": list(mapping.values())})
    frame.to_parquet(root / MAPPING.format(side=side), index=False)


def read_mapping(root: Path, side: str) -> dict[str, str]:
    frame = pd.read_parquet(root / MAPPING.format(side=side))
    return dict(zip(frame["registration_id"], frame["person_id"], strict=True))


def clear_prepare(root: Path) -> dict[str, Any]:
    rows = clear.normalise_sources(root / "sources", root / clear.CLEAR_FILE)
    return {"rows": rows}


def clear_link(root: Path) -> dict[str, Any]:
    result = clear.link_clear(root / clear.CLEAR_FILE, root)
    _write_mapping(root, "clear", result.pop("mapping"))
    return result


def encode(root: Path) -> dict[str, Any]:
    types = {o.org: o.reporter_type for o in ORGANISATIONS}
    result = encoded.encode_sources(root / "sources", root, types)
    t0 = time.perf_counter()
    encoded.make_snapshot(root, types)
    result["snapshot_seconds"] = time.perf_counter() - t0
    return result


def encoded_link(root: Path) -> dict[str, Any]:
    result = encoded.link_encoded(root)
    _write_mapping(root, "encoded", result.pop("mapping"))
    return result


STEPS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "clear-prepare": clear_prepare,
    "clear-link": clear_link,
    "encode": encode,
    "encoded-link": encoded_link,
}


def run(step: str, root: Path) -> dict[str, Any]:
    """Run ``step`` on the records under ``root``: its own report plus time, CPU and memory."""
    out = _timed(lambda: STEPS[step](root))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def main(argv: list[str]) -> None:
    print(json.dumps(run(argv[0], Path(argv[1]))))


if __name__ == "__main__":
    main(sys.argv[1:])
