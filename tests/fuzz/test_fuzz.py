"""Fuzz every entry point at the active hypothesis profile's scale (``ci`` by default).

A failure here is a defect in the entry point (crash, 5xx, echoed input); hypothesis shrinks it.
Counts at scale: ``bench/bench_fuzz.py`` → ``bench/results/fuzz.json``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.targets import TARGETS, Target, run_case


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_entry_point_survives_fuzzing(target: Target) -> None:
    examples = max(10, int(settings().max_examples * target.weight * 0.5))

    @settings(
        max_examples=examples,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(value=st.deferred(target.strategy))
    def fuzz(value: Any) -> None:
        run_case(target, value)

    fuzz()
