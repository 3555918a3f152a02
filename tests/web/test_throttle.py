"""The sliding window: exact limits, Retry-After, independent keys, forgetting old hits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zichtbaar.web.throttle import SlidingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_limit_retry_after_and_window() -> None:
    clock = Clock()
    w = SlidingWindow(3, 60, clock)
    for _ in range(3):
        assert w.retry_after("a") == 0
        w.hit("a")
        clock.now += 10
    assert w.retry_after("a") == 30  # the first hit (t=0) leaves the window at t=60
    assert w.retry_after("b") == 0  # keys are independent
    clock.now = 60
    assert w.retry_after("a") == 0
    w.clear("a")
    assert w.retry_after("a") == 0 and not w._hits


@given(st.lists(st.floats(min_value=0, max_value=5), max_size=40), st.integers(1, 5))
def test_never_more_than_limit_in_any_window(gaps: list[float], limit: int) -> None:
    clock = Clock()
    w = SlidingWindow(limit, 10, clock)
    allowed: list[float] = []
    for g in gaps:
        clock.now += g
        if w.retry_after("k") == 0:
            w.hit("k")
            allowed.append(clock.now)
    for t in allowed:
        assert sum(1 for u in allowed if t <= u < t + 10) <= limit
