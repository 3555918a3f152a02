"""zichtbaar.synth: the synthetic world, the test bed, demo and benchmark workload.

A true population of victims, the organisations that detect and report them (with identifier
faults), external registers full of non-victims, a suspects file, and the truth beside it all.

    from zichtbaar.synth import WorldConfig, build_world, write_world
    world = build_world(WorldConfig.small(seed=3))
    write_world(world, tmp_path)
"""

from zichtbaar.synth.config import FaultRates, WorldConfig
from zichtbaar.synth.world import (
    REGISTER_COLUMNS,
    STEPS,
    VICTIM_COLUMNS,
    World,
    build_world,
    write_world,
)

__all__ = [
    "REGISTER_COLUMNS",
    "STEPS",
    "VICTIM_COLUMNS",
    "FaultRates",
    "World",
    "WorldConfig",
    "build_world",
    "write_world",
]
