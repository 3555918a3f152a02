"""Secondary suppression as a mixed-integer programme (Fischetti–Salazar, by cutting planes).

Hand-written because no maintained Python library does optimal cell suppression (τ-ARGUS's
``pytauargus`` is not installable here). The master problem chooses which items to suppress at
least information loss (scipy.optimize.milp, HiGHS); for each sensitive item and direction an
attacker LP checks whether the item can move by its protection range, and when it cannot, the LP's
dual gives a Benders cut  sum_i (alpha_i*UB_i + beta_i*LB_i) * y_i >= range  that every protecting
pattern satisfies. Repeat until no cut is violated: the result is protected by construction, and
the separate audit (``audit.py``) checks it again with its own formulation.

The attacker here knows a little more than the audit's (every item lies in [0, value + a cap
above every count and range]), so a pattern this module accepts also passes the audit.
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array

from zichtbaar.disclosure.rules import Protection
from zichtbaar.disclosure.structure import LinearTable
from zichtbaar.errors import DisclosureError

_TOL = 1e-6
MAX_ROUNDS = 500
ROUND_LIMIT = 10.0  # seconds per master solve; HiGHS returns its best pattern so far


def _equations(table: LinearTable) -> csr_array:
    """One row per margin: margin − sum(its cells) = 0, over all items."""
    n, rows, cols, vals = table.n_cells, [], [], []
    for k, members in enumerate(table.groups):
        rows.extend([k] * (len(members) + 1))
        cols.extend([n + k, *members.tolist()])
        vals.extend([1.0] + [-1.0] * len(members))
    return csr_array((vals, (rows, cols)), shape=(len(table.groups), table.n_items))


def information_loss(table: LinearTable) -> npt.NDArray[np.float64]:
    """Cost of suppressing each item: its count (+1 so empty cells are not free); margins double."""
    w = table.values.astype(np.float64) + 1.0
    w[table.n_cells :] *= 2.0
    return w


def suppress(
    table: LinearTable, protect: Protection, time_limit: float = 30.0
) -> npt.NDArray[np.bool_]:
    """The suppression pattern (True = suppressed) with least information loss.

    Optimal when the cutting-plane loop converges within ``time_limit`` seconds; after that the
    remaining violations are repaired greedily, so the pattern is always protected, if not minimal.
    """
    if not protect.sensitive.any():
        return np.zeros(table.n_items, dtype=bool)
    a = table.values.astype(np.float64)
    n_items = table.n_items
    # Any finite cap only makes this attacker stronger than the audit's (which has none).
    big = float(table.values.max() + protect.upper.max() + 1)
    up_cap = np.full(n_items, big)  # how far an item may rise when suppressed
    down_cap = a.copy()  # how far it may fall (to zero)
    eq = _equations(table)
    b_eq = np.zeros(eq.shape[0]) if eq.shape[0] else None
    a_eq = eq if eq.shape[0] else None
    cuts: list[npt.NDArray[np.float64]] = []
    rhs: list[float] = []
    sens = np.flatnonzero(protect.sensitive)
    # Cheap first cuts from each equation alone: the partners of a sensitive item in an equation
    # must be able to absorb its move (a cell falls by at most its count, rises without limit).
    n = table.n_cells
    for k, members in enumerate(table.groups):
        g = n + k
        for s in [g, *members.tolist()]:
            if not protect.sensitive[s]:
                continue
            for need, others_fall in ((protect.upper[s], s != g), (protect.lower[s], s == g)):
                if need <= 0:
                    continue
                row = np.zeros(n_items)
                cells = members[members != s]
                row[cells] = np.minimum(a[cells], need) if others_fall else need
                if s != g:  # the margin moves with the cell: up freely, down to zero
                    row[g] = need if others_fall else min(a[g], need)
                cuts.append(row)
                rhs.append(float(need))
    cost = information_loss(table)
    lower = protect.sensitive.astype(np.float64)
    deadline = time.monotonic() + time_limit
    y: npt.NDArray[np.float64] | None = None
    for _ in range(MAX_ROUNDS):
        remaining = deadline - time.monotonic()
        if remaining > 0 or y is None:
            y = _master(cost, lower, cuts, rhs, max(min(ROUND_LIMIT, remaining), 1.0))
        new: list[tuple[npt.NDArray[np.float64], float]] = []
        for s in sens:
            for direction, need in ((1.0, protect.upper[s]), (-1.0, protect.lower[s])):
                if need <= 0:
                    continue
                cut = _cut(int(s), direction, float(need), y, a, up_cap, down_cap, a_eq, b_eq)
                if cut is not None:
                    new.append((cut, float(need)))
                    cuts.append(cut)
                    rhs.append(float(need))
        if not new:
            return y > 0.5
        if deadline - time.monotonic() <= 0:
            # Out of time for optimality: repair greedily, suppressing for each violated cut
            # the item that satisfies it at least cost. Still checked by the next round's LPs.
            for cut, need in new:
                while float(cut @ y) < need - _TOL:
                    open_items = np.flatnonzero((y < 0.5) & (cut > _TOL))
                    y[open_items[np.argmin(cost[open_items] / cut[open_items])]] = 1.0
    raise DisclosureError(f"secondary suppression did not converge in {MAX_ROUNDS} rounds")


def _master(
    cost: npt.NDArray[np.float64],
    lower: npt.NDArray[np.float64],
    cuts: list[npt.NDArray[np.float64]],
    rhs: list[float],
    time_limit: float,
) -> npt.NDArray[np.float64]:
    cons = [LinearConstraint(csr_array(np.vstack(cuts)), np.array(rhs), np.inf)] if cuts else []
    res = milp(
        cost,
        constraints=cons,
        integrality=np.ones_like(cost),
        bounds=Bounds(lower, np.ones_like(cost)),
        options={"time_limit": time_limit, "mip_rel_gap": 0.05, "presolve": True},
    )
    if res.x is None:
        raise DisclosureError(f"secondary suppression found no pattern: {res.message}")
    rounded: npt.NDArray[np.float64] = np.asarray(np.rint(res.x), dtype=np.float64)
    return rounded


def _cut(
    s: int,
    direction: float,
    need: float,
    y: npt.NDArray[np.float64],
    a: npt.NDArray[np.float64],
    up_cap: npt.NDArray[np.float64],
    down_cap: npt.NDArray[np.float64],
    a_eq: csr_array | None,
    b_eq: npt.NDArray[np.float64] | None,
) -> npt.NDArray[np.float64] | None:
    """A violated Benders cut for moving item ``s`` by ``need`` in ``direction``, or None."""
    lo, hi = a - y * down_cap, a + y * up_cap
    c = np.zeros(len(a))
    c[s] = -direction  # minimise −(direction·x_s) = maximise the move
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=np.column_stack([lo, hi]), method="highs")
    if res.status != 0:
        raise DisclosureError(f"the attacker LP failed for item {s}: {res.message}")
    move = -float(res.fun) - direction * a[s]
    if move >= need - _TOL:
        return None
    reduced = np.asarray(res.upper.marginals) + np.asarray(res.lower.marginals)
    alpha = np.clip(-reduced, 0.0, None)  # value gained per unit of upper bound
    beta = np.clip(reduced, 0.0, None)  # value gained per unit of lower bound lowered
    coef = alpha * up_cap + beta * down_cap
    if abs(float(coef @ y) - move) > 1e-5 * max(1.0, need):
        # Duals not as expected (degenerate solve): fall back to a valid "suppress one more" cut.
        coef = np.where(y > 0.5, 0.0, need)
    # y is binary, so a coefficient above the right-hand side can be lowered to it: same integer
    # solutions, a much tighter relaxation.
    capped: npt.NDArray[np.float64] = np.minimum(coef, need)
    return capped
