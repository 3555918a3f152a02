"""Time to generate the default synthetic world against a 0.1-scale world (ratio).

The 0.1-scale world is the in-run baseline: the ratio says how well generation scales with the
number of victims (10x the people should cost well under 10x the time, since Faker pools and
other fixed costs are shared).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from harness import measure, peak_rss_mb, write_results
from zichtbaar.synth import WorldConfig, build_world, write_world
from zichtbaar.synth.names import name_pool


def _generate(config: WorldConfig) -> None:
    name_pool.cache_clear()  # measure the cold cost a CLI run pays
    with tempfile.TemporaryDirectory() as out:
        write_world(build_world(config), Path(out))


def main() -> None:
    small = WorldConfig(seed=1, scale=0.1)
    default = WorldConfig(seed=1)
    world = build_world(default)
    rows = world.summary["reporter_rows"] + world.summary["register_rows"]
    m_small = measure("world scale 0.1 (build+write)", lambda: _generate(small), repeats=3)
    m_default = measure("world scale 1.0 (build+write)", lambda: _generate(default), repeats=3)
    m_default.items = rows
    write_results(
        "synth",
        [m_small, m_default],
        ratio_default_to_small=m_default.median / m_small.median,
        default_summary=world.summary,
        peak_rss_mb=peak_rss_mb(),
    )


if __name__ == "__main__":
    main()
