"""Fit one log-linear model to a capture table, with existence checks and information criteria.

Point-estimate convention: the Poisson one, total = observed + exp(intercept) (as Rcapture's
log-linear fit, SparseMSE and MultipleSystemsEstimation report it). The profile-likelihood
maximum of the multinomial likelihood differs by about 0.1 % and is reported beside it.

The Newton iterations run on the binary table itself (``binfit``); a dense design matrix is only
built on the rare paths that need one (the existence LP, a rank-deficient reduced design).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import erfc, gammaln

from zichtbaar.estimate import binfit, existence
from zichtbaar.estimate.model import Term

Array = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

# A fitted zero cell below this triggers the exact LP check (a non-existent MLE drives such cells
# towards zero geometrically, far below this, before the deviance converges).
_SUSPECT = 1e-7
# ... and only if the last Newton step still lowered an empty cell's log mu by this much (about 1
# along a direction to infinity, about 0 at a finite maximum: ``binfit.BinaryFit.drift``).
_DRIFT = 0.1
# A fitted empty cell this small has walked off whatever the last step did (seen where the hidden
# count diverges with it, and Newton's last steps stall in the noise).
_GONE = 1e-20


@dataclass
class ModelFit:
    terms: tuple[Term, ...]
    status: str  # exists | extended | not_identifiable | failed
    hidden: float
    observed: float
    deviance: float
    df: int
    n_params: int
    loglik: float
    aic: float
    bic: float
    fitted: Array  # per observable cell; zero for forced-zero cells
    beta: Array  # finite parameters of the reduced design (NaN when not estimable)
    pvalues: Array  # Wald p-values per design column (NaN where not estimable)
    rows: Mask | None = None  # cells kept (not forced to zero)
    cols: npt.NDArray[np.int64] | None = None  # design columns kept (finite parameters)
    masks: npt.NDArray[np.int64] | None = None  # list mask of every design column
    # The MLE exists once the cells of the empty-overlap terms are dropped, on a design of full
    # rank there: the models SparseMSE's checkident accepts (no LP-forced cells, no aliasing).
    regular: bool = False

    @property
    def estimable(self) -> bool:
        return self.status in ("exists", "extended")

    @property
    def estimate(self) -> float:
        return self.observed + self.hidden


class Fitter:
    """Fits models to one table of the 2^k - 1 observable cells (cell c: bit j = on list j)."""

    def __init__(self, k: int, y: Array, n_observed: float | None = None) -> None:
        from zichtbaar.estimate.model import all_pairs, design

        self.k = k
        self.y = np.asarray(y, dtype=np.float64)
        self.n = float(self.y.sum()) if n_observed is None else n_observed
        self.pairs = all_pairs(k)
        self.X_pairs = design(k, self.pairs)
        self.has_zero = bool((self.y == 0).any())
        self.full = np.concatenate([[0.0], self.y])  # indexed by cell mask; cell 0 unobserved
        cells = np.arange(2**k, dtype=np.int64)
        up = self.full.copy()
        for j in range(k):  # superset sums: people on every list of a mask
            bit = 1 << j
            low = (cells & bit) == 0
            up[low] += up[cells[low] | bit]
        self._on_all = up
        self._base_masks = binfit.term_masks(k, ())
        self._term_mask = {t: (1 << t[0]) | (1 << t[1]) for t in self.pairs}
        self._log_y_fact = float(np.sum(gammaln(self.y + 1)))

    def _masks(self, terms: tuple[Term, ...]) -> npt.NDArray[np.int64]:
        """List masks of the design columns (intercept, main effects, then ``terms``)."""
        extra = [self._term_mask.get(t) or sum(1 << i for i in t) for t in terms]
        return np.concatenate([self._base_masks, np.asarray(extra, dtype=np.int64)])

    def design_for(self, terms: tuple[Term, ...]) -> Array:
        from zichtbaar.estimate.model import design

        if all(len(t) == 2 for t in terms):
            idx = [0, *range(1, self.k + 1), *(1 + self.k + self.pairs.index(t) for t in terms)]
            return self.X_pairs[:, idx]
        return design(self.k, terms)

    def fit(
        self,
        terms: tuple[Term, ...],
        want_p: bool = False,
        start: Array | None = None,
        subs: Sequence[ModelFit] = (),
    ) -> ModelFit:
        """Fit one model.

        ``start`` is a warm start for the full parameter vector. ``subs`` are fitted sub-models
        (their terms subsets of ``terms``): their zero cells are zero here too (a direction that
        drives a cell to zero in a smaller model exists in the larger one), so they are removed
        up front, and the largest of them warm-starts the fit; the existence LP then runs only
        when this model drives further cells to zero.
        """
        masks = self._masks(terms)
        p = len(masks)
        rows = np.ones(2**self.k, dtype=bool)
        rows[0] = False
        # An interaction whose cells are all empty goes to minus infinity: fix those cells at zero
        # and drop the term up front (the common extended-MLE case, without a linear programme).
        if self.has_zero:
            keep = binfit.empty_terms(masks, self._on_all, self.k, rows)
        else:
            keep = np.ones(p, dtype=bool)
        structural = rows.copy()
        usable = [m for m in subs if m.estimable and set(m.terms) <= set(terms)]
        for m in usable:
            assert m.rows is not None
            rows[1:] &= m.rows
        if usable:
            start = _start_from(max(usable, key=lambda m: len(m.terms)), masks)
        elif start is not None and len(start) != p:
            start = None
        cols = np.nonzero(keep)[0]
        lp_done = False
        while True:
            cols_or_none = self._reduce(terms, masks, rows, cols)
            if cols_or_none is None:
                return self._failed(terms, "not_identifiable", p)
            cols = cols_or_none
            warm = start[cols] if start is not None and len(cols) else None
            g = binfit.newton(masks[cols], rows, self.full, self.k, start=warm)
            low = g.smallest_empty  # inf when no empty cell is in the likelihood
            suspicious = np.isfinite(low) and (
                not g.converged or low < _GONE or (g.drift > _DRIFT and low < _SUSPECT)
            )
            if lp_done or not suspicious:
                break
            lp_done = True
            xr = self.design_for(terms)[rows[1:]][:, cols]
            forced = existence.forced_zero_cells(xr, self.y[rows[1:]])
            kept = np.nonzero(rows)[0]
            rows[kept[forced]] = False
        if not g.converged or not np.isfinite(g.beta).all():
            return self._failed(terms, "failed", p)
        res = self._result(terms, masks, rows, cols, g, want_p)
        res.regular = len(cols) == int(keep.sum()) and bool((rows == structural).all())
        return res

    def _reduce(
        self,
        terms: tuple[Term, ...],
        masks: npt.NDArray[np.int64],
        rows: Mask,
        cols: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.int64] | None:
        """Independent columns on the kept cells, or None if the hidden count is not identified.

        The hidden count is identifiable iff the unobserved cell's design row (the intercept
        alone) lies in the row space of the design on the kept cells.
        """
        if rows[1:].all():
            return cols
        g = binfit.gram(rows.astype(np.float64), masks[cols], self.k)
        if binfit.rank(g) == len(cols):
            return cols
        e0 = np.zeros(len(cols))
        e0[0] = 1.0
        v = np.linalg.lstsq(g, e0, rcond=None)[0]
        if not np.allclose(g @ v, e0, atol=1e-8):
            return None
        xr = self.design_for(terms)[rows[1:]][:, cols]
        return cols[_independent_columns(xr)]

    def _result(
        self,
        terms: tuple[Term, ...],
        masks: npt.NDArray[np.int64],
        rows: Mask,
        cols: npt.NDArray[np.int64],
        g: binfit.BinaryFit,
        want_p: bool,
    ) -> ModelFit:
        p = len(masks)
        status = "exists" if rows[1:].all() and len(cols) == p else "extended"
        if cols[0] == 0:
            log_hidden = float(g.beta[0])
        else:  # hidden = exp(x0 . b) where x0 = e0 expressed in the reduced basis
            xr = self.design_for(terms)[rows[1:]][:, cols]
            v = np.linalg.lstsq(xr.T, np.eye(p)[0][cols], rcond=None)[0]
            log_hidden = float(v @ np.log(np.maximum(g.mu[rows], 1e-300)))
        loglik = g.kernel - self._log_y_fact
        n_params = len(cols)
        pv = np.full(p, np.nan)
        if want_p:
            info = binfit.gram(g.mu, masks[cols], self.k)
            try:
                cov = np.linalg.inv(info)
            except np.linalg.LinAlgError:
                cov = np.linalg.pinv(info)
            se = np.sqrt(np.maximum(np.diag(cov), 0))
            with np.errstate(divide="ignore", invalid="ignore"):
                pv[cols] = erfc(np.abs(g.beta / se) / np.sqrt(2))
        beta = np.full(p, np.nan)
        beta[cols] = g.beta
        return ModelFit(
            terms=terms,
            status=status,
            hidden=float(np.exp(log_hidden)),
            observed=self.n,
            deviance=g.deviance,
            df=int(rows.sum()) - n_params,
            n_params=n_params,
            loglik=loglik,
            aic=-2 * loglik + 2 * n_params,
            bic=-2 * loglik + np.log(max(self.n, 2.0)) * n_params,
            fitted=g.mu[1:],
            beta=beta,
            pvalues=pv,
            rows=rows[1:].copy(),
            cols=cols,
            masks=masks,
        )

    def _failed(self, terms: tuple[Term, ...], status: str, p: int) -> ModelFit:
        nan = float("nan")
        return ModelFit(
            terms, status, nan, self.n, nan, 0, p, nan, np.inf, np.inf,
            np.full(len(self.y), np.nan), np.full(p, np.nan), np.full(p, np.nan),
        )  # fmt: skip


def _start_from(parent: ModelFit, masks: npt.NDArray[np.int64]) -> Array | None:
    """The parent's finite parameters on this model's columns, the others at 0."""
    if parent.masks is None:
        return None
    order = np.argsort(parent.masks)
    known, values = parent.masks[order], parent.beta[order]
    at = np.minimum(np.searchsorted(known, masks), len(known) - 1)
    found = (known[at] == masks) & np.isfinite(values[at])
    return np.where(found, values[at], 0.0)


def _independent_columns(xm: Array) -> npt.NDArray[np.int64]:
    """A maximal set of linearly independent columns, keeping the intercept first."""
    from scipy.linalg import qr

    _, r, piv = qr(xm, pivoting=True, mode="economic")
    tol = abs(r[0, 0]) * max(xm.shape) * np.finfo(float).eps * 1e3
    rank = int((np.abs(np.diag(r)) > tol).sum())
    keep = np.sort(piv[:rank])
    return np.asarray(keep, dtype=np.int64)
