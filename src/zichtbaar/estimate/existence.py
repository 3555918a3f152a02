"""Does the maximum-likelihood estimate of the hidden count exist, and is it identifiable?

Following Fienberg & Rinaldo (2012) and the checks of the R package SparseMSE (Chan, Silverman &
Vincent 2021): with zero cells in the table, the likelihood can keep increasing as some fitted
counts go to zero (a parameter "goes to minus infinity"). That happens exactly when there is a
direction d = xm b that is zero on every positive cell and <= 0 on the zero cells, with d < 0
somewhere. A linear programme finds the largest set of zero cells such a direction can push to
zero. Those cells are fixed at zero (the *extended* MLE); the hidden count is then still
identifiable if the unobserved cell's design row (intercept only) lies in the row space of the
design restricted to the remaining cells. If it does not, the data cannot tell how many are
hidden under this model, whatever the fitting software prints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Existence:
    """Outcome of the check: ``status`` is ``exists``, ``extended`` or ``not_identifiable``."""

    status: str
    forced_zero: npt.NDArray[np.bool_]  # cells whose fitted count is zero in the extended MLE
    rank: int
    n_params: int

    @property
    def estimable(self) -> bool:
        return self.status != "not_identifiable"

    def explain(self) -> str:
        if self.status == "exists":
            return "the maximum-likelihood estimate exists and is identifiable"
        if self.status == "extended":
            return (
                f"{int(self.forced_zero.sum())} empty pattern(s) force some interaction(s) to "
                "minus infinity; the hidden count is still determined (extended MLE)"
            )
        return (
            "the data cannot determine the hidden count under this model: too many empty "
            "overlaps leave the unobserved cell unconstrained"
        )


def forced_zero_cells(xm: Array, y: Array) -> npt.NDArray[np.bool_]:
    """The zero cells that some likelihood-increasing direction drives to zero (one LP)."""
    zero = y == 0
    nz = int(zero.sum())
    if nz == 0:
        return np.zeros(len(y), dtype=bool)
    p = xm.shape[1]
    # variables: b (p, free), t (nz, in [0, 1]); maximise sum t
    # subject to X_pos b = 0 and X_zero b + t <= 0 (so d = X b <= -t on the zero cells).
    c = np.concatenate([np.zeros(p), -np.ones(nz)])
    a_ub = np.hstack([xm[zero], np.eye(nz)])
    pos = ~zero
    a_eq = np.hstack([xm[pos], np.zeros((int(pos.sum()), nz))]) if pos.any() else None
    res = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(nz),
        A_eq=a_eq,
        b_eq=np.zeros(int(pos.sum())) if pos.any() else None,
        bounds=[(None, None)] * p + [(0.0, 1.0)] * nz,
        method="highs",
    )
    out = np.zeros(len(y), dtype=bool)
    if res.status == 0:
        out[np.nonzero(zero)[0][res.x[p:] > 0.5]] = True
    return out


def check(xm: Array, y: Array) -> Existence:
    """Check existence and identifiability of the hidden count for design ``X`` and counts ``y``."""
    forced = forced_zero_cells(xm, y)
    xf = xm[~forced]
    rank = int(np.linalg.matrix_rank(xf))
    p = xm.shape[1]
    if rank == p:
        return Existence("extended" if forced.any() else "exists", forced, rank, p)
    e0 = np.zeros(p)
    e0[0] = 1.0
    # e0 in the row space of xf <=> the least-squares solution of xf^T v = e0 is exact.
    v = np.linalg.lstsq(xf.T, e0, rcond=None)[0]
    ok = bool(np.allclose(xf.T @ v, e0, atol=1e-8))
    return Existence("extended" if ok else "not_identifiable", forced, rank, p)
