"""Poisson log-linear fits on a binary capture table, by subset-sum transforms (numba).

Why by hand: model selection and the selection-aware bootstrap fit hundreds of thousands of
hierarchical log-linear models to one 2^k table (800 fits per bootstrap replicate of an 8-list
stepwise search). A general GLM solver builds X' W X from a dense (2^k x p) design in every
Newton step; here every design column is a set S of lists (intercept: the empty set), so

    eta_c = sum of beta_S over S contained in c      (a subset-sum transform of beta)
    (X' W X)_ab = sum of w_c over c containing S_a | S_b   (a superset-sum transform of w)

and one Newton step costs O(k 2^k + p^3) instead of O(2^k p^2) plus the Python overhead of a
dozen numpy calls. No library offers this (statsmodels, glum and scikit-learn take a dense or
sparse design). The iteration and its stopping rule are those of ``glm.irls`` (Newton with step
halving, relative deviance change below ``tol``), which the tests use as the reference.

Cells are indexed 0 .. 2^k-1 by bit mask; ``rows`` says which cells enter the likelihood (cell 0,
the unobserved one, normally does not; the profile likelihood puts it in with its count).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


@numba.njit(cache=True)
def _subset_sum(a: Array, k: int) -> None:  # pragma: no cover - compiled
    """In place: a[c] <- sum of a[s] over s contained in c."""
    n = a.shape[0]
    for j in range(k):
        bit = 1 << j
        for c in range(n):
            if c & bit:
                a[c] += a[c ^ bit]


@numba.njit(cache=True)
def _superset_sum(a: Array, k: int) -> None:  # pragma: no cover - compiled
    """In place: a[u] <- sum of a[c] over c containing u."""
    n = a.shape[0]
    for j in range(k):
        bit = 1 << j
        for c in range(n):
            if not c & bit:
                a[c] += a[c | bit]


@numba.njit(cache=True)
def _gram(w: Array, masks: npt.NDArray[np.int64], k: int) -> Array:  # pragma: no cover
    """(X' diag(w) X) for design columns given by their list masks."""
    s = w.copy()
    _superset_sum(s, k)
    p = masks.shape[0]
    out = np.empty((p, p))
    for a in range(p):
        for b in range(a, p):
            v = s[masks[a] | masks[b]]
            out[a, b] = v
            out[b, a] = v
    return out


@numba.njit(cache=True)
def _xt(v: Array, masks: npt.NDArray[np.int64], k: int) -> Array:  # pragma: no cover
    """X' v: the sums of v over the cells of each design column."""
    s = v.copy()
    _superset_sum(s, k)
    out = np.empty(masks.shape[0])
    for a in range(masks.shape[0]):
        out[a] = s[masks[a]]
    return out


@numba.njit(cache=True)
def _mu(
    beta: Array, masks: npt.NDArray[np.int64], rows: npt.NDArray[np.bool_], k: int
) -> Array:  # pragma: no cover
    eta = np.zeros(rows.shape[0])
    for a in range(masks.shape[0]):
        eta[masks[a]] += beta[a]
    _subset_sum(eta, k)
    mu = np.zeros(rows.shape[0])
    for c in range(rows.shape[0]):
        if rows[c]:
            mu[c] = np.exp(min(eta[c], 700.0))
    return mu


@numba.njit(cache=True)
def _deviance(y: Array, mu: Array, rows: npt.NDArray[np.bool_]) -> float:  # pragma: no cover
    """2 sum(y log(y/mu) - (y - mu)) over the cells in the likelihood."""
    d = 0.0
    for c in range(y.shape[0]):
        if rows[c]:
            if y[c] > 0:
                d += y[c] * np.log(y[c] / mu[c])
            d -= y[c] - mu[c]
    return 2.0 * d


@numba.njit(cache=True)
def _solve(h: Array, g: Array) -> Array:  # pragma: no cover
    """Solve h x = g for symmetric h; least squares when h is singular (as glm.irls does)."""
    p = h.shape[0]
    lower = np.zeros((p, p))
    ok = True
    for i in range(p):
        for j in range(i + 1):
            s = h[i, j]
            for m in range(j):
                s -= lower[i, m] * lower[j, m]
            if i == j:
                if s <= 1e-13 * max(abs(h[i, i]), 1e-300):
                    ok = False
                    break
                lower[i, i] = np.sqrt(s)
            else:
                lower[i, j] = s / lower[j, j]
        if not ok:
            break
    if not ok:
        ls: Array = np.asarray(np.linalg.lstsq(h, g)[0], dtype=np.float64)
        return ls
    z = np.empty(p)
    for i in range(p):
        s = g[i]
        for m in range(i):
            s -= lower[i, m] * z[m]
        z[i] = s / lower[i, i]
    x = np.empty(p)
    for i in range(p - 1, -1, -1):
        s = z[i]
        for m in range(i + 1, p):
            s -= lower[m, i] * x[m]
        x[i] = s / lower[i, i]
    return x


@numba.njit(cache=True)
def _newton(
    masks: npt.NDArray[np.int64],
    rows: npt.NDArray[np.bool_],
    y: Array,
    beta0: Array,
    warm: bool,
    k: int,
    maxit: int,
    tol: float,
) -> tuple[Array, Array, float, bool, int, float, float, float]:  # pragma: no cover
    if warm:
        beta = beta0.copy()
    else:  # weighted least squares on log(y + 0.5), as glm.irls starts
        w = np.zeros(y.shape[0])
        wz = np.zeros(y.shape[0])
        for c in range(y.shape[0]):
            if rows[c]:
                w[c] = y[c] + 0.5
                wz[c] = w[c] * np.log(y[c] + 0.5)
        beta = np.asarray(np.linalg.lstsq(_gram(w, masks, k), _xt(wz, masks, k))[0])
    mu = _mu(beta, masks, rows, k)
    dev = _deviance(y, mu, rows)
    yr = y * rows
    converged = False
    it = 0
    drift = 0.0
    for it in range(1, maxit + 1):  # noqa: B007 - the count is returned
        step = _solve(_gram(mu, masks, k), _xt(yr - mu, masks, k))
        new_beta = beta + step
        new_mu = _mu(new_beta, masks, rows, k)
        new_dev = _deviance(y, new_mu, rows)
        halvings = 0
        while not np.isfinite(new_dev) or (new_dev > dev + 1e-9 and halvings < 30):
            step = step / 2
            new_beta = beta + step
            new_mu = _mu(new_beta, masks, rows, k)
            new_dev = _deviance(y, new_mu, rows)
            halvings += 1
        change = abs(dev - new_dev)
        drift = 0.0  # how far this step lowered log mu on an empty cell
        for c in range(y.shape[0]):
            if rows[c] and y[c] == 0 and new_mu[c] < mu[c]:
                d = np.inf if new_mu[c] == 0 else np.log(mu[c] / new_mu[c])
                drift = max(drift, d)
        beta, mu, dev = new_beta, new_mu, new_dev
        if change < tol * (abs(dev) + 0.1):
            converged = True
            break
    smallest = np.inf  # the smallest fitted empty cell, and sum(y log mu - mu)
    ll = 0.0
    for c in range(y.shape[0]):
        if rows[c]:
            if y[c] == 0:
                smallest = min(smallest, mu[c])
            if mu[c] > 0:
                ll += y[c] * np.log(mu[c]) - mu[c]
    return beta, mu, dev, converged, it, drift, smallest, ll


@numba.njit(cache=True)
def _empty_terms(
    masks: npt.NDArray[np.int64], on_all: Array, first: int, rows: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:  # pragma: no cover - compiled
    """Drop, in place from ``rows``, the cells of every term (column >= ``first``) nobody is on.

    Returns which columns are kept: such a term goes to minus infinity (extended MLE).
    """
    keep = np.ones(masks.shape[0], dtype=np.bool_)
    for ci in range(first, masks.shape[0]):
        m = masks[ci]
        if on_all[m] == 0:
            keep[ci] = False
            for c in range(rows.shape[0]):
                if c & m == m:
                    rows[c] = False
    return keep


@numba.njit(cache=True)
def _rank(g: Array, rtol: float) -> int:  # pragma: no cover - compiled
    """Rank of a symmetric positive semi-definite matrix, by Cholesky with full pivoting."""
    a = g.copy()
    p = a.shape[0]
    top = 0.0
    for i in range(p):
        top = max(top, a[i, i])
    tol = rtol * max(top, 1e-300)
    rank = 0
    for j in range(p):
        best = j
        for i in range(j + 1, p):
            if a[i, i] > a[best, best]:
                best = i
        if a[best, best] <= tol:
            break
        if best != j:  # symmetric swap of rows and columns j and best
            for i in range(p):
                a[i, j], a[i, best] = a[i, best], a[i, j]
            for i in range(p):
                a[j, i], a[best, i] = a[best, i], a[j, i]
        d = np.sqrt(a[j, j])
        for i in range(j + 1, p):
            a[i, j] /= d
        for i in range(j + 1, p):
            for m in range(j + 1, i + 1):
                a[i, m] -= a[i, j] * a[m, j]
                a[m, i] = a[i, m]
        rank += 1
    return rank


def empty_terms(
    masks: npt.NDArray[np.int64], on_all: Array, k: int, rows: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Columns kept after dropping the interactions nobody is on (their cells leave ``rows``)."""
    out: npt.NDArray[np.bool_] = _empty_terms(masks, on_all, 1 + k, rows)
    return out


def rank(g: Array) -> int:
    """Numerical rank of a Gram matrix (relative tolerance as numpy's matrix_rank on X)."""
    return int(_rank(np.ascontiguousarray(g, dtype=np.float64), 1e-10))


@dataclass
class BinaryFit:
    """One Newton fit: parameters per column, fitted counts per cell (0 outside ``rows``).

    ``drift`` is how much the last step lowered log mu on an empty cell. Where the maximum
    likelihood estimate does not exist, Newton's method walks off to infinity along a direction
    that empties some cells, lowering their log mu by about 1 per step however small mu already
    is; at a finite maximum the steps shrink quadratically. So a tiny fitted empty cell with a
    drift near 1 marks a fit that needs the existence LP, and one with drift near 0 does not.
    """

    beta: Array
    mu: Array
    deviance: float
    converged: bool
    iterations: int
    drift: float
    smallest_empty: float  # the smallest fitted count of an empty cell (inf: none)
    kernel: float  # sum of y log mu - mu over the cells: the log likelihood without log y!


def newton(
    masks: npt.NDArray[np.int64],
    rows: npt.NDArray[np.bool_],
    y: Array,
    k: int,
    start: Array | None = None,
    maxit: int = 100,
    tol: float = 1e-11,
) -> BinaryFit:
    """Fit the Poisson log-linear model with design columns ``masks`` to the cells ``rows``.

    ``masks`` (int64), ``rows`` (bool) and ``y`` (float64, one value per cell) must be contiguous
    arrays of those types (no conversion here: this is called some 10^5 times a bootstrap).
    """
    warm = start is not None
    beta0 = np.asarray(start, dtype=np.float64) if warm else _NO_START
    out = _newton(masks, rows, y, beta0, warm, k, maxit, tol)
    return BinaryFit(*out)


_NO_START = np.zeros(0)


def gram(w: Array, masks: npt.NDArray[np.int64], k: int) -> Array:
    """X' diag(w) X over all 2^k cells (zero weights leave a cell out)."""
    out: Array = _gram(np.ascontiguousarray(w, dtype=np.float64), masks, k)
    return out


def term_masks(k: int, terms: tuple[tuple[int, ...], ...]) -> npt.NDArray[np.int64]:
    """List masks of the design columns: intercept, main effects, then the terms."""
    masks = [0, *(1 << j for j in range(k)), *(sum(1 << i for i in t) for t in terms)]
    return np.asarray(masks, dtype=np.int64)
