"""Rubin's rules over linkage draws (estimate/linkage_mi.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zichtbaar.estimate.linkage_mi import rubin_log, widen


def test_identical_draws_give_the_single_interval() -> None:
    r = rubin_log([120.0] * 5, [90.0] * 5, [200.0] * 5)
    assert math.isclose(r["estimate"], 120.0)
    assert math.isclose(r["ci_low"], 90.0) and math.isclose(r["ci_high"], 200.0)
    assert r["missing_information"] == 0.0


def test_rubin_by_hand() -> None:
    # two draws, log estimates log(100) and log(121); symmetric on the log scale, half-width 0.2
    est = [100.0, 121.0]
    z = 1.959963984540054
    lows = [e * math.exp(-0.2) for e in est]
    highs = [e * math.exp(0.2) for e in est]
    r = rubin_log(est, lows, highs)
    q = np.log(est)
    w = (0.2 / z) ** 2
    b = float(np.var(q, ddof=1))  # (log 1.21)^2 / 2
    t = w + 1.5 * b
    df = 1 * (1 + w / (1.5 * b)) ** 2
    from scipy import stats

    assert math.isclose(r["estimate"], 110.0, rel_tol=1e-12)  # geometric mean
    assert math.isclose(r["ci_high"], 110 * math.exp(stats.t.ppf(0.975, df) * math.sqrt(t)))
    assert math.isclose(r["df"], df)


@given(
    st.lists(
        st.tuples(st.floats(50, 5000), st.floats(0.01, 1.0), st.floats(0.01, 2.0)),
        min_size=2,
        max_size=20,
    )
)
def test_interval_with_draws_never_narrower(draws: list[tuple[float, float, float]]) -> None:
    est = [d[0] for d in draws]
    lows = [d[0] * math.exp(-d[1]) for d in draws]
    highs = [d[0] * math.exp(d[2]) for d in draws]
    r = rubin_log(est, lows, highs)
    lo, hi = r["ci_without"]
    assert r["ci_low"] <= lo * (1 + 1e-12) and r["ci_high"] >= hi * (1 - 1e-12)


@given(
    est=st.floats(50, 5000),
    below=st.floats(0.05, 0.9),
    above=st.floats(0.05, 3.0),
    draws=st.lists(st.floats(0.5, 2.0), min_size=2, max_size=8),
)
def test_widened_interval_contains_the_runs(
    est: float, below: float, above: float, draws: list[float]
) -> None:
    """The release's figure with linkage draws: the run's interval widened, never narrowed, and
    exactly the run's when every draw agrees."""
    lo, hi = est * (1 - below), est * (1 + above)
    w_lo, w_hi = widen(est, lo, hi, [est * d for d in draws])
    assert w_lo <= lo * (1 + 1e-12) and w_hi >= hi * (1 - 1e-12)
    assert widen(est, lo, hi, [est] * len(draws)) == pytest.approx((lo, hi), rel=1e-9)
