"""The independent audit: what can an attacker infer about each suppressed item?

Deliberately separate from the suppression solver (different formulation, no shared code beyond
the table structure): the attacker knows every published cell and margin and that counts are
non-negative, and nothing else. For each suppressed item the tightest interval is the min and max
of a linear programme (scipy's HiGHS); the release fails if any interval is narrower than the
item's protection range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog
from scipy.sparse import csr_array

from zichtbaar.disclosure.rules import Protection
from zichtbaar.disclosure.structure import LinearTable
from zichtbaar.errors import DisclosureError

_TOL = 1e-6


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

    @property
    def passed(self) -> bool:
        return all(i.ok for i in self.intervals)

    @property
    def failures(self) -> tuple[Interval, ...]:
        return tuple(i for i in self.intervals if not i.ok)


def attacker_intervals(
    table: LinearTable, suppressed: npt.NDArray[np.bool_], protect: Protection
) -> AuditResult:
    """Min and max of every suppressed sensitive item given everything published."""
    n = table.n_cells
    values = table.values
    fixed = ~suppressed[:n]
    bounds = [(float(values[i]), float(values[i])) if fixed[i] else (0.0, None) for i in range(n)]
    rows: list[int] = []
    cols: list[int] = []
    rhs: list[float] = []
    for k, members in enumerate(table.groups):
        if not suppressed[n + k]:
            r = len(rhs)
            rows.extend([r] * len(members))
            cols.extend(members.tolist())
            rhs.append(float(values[n + k]))
    a_eq = csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(rhs), n)) if rhs else None
    b_eq = np.array(rhs) if rhs else None
    out = []
    for item in np.flatnonzero(suppressed & protect.sensitive):
        c = np.zeros(n)
        c[table.members(int(item))] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            res = linprog(sign * c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if res.status == 3:  # unbounded: only possible for the maximum
                ends.append(math.inf)
            elif res.status != 0:
                raise DisclosureError(f"the audit LP failed for item {int(item)}: {res.message}")
            else:
                ends.append(sign * float(res.fun))
        out.append(
            Interval(
                int(item),
                int(values[item]),
                ends[0],
                ends[1],
                int(protect.lower[item]),
                int(protect.upper[item]),
            )
        )
    return AuditResult(tuple(out))


def audit(table: LinearTable, suppressed: npt.NDArray[np.bool_], protect: Protection) -> None:
    """Raise if a sensitive item is published or can be narrowed below its protection range."""
    exposed = protect.sensitive & ~suppressed
    if exposed.any():
        raise DisclosureError(f"audit failed: {int(exposed.sum())} sensitive item(s) published")
    failures = attacker_intervals(table, suppressed, protect).failures
    if failures:
        raise DisclosureError(
            f"audit failed: {len(failures)} suppressed item(s) can be narrowed below their "
            "protection range from the published cells and margins"
        )
