"""Run every benchmark in ``bench/`` (files named ``bench_*.py``, each with a ``main()``).

``python bench/run.py [NAME ...]`` runs only the named ones (e.g. ``synth``).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in argv]
    failed = []
    for script in scripts:
        print(f"\n== {script.stem} ==", flush=True)
        spec = importlib.util.spec_from_file_location(script.stem, script)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        t0 = time.perf_counter()
        try:
            spec.loader.exec_module(module)
            module.main()
        except Exception as exc:  # a failing benchmark must not hide the others
            failed.append(script.stem)
            print(f"{script.stem} FAILED: {type(exc).__name__}: {exc}")
        print(f"({script.stem}: {time.perf_counter() - t0:.1f} s)")
    if failed:
        print("failed benchmarks:", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
