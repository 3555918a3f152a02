"""The two detection scenarios: the default world against the real Dutch overlap structure (Ned),
the hard one as the world where estimation must refuse (issue 22, point 3)."""

from __future__ import annotations

import numpy as np
import pytest
from bench.ned_structure import (
    Tolerance,
    compare,
    minors_mask,
    ned_structure,
    structure,
    world_histories,
)

from tests.synth.conftest import SCALE
from zichtbaar.errors import SynthError
from zichtbaar.estimate.support import MIN_RECAPTURES
from zichtbaar.synth import World, WorldConfig, build_world

NED_YEARS = range(2014, 2020)  # six years pooled, as Ned pools 2010-2015
SMALL = Tolerance(ratio_factor=2.0)  # a 0.2-scale world's overlaps are noisy
SMALL_MIN_OVERLAP = 50  # ratios held only where Ned's overlap is this large


@pytest.fixture(scope="module")
def hard() -> World:
    return build_world(WorldConfig(seed=7, scale=SCALE, scenario="hard"))


def _structure(world: World, minors: bool = False) -> dict:
    mask = minors_mask(world) if minors else None
    return structure(world_histories(world, NED_YEARS, mask), per_year=6 * SCALE)


def test_default_world_has_the_real_overlap_structure(world: World) -> None:
    assert world.config.scenario == "default"
    assert compare(_structure(world), ned_structure(), SMALL, SMALL_MIN_OVERLAP) == []


def test_hard_world_is_harsher_than_reality(hard: World) -> None:
    problems = compare(_structure(hard), ned_structure(), SMALL, SMALL_MIN_OVERLAP)
    assert any("one-list share" in p for p in problems)
    assert any(p.startswith("pair OZ") for p in problems)


def _minor_recaptures_per_year(world: World) -> float:
    h = world_histories(world, NED_YEARS, minors_mask(world))
    return float((h.sum(axis=1) >= 2).sum()) / 6 / SCALE


def test_minors_are_recaptured_in_the_default_world_and_hardly_in_the_hard_one(
    world: World, hard: World
) -> None:
    # Ned has no age split: the default assumes care for minors refers like care for adults
    # (police -> youth care), the hard world that no two lists share minors.
    assert _minor_recaptures_per_year(world) >= 1.2 * MIN_RECAPTURES
    assert _minor_recaptures_per_year(hard) < 0.5 * MIN_RECAPTURES


def test_scenarios_differ_only_in_detection(world: World, hard: World) -> None:
    cols = ["person_id", "year", "form", "age", "nationality", "date_of_birth", "given_names"]
    assert world.persons[cols].equals(hard.persons[cols])
    assert not np.array_equal(world.persons["detected"], hard.persons["detected"])
    assert hard.config.to_dict()["scenario"] == "hard"


def test_unknown_scenario_is_refused() -> None:
    with pytest.raises(SynthError, match="scenario must be one of default, hard"):
        WorldConfig(scenario="mild")
