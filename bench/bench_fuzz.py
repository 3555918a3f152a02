"""Fuzz every entry point at scale and count: cases tried and distinct failures per target.

The targets (package reader, ``zichtbaar encode`` CSV/XLSX, ``zichtbaar estimate --input``, the
programme YAML/CSV import, the upload form, every page route × role, every OpenAPI operation via
schemathesis) live in ``tests/fuzz/targets.py`` so the test suite runs the same code at the ``ci``
scale. Target: 0 failures. ``ZICHTBAAR_FUZZ_EXAMPLES`` sets the examples per target (5000).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness import Measurement, write_results

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.fuzz.targets import TARGETS, fuzz_count

    examples = int(os.environ.get("ZICHTBAAR_FUZZ_EXAMPLES", "5000"))
    measurements, rows = [], []
    for target in TARGETS:
        result = fuzz_count(target, max(50, int(examples * target.weight)), seed=20260801)
        rows.append(result.as_dict())
        measurements.append(Measurement(f"fuzz {target.name}", [result.seconds], result.cases))
        print(f"{target.name}: {result.cases} cases, failures {result.failures or 'none'}")
        for where, tb in result.first_traceback.items():
            print(f"--- {where}\n{tb}")
    write_results(
        "fuzz",
        measurements,
        targets=rows,
        total_cases=sum(r["cases"] for r in rows),
        total_failures=sum(sum(r["failures"].values()) for r in rows),
        examples_per_target=examples,
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
