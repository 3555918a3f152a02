"""One world per test session (per xdist worker): scale 0.2 is big enough to test rates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from zichtbaar.synth import World, WorldConfig, build_world, write_world

SCALE = 0.2


@pytest.fixture(scope="session")
def world() -> World:
    return build_world(WorldConfig(seed=7, scale=SCALE))


@pytest.fixture(scope="session")
def world_dir(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    write_world(world, out)
    return out


def _with_truth(rows: pd.DataFrame, world: World) -> pd.DataFrame:
    truth = world.records.set_index("record_id")
    rows["person_id"] = truth.loc[rows["record_id"], "person_id"].to_numpy()
    rows["faults"] = truth.loc[rows["record_id"], "faults"].fillna("").to_numpy()
    people = pd.concat([world.persons, world.non_victims]).set_index("person_id")
    cols = ("year", "form", "age", "nationality", "script", "bsn", "date_of_birth", "given_names")
    for col in (*cols, "surname"):
        if col in people:
            rows[f"true_{col}"] = people.loc[rows["person_id"], col].to_numpy()
    return rows


@pytest.fixture(scope="session")
def reporter_rows(world: World) -> pd.DataFrame:
    """All reporter rows with their org, truth and the person's true attributes."""
    frames = [f.assign(org=org) for org, f in world.reporters.items()]
    return _with_truth(pd.concat(frames, ignore_index=True), world)


@pytest.fixture(scope="session")
def all_rows(world: World, reporter_rows: pd.DataFrame) -> pd.DataFrame:
    """Reporter and register rows together (the larger sample for measuring fault rates)."""
    frames = [f.assign(org=code) for code, f in world.registers.items()]
    registers = _with_truth(pd.concat(frames, ignore_index=True), world)
    return pd.concat([reporter_rows, registers], ignore_index=True)
