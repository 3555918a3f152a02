"""Stage timings of the demo pipeline on the default world, against a 10 %-scale world (ratio)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from harness import Measurement, peak_rss_mb, write_results
from zichtbaar.config import settings_from_env
from zichtbaar.pipeline import run_demo


def _run(scale: float) -> tuple[float, dict[str, float], int]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_from_env({"ZICHTBAAR_HOME": str(Path(tmp) / "home")})
        t0 = time.perf_counter()
        result = run_demo(settings, seed=1, scale=scale)
        return time.perf_counter() - t0, result.timings, result.run.registrations


def main() -> None:
    measurements: list[Measurement] = []
    stage_table: dict[str, dict[str, float]] = {}
    for scale in (0.1, 1.0):
        total, timings, registrations = _run(scale)
        measurements.append(Measurement(f"demo total, scale {scale}", [total], registrations))
        for stage, seconds in timings.items():
            measurements.append(Measurement(f"  {stage}, scale {scale}", [seconds]))
        stage_table[str(scale)] = timings
    small = next(m for m in measurements if m.name == "demo total, scale 0.1")
    full = next(m for m in measurements if m.name == "demo total, scale 1.0")
    write_results(
        "demo",
        measurements,
        stages=stage_table,
        ratio_full_to_tenth=full.median / small.median,
        target_seconds=300,
        within_target=full.median <= 300,
        peak_rss_mb=peak_rss_mb(),
    )


if __name__ == "__main__":
    main()
