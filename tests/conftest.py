"""Hypothesis settings profiles: ``ci`` (default, small) and ``bench`` (large, bench_fuzz.py).

Pick one with ``HYPOTHESIS_PROFILE=bench`` or ``pytest --hypothesis-profile=bench``. Tests that
set their own ``max_examples`` keep it; the fuzz targets scale with the profile.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# No deadline: 7 engineers share 2 cores, so timings are noise, and speed is measured in bench/.
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "bench",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
