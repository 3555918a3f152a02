"""One step of ``bench_link_independent`` in this process; its cost printed as JSON.

``python -m bench.independent.child STEP ROOT`` with STEP in ``STEPS``. ``ROOT`` holds
``sources/<org>.parquet`` (the organisation files), ``job.json`` (the field set, the reporter
types) and, after the steps, the packages, the snapshot, the run and the clear-text results.
Each step runs in a fresh process so its wall and CPU time and peak RSS are its own
(``bench/cleartext/child.py`` measures them the same way).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.attacks.data import fixed_key
from bench.cleartext import encoded
from bench.cleartext.child import _timed, peak_rss_mb
from bench.independent import clear
from bench.independent.datasets import TODAY

from zichtbaar.encode.package import encode_file

JOB = "job.json"
KEY = 1000
"""One fixed key (the attack bench's first), as ``bench_link_febrl``: F1 moves with the key."""


def _job(root: Path) -> dict[str, Any]:
    job: dict[str, Any] = json.loads((root / JOB).read_text())
    return job


def encode(root: Path) -> dict[str, Any]:
    """Encode each organisation's file as it would (``encode_file``, default schema), then the
    snapshot as ``export_snapshot`` writes it."""
    types: dict[str, str] = _job(root)["reporter_types"]
    key = fixed_key(KEY)
    rows = rejected = warnings = 0
    for path in sorted((root / "sources").glob("*.parquet")):
        result = encode_file(
            path,
            key,
            path.stem,
            types[path.stem],
            "registrations",
            root / encoded.PACKAGES / path.stem,
            today=dt.date.fromisoformat(TODAY),
            workers=1,
        )
        rows += result.rows_encoded
        rejected += result.rows_rejected
        warnings += result.warnings
    encoded.make_snapshot(root, types)
    return {"rows": rows, "rejected": rejected, "warnings": warnings}


def encoded_link(root: Path) -> dict[str, Any]:
    """``zichtbaar link``'s ``run_linkage`` with the default ``LinkModel``."""
    from zichtbaar.link.run import run_linkage

    info = run_linkage(root / encoded.SNAPSHOT, root / encoded.RUNS, encoded.RUN_ID)
    return {"persons": info.persons, "pairs": info.dedupe_pairs, "dedupe_s": info.seconds}


def clear_prepare(root: Path) -> dict[str, Any]:
    return {"rows": clear.normalise_sources(root / "sources", root / clear.CLEAR_FILE)}


def clear_link(root: Path) -> dict[str, Any]:
    return clear.link_clear(root, tuple(_job(root)["fields"]))


STEPS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "encode": encode,
    "encoded-link": encoded_link,
    "clear-prepare": clear_prepare,
    "clear-link": clear_link,
}


def run(step: str, root: Path) -> dict[str, Any]:
    out = _timed(lambda: STEPS[step](root))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], Path(sys.argv[2]))))
