from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zichtbaar.disclosure.audit import attacker_intervals, audit
from zichtbaar.disclosure.protect import suppress_table
from zichtbaar.disclosure.rules import Rules, protection
from zichtbaar.disclosure.secondary import suppress
from zichtbaar.disclosure.structure import TOTAL, build_tables
from zichtbaar.errors import DisclosureError


def _grid(counts: np.ndarray) -> pd.DataFrame:
    dims = [f"d{i}" for i in range(counts.ndim)]
    rows = [
        {**{d: f"c{k}" for d, k in zip(dims, idx, strict=True)}, "count": int(counts[idx])}
        for idx in itertools.product(*(range(s) for s in counts.shape))
    ]
    return pd.DataFrame(rows)


def test_structure_has_every_margin_of_a_two_way_table() -> None:
    (t,) = build_tables(_grid(np.array([[1, 2, 3], [4, 5, 6]])), ["d0", "d1"], strata=())
    assert t.n_cells == 6 and t.n_items == 6 + 2 + 3 + 1
    grand = t.labels[(t.labels["d0"] == TOTAL) & (t.labels["d1"] == TOTAL)].index[0]
    assert t.values[grand] == 21
    for k, members in enumerate(t.groups):
        assert t.values[t.n_cells + k] == t.values[members].sum()


def test_a_single_suppression_recoverable_from_the_margins_is_caught() -> None:
    cells = _grid(np.array([[3, 20], [15, 30]]))
    (t,) = build_tables(cells, ["d0", "d1"], strata=())
    prot = protection(t, Rules(10))
    primary_only = prot.sensitive.copy()
    # The primary pattern alone: the cell is row total − the other cell, exactly.
    with pytest.raises(DisclosureError, match="narrowed"):
        audit(t, primary_only, prot)
    iv = attacker_intervals(t, primary_only, prot).intervals[0]
    assert iv.low == iv.high == 3
    mask = suppress(t, prot)
    assert mask.sum() >= 4  # a rectangle at least
    audit(t, mask, prot)


def test_the_audit_fails_an_under_protected_table() -> None:
    # Four small cells in a rectangle but the partners are too small to hide a move to 10.
    cells = _grid(np.array([[2, 1, 40], [1, 2, 40], [30, 30, 30]]))
    (t,) = build_tables(cells, ["d0", "d1"], strata=())
    prot = protection(t, Rules(10))
    mask = prot.sensitive.copy()
    with pytest.raises(DisclosureError, match="audit failed"):
        audit(t, mask, prot)
    fails = attacker_intervals(t, mask, prot).failures
    assert fails and all(f.high < f.value + f.needed_high for f in fails)
    # and a published sensitive cell fails outright
    with pytest.raises(DisclosureError, match="published"):
        audit(t, np.zeros(t.n_items, dtype=bool), prot)


def test_secondary_suppression_is_minimal_on_a_row() -> None:
    cells = pd.DataFrame({"year": [2020] * 3, "x": ["a", "b", "c"], "count": [3, 12, 50]})
    out = suppress_table(cells, ["year", "x"])
    assert out.set_index("x")["suppressed"].to_dict() == {
        "a": True,
        "b": True,
        "c": False,
        TOTAL: False,
    }


def test_small_margins_are_protected_too() -> None:
    cells = pd.DataFrame({"year": [2020, 2020], "x": ["a", "b"], "count": [0, 4]})
    out = suppress_table(cells, ["year", "x"])
    assert out.set_index("x").loc[TOTAL, "suppressed"]
    assert not out["value"].dropna().between(1, 9).any()


def test_group_disclosure_protects_a_cell_that_is_the_whole_row() -> None:
    cells = pd.DataFrame(
        {"year": [2020] * 4 + [2021] * 4, "g": ["f", "m"] * 4, "r": ["a", "a", "b", "b"] * 2}
    )
    cells["count"] = [40, 0, 30, 25, 35, 12, 20, 20]
    (t,) = build_tables(cells[cells.year == 2020], ["year", "r", "g"], strata=("year",))
    prot = protection(t, Rules(10, group_disclosure=True))
    idx = t.labels[(t.labels["r"] == "a") & (t.labels["g"] == "f")].index[0]
    assert prot.sensitive[idx] and prot.lower[idx] == 10
    # without group disclosure only the zero cell (a, m) is primary
    assert np.flatnonzero(protection(t, Rules(10)).sensitive).tolist() == [1]
    assert not protection(t, Rules(10, zeros="publish")).sensitive.any()
    out = suppress_table(cells, ["year", "r", "g"], rules=Rules(10, group_disclosure=True))
    y2020 = out[(out.year == 2020) & (out.r == "a") & (out.g == "f")]
    assert bool(y2020["suppressed"].iloc[0])


def test_a_hierarchy_is_protected_at_every_level() -> None:
    cells = pd.DataFrame(
        {
            "year": [2020] * 4,
            "group": ["EU", "EU", "AF", "AF"],
            "nat": ["POL", "ROU", "NGA", "ERI"],
            "count": [3, 25, 14, 30],
        }
    )
    out = suppress_table(cells, ["year", "group", "nat"], hierarchy={"nat": "group"})
    # items: 4 cells, 2 group subtotals, 1 total (no nationality-over-groups duplicates)
    assert len(out) == 7
    assert not out["value"].dropna().between(1, 9).any()
    assert out[out.nat == "POL"]["suppressed"].all()
    # POL is hidden only if a second cell or its subtotal is suppressed as well.
    eu = out[(out.group == "EU")]
    assert eu["suppressed"].sum() >= 2


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 3).flatmap(
        lambda r: st.integers(2, 4).flatmap(
            lambda c: st.lists(
                st.integers(0, 30) | st.integers(1, 9), min_size=r * c, max_size=r * c
            ).map(lambda v: np.array(v).reshape(r, c))
        )
    ),
    st.integers(3, 10),
)
def test_random_tables_publish_no_small_cell_and_pass_the_audit(
    counts: np.ndarray, min_cell: int
) -> None:
    rules = Rules(min_cell)
    cells = _grid(counts)
    out = suppress_table(cells, ["d0", "d1"], strata=(), rules=rules)
    published = out["value"].dropna()
    assert not published.between(1, min_cell - 1).any()
    (t,) = build_tables(cells, ["d0", "d1"], strata=())
    mask = out["suppressed"].to_numpy()
    assert attacker_intervals(t, mask, protection(t, rules), rules).passed


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 25), min_size=12, max_size=12))
def test_random_three_way_tables_pass_the_audit(values: list[int]) -> None:
    cells = _grid(np.array(values).reshape(2, 3, 2))
    out = suppress_table(cells, ["d0", "d1", "d2"], strata=())
    assert not out["value"].dropna().between(1, 9).any()
