"""Zeros and suppression: "suppressed" must not tell that a cell is not empty (issue 25).

Under the rule before issue 25 every zero was published, so every suppressed cell is at least 1
and no small cell keeps its lower bound 0. Under the zero rule (``Rules.zeros == "protect"``)
zeros are primary like small cells, and the audit's attacker knows the rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zichtbaar.disclosure.audit import attacker_intervals
from zichtbaar.disclosure.protect import suppress_table
from zichtbaar.disclosure.rules import Rules, protection
from zichtbaar.disclosure.secondary import suppress
from zichtbaar.disclosure.structure import TOTAL, build_tables


def _row(counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {"year": [2020] * len(counts), "x": [f"c{i}" for i in range(len(counts))], "count": counts}
    )


def _grid(counts: np.ndarray) -> pd.DataFrame:
    rows = [
        {"r": f"r{i}", "c": f"c{j}", "count": int(counts[i, j])}
        for i in range(counts.shape[0])
        for j in range(counts.shape[1])
    ]
    return pd.DataFrame(rows)


def test_publishing_every_zero_tells_that_suppressed_cells_are_not_empty() -> None:
    (t,) = build_tables(_row([0, 3, 12, 50]), ["year", "x"])
    old = Rules(10, zeros="publish")
    prot = protection(t, old)
    mask = suppress(t, prot)
    assert not mask[0]  # the zero is published
    plain = attacker_intervals(t, mask, prot)
    assert plain.passed  # the margins-only attacker cannot exclude 0 ...
    aware = attacker_intervals(t, mask, prot, old)
    small = [iv for iv in aware.intervals if iv.value == 3]
    assert small and small[0].low >= 1  # ... the one who knows zeros are published can
    assert not aware.passed


def test_under_the_zero_rule_a_zero_is_suppressed_and_nothing_excludes_zero() -> None:
    out = suppress_table(_row([0, 3, 12, 50]), ["year", "x"])
    assert out.set_index("x").loc["c0", "suppressed"]
    assert not out["value"].dropna().between(0, 9).any()  # no zero, no small item published
    (t,) = build_tables(_row([0, 3, 12, 50]), ["year", "x"])
    mask = out["suppressed"].to_numpy()
    result = attacker_intervals(t, mask, protection(t, Rules(10)), Rules(10))
    assert result.passed
    assert all(iv.low <= 1e-6 and iv.high >= 10 - 1e-6 for iv in result.intervals)


def test_the_rule_aware_attacker_finds_what_the_solver_missed_and_repair_closes_it() -> None:
    """A secondary shown not to be primary is at least min_cell, which narrows its partner.

    Found by hypothesis (test_suppression): the solver's pattern passes the margins-only audit
    and fails the rule-aware one; ``suppress_table`` repairs it.
    """
    cells = _grid(np.array([[0, 0, 0, 4], [0, 0, 3, 0]]))
    rules = Rules(3)
    (t,) = build_tables(cells, ["r", "c"], strata=())
    prot = protection(t, rules)
    mask = suppress(t, prot)
    assert attacker_intervals(t, mask, prot).passed
    aware = attacker_intervals(t, mask, prot, rules)
    assert not aware.passed and aware.inferred_large >= 1
    out = suppress_table(cells, ["r", "c"], strata=(), rules=rules)
    fixed = out["suppressed"].to_numpy()
    assert attacker_intervals(t, fixed, prot, rules).passed
    assert fixed.sum() >= mask.sum()
    assert (out[out.r != TOTAL]["value"].dropna() >= 3).all()
