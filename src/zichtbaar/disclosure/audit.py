"""The independent audit: what can an attacker infer about each suppressed item?

Deliberately separate from the suppression solver (different formulation, no shared code beyond
the table structure). The attacker knows every published cell and margin, that counts are
non-negative, and the rule itself (``Rules``): a primary item lies in
``[rules.primary_floor, min_cell)``, and the audit guarantees each one an interval reaching from 0
to ``min_cell``. So a suppressed item whose interval falls short of that cannot be primary: it is
at least ``min_cell``; and, under the old rule that publishes every zero, every suppressed item is
at least 1. The attacker adds such bounds until nothing new follows (``rule_aware_floors``). For
each suppressed sensitive item the tightest interval is the min and max of a linear programme
(scipy's HiGHS); the release fails if any interval is narrower than the item's protection range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog
from scipy.sparse import csr_array

from zichtbaar.disclosure.rules import Protection, Rules
from zichtbaar.disclosure.structure import LinearTable
from zichtbaar.errors import DisclosureError

_TOL = 1e-6
MAX_INFERENCE_ROUNDS = 20


@dataclass(frozen=True)
class Interval:
    item: int
    value: int
    low: float
    high: float  # math.inf when unbounded
    needed_low: int
    needed_high: int

    @property
    def ok(self) -> bool:
        return (
            self.low <= self.value - self.needed_low + _TOL
            and self.high >= self.value + self.needed_high - _TOL
        )


@dataclass(frozen=True)
class AuditResult:
    intervals: tuple[Interval, ...]
    inferred_large: int = 0  # suppressed items the rule-aware attacker showed to be >= min_cell

    @property
    def passed(self) -> bool:
        return all(i.ok for i in self.intervals)

    @property
    def failures(self) -> tuple[Interval, ...]:
        return tuple(i for i in self.intervals if not i.ok)


@dataclass(frozen=True)
class _Programme:
    bounds: list[tuple[float, float | None]]
    a_eq: csr_array | None
    b_eq: npt.NDArray[np.float64] | None
    a_ub: csr_array | None
    b_ub: npt.NDArray[np.float64] | None


def _programme(
    table: LinearTable, suppressed: npt.NDArray[np.bool_], floor: npt.NDArray[np.float64]
) -> _Programme:
    """Published items as equations; ``floor`` (per item, table coordinates) as lower bounds."""
    n, values = table.n_cells, table.values
    bounds: list[tuple[float, float | None]] = [
        (float(values[i]), float(values[i])) if not suppressed[i] else (max(0.0, floor[i]), None)
        for i in range(n)
    ]
    eq_rows: list[int] = []
    eq_cols: list[int] = []
    b_eq: list[float] = []
    ub_rows: list[int] = []
    ub_cols: list[int] = []
    b_ub: list[float] = []
    for k, members in enumerate(table.groups):
        if not suppressed[n + k]:
            eq_rows.extend([len(b_eq)] * len(members))
            eq_cols.extend(members.tolist())
            b_eq.append(float(values[n + k]))
        elif floor[n + k] > _TOL:  # a suppressed margin with a floor: -sum(members) <= -floor
            ub_rows.extend([len(b_ub)] * len(members))
            ub_cols.extend(members.tolist())
            b_ub.append(-float(floor[n + k]))
    a_eq = (
        csr_array((np.ones(len(eq_rows)), (eq_rows, eq_cols)), shape=(len(b_eq), n))
        if b_eq
        else None
    )
    a_ub = (
        csr_array((-np.ones(len(ub_rows)), (ub_rows, ub_cols)), shape=(len(b_ub), n))
        if b_ub
        else None
    )
    return _Programme(
        bounds,
        a_eq,
        np.array(b_eq) if b_eq else None,
        a_ub,
        np.array(b_ub) if b_ub else None,
    )


def _interval(table: LinearTable, item: int, lp: _Programme) -> tuple[float, float] | None:
    """Min and max of an item's sum; None when the attacker's assumptions are inconsistent."""
    c = np.zeros(table.n_cells)
    c[table.members(item)] = 1.0
    ends = []
    for sign in (1.0, -1.0):
        res = linprog(
            sign * c,
            A_eq=lp.a_eq,
            b_eq=lp.b_eq,
            A_ub=lp.a_ub,
            b_ub=lp.b_ub,
            bounds=lp.bounds,
            method="highs",
        )
        if res.status == 2:
            return None
        if res.status == 3:  # unbounded: only possible for the maximum
            ends.append(math.inf)
        elif res.status != 0:
            raise DisclosureError(f"the audit LP failed for item {item}: {res.message}")
        else:
            ends.append(sign * float(res.fun))
    return ends[0], ends[1]


def attacker_intervals(
    table: LinearTable,
    suppressed: npt.NDArray[np.bool_],
    protect: Protection,
    rules: Rules | None = None,
    offset: npt.NDArray[np.int64] | None = None,
) -> AuditResult:
    """Min and max of every suppressed sensitive item given everything published.

    Without ``rules`` the attacker knows the published items and non-negativity only; with them
    the attacker also knows the rule (module docstring). ``offset`` is what the table's items were
    shifted by (``differencing._shifted``): the rule speaks of the unshifted counts.
    """
    sens = [int(i) for i in np.flatnonzero(suppressed & protect.sensitive)]
    floor = np.zeros(table.n_items)
    inferred = 0
    if rules is None:
        found = _intervals(table, sens, _programme(table, suppressed, floor))
        if found is None:
            raise DisclosureError("the audit LP is infeasible: the table's margins do not add up")
        return _result(table, protect, found, 0)
    off = np.zeros(table.n_items) if offset is None else offset.astype(np.float64)
    floor = np.where(suppressed, rules.primary_floor - off, 0.0)
    found, inferred = rule_aware_floors(table, suppressed, rules, floor, off, sens)
    return _result(table, protect, found, inferred)


def rule_aware_floors(
    table: LinearTable,
    suppressed: npt.NDArray[np.bool_],
    rules: Rules,
    floor: npt.NDArray[np.float64],
    off: npt.NDArray[np.float64],
    sensitive: list[int],
) -> tuple[dict[int, tuple[float, float]], int]:
    """The attacker's fixpoint: items shown not to be primary get the floor ``min_cell``.

    Stops as soon as a truly primary item would be so classed (its interval already fails the
    guarantee, so the audit fails on that round's intervals). Returns the sensitive items'
    intervals and how many items were shown to be large.
    """
    m = float(rules.min_cell)
    items = [int(i) for i in np.flatnonzero(suppressed)]
    floor = floor.copy()
    found = _intervals(table, items, _programme(table, suppressed, floor))
    if found is None:  # e.g. a suppressed zero under the old rule: "at least 1" is false
        floor = np.zeros(table.n_items)
        found = _intervals(table, items, _programme(table, suppressed, floor))
        if found is None:
            raise DisclosureError("the audit LP is infeasible: the table's margins do not add up")
    large = np.zeros(table.n_items, dtype=bool)
    for _ in range(MAX_INFERENCE_ROUNDS):
        new = [
            i
            for i in items
            if not large[i] and (found[i][0] + off[i] > _TOL or found[i][1] + off[i] < m - _TOL)
        ]
        if not new or any(table.values[i] < m for i in new):
            break
        large[new] = True
        floor[new] = m - off[new]
        again = _intervals(table, items, _programme(table, suppressed, floor))
        if again is None:
            break
        found = again
    return {i: found[i] for i in sensitive}, int(large.sum())


def _intervals(
    table: LinearTable, items: list[int], lp: _Programme
) -> dict[int, tuple[float, float]] | None:
    out = {}
    for item in items:
        iv = _interval(table, item, lp)
        if iv is None:
            return None
        out[item] = iv
    return out


def _result(
    table: LinearTable,
    protect: Protection,
    found: dict[int, tuple[float, float]],
    inferred: int,
) -> AuditResult:
    return AuditResult(
        tuple(
            Interval(
                item,
                int(table.values[item]),
                low,
                high,
                int(protect.lower[item]),
                int(protect.upper[item]),
            )
            for item, (low, high) in sorted(found.items())
        ),
        inferred,
    )


def audit(
    table: LinearTable,
    suppressed: npt.NDArray[np.bool_],
    protect: Protection,
    rules: Rules | None = None,
) -> None:
    """Raise if a sensitive item is published or can be narrowed below its protection range."""
    exposed = protect.sensitive & ~suppressed
    if exposed.any():
        raise DisclosureError(f"audit failed: {int(exposed.sum())} sensitive item(s) published")
    failures = attacker_intervals(table, suppressed, protect, rules).failures
    if failures:
        raise DisclosureError(
            f"audit failed: {len(failures)} suppressed item(s) can be narrowed below their "
            "protection range from the published cells and margins"
        )
