"""The dense-design log-linear fitter that ``zichtbaar.estimate.fit`` had before the binary
subset-sum core: kept here as the oracle the fast fitter is tested against (same statuses, same
estimates, same information criteria on every model of the shared tables).

Point-estimate convention: the Poisson one, total = observed + exp(intercept) (as Rcapture's
log-linear fit, SparseMSE and MultipleSystemsEstimation report it). The profile-likelihood
maximum of the multinomial likelihood differs by about 0.1 % and is reported beside it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import erfc

from zichtbaar.estimate import existence
from zichtbaar.estimate.fit import ModelFit
from zichtbaar.estimate.glm import GLMFit, irls
from zichtbaar.estimate.model import Term

Array = npt.NDArray[np.float64]

# A fitted zero cell below this triggers the exact LP check (a non-existent MLE drives such cells
# towards zero geometrically, far below this, before the deviance converges).
_SUSPECT = 1e-7


class ReferenceFitter:
    """The dense-design fitter the fast one replaced: the tests' oracle for ``Fitter.fit``."""

    def __init__(self, k: int, y: Array, n_observed: float | None = None) -> None:
        from zichtbaar.estimate.model import all_pairs, design

        self.k = k
        self.y = np.asarray(y, dtype=np.float64)
        self.n = float(self.y.sum()) if n_observed is None else n_observed
        self.pairs = all_pairs(k)
        self.X_pairs = design(k, self.pairs)
        self.has_zero = bool((self.y == 0).any())

    def design_for(self, terms: tuple[Term, ...]) -> Array:
        from zichtbaar.estimate.model import design

        if all(len(t) == 2 for t in terms):
            idx = [0, *range(1, self.k + 1), *(1 + self.k + self.pairs.index(t) for t in terms)]
            return self.X_pairs[:, idx]
        return design(self.k, terms)

    def fit(
        self, terms: tuple[Term, ...], want_p: bool = False, start: Array | None = None
    ) -> ModelFit:
        """Fit one model; ``start`` is a warm start for the full parameter vector."""
        xm = self.design_for(terms)
        y = self.y
        p = xm.shape[1]
        rows = np.ones(len(y), dtype=bool)
        keep = np.ones(p, dtype=bool)
        # An interaction whose cells are all empty goes to minus infinity: fix those cells at zero
        # and drop the term up front (the common extended-MLE case, without a linear programme).
        for ci in range(1 + self.k, p):
            on = xm[:, ci] == 1
            if self.has_zero and y[on].sum() == 0:
                rows &= ~on
                keep[ci] = False
        cols = np.nonzero(keep)[0]
        status = "exists" if rows.all() else "extended"
        xr, yr = xm[rows][:, cols], y[rows]
        need_lp = not rows.all() and int(np.linalg.matrix_rank(xr)) < len(cols)
        g: GLMFit | None = None
        if not need_lp:
            warm = start if start is not None and len(cols) == p else None
            g = irls(xr, yr, beta0=warm, want_cov=want_p)
            need_lp = bool((yr == 0).any()) and (
                not g.converged or bool((g.mu[yr == 0] < _SUSPECT).any())
            )
        if need_lp:
            ex = existence.check(xr, yr)
            if not ex.estimable:
                return self._failed(terms, "not_identifiable", p)
            if ex.status == "extended" or ex.rank < len(cols):
                status = "extended"
            sub = np.nonzero(rows)[0][ex.forced_zero]
            rows[sub] = False
            if ex.rank < len(cols):
                cols = cols[_independent_columns(xm[rows][:, cols])]
            g = irls(xm[rows][:, cols], y[rows], want_cov=want_p)
        assert g is not None
        if not g.converged or not np.all(np.isfinite(g.beta)):
            return self._failed(terms, "failed", p)
        xr = xm[rows][:, cols]
        # hidden = exp(x0 . b) where x0 = e0 expressed in the reduced basis
        if cols[0] == 0:
            log_hidden = float(g.beta[0])
        else:
            v = np.linalg.lstsq(xr.T, np.eye(p)[0][cols], rcond=None)[0]
            log_hidden = float(v @ np.log(np.maximum(g.mu, 1e-300)))
        fitted = np.zeros(len(y))
        fitted[rows] = g.mu
        n_params = len(cols)
        n_cells = int(rows.sum())
        pv = np.full(p, np.nan)
        if want_p and g.cov is not None:
            se = np.sqrt(np.maximum(np.diag(g.cov), 0))
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
            df=n_cells - n_params,
            n_params=n_params,
            loglik=g.loglik,
            aic=-2 * g.loglik + 2 * n_params,
            bic=-2 * g.loglik + np.log(max(self.n, 2.0)) * n_params,
            fitted=fitted,
            beta=beta,
            pvalues=pv,
            rows=rows,
            cols=cols,
        )

    def _failed(self, terms: tuple[Term, ...], status: str, p: int) -> ModelFit:
        nan = float("nan")
        return ModelFit(
            terms, status, nan, self.n, nan, 0, p, nan, np.inf, np.inf,
            np.full(len(self.y), np.nan), np.full(p, np.nan), np.full(p, np.nan),
        )  # fmt: skip


def _independent_columns(xm: Array) -> npt.NDArray[np.int64]:
    """A maximal set of linearly independent columns, keeping the intercept first."""
    from scipy.linalg import qr

    _, r, piv = qr(xm, pivoting=True, mode="economic")
    tol = abs(r[0, 0]) * max(xm.shape) * np.finfo(float).eps * 1e3
    rank = int((np.abs(np.diag(r)) > tol).sum())
    keep = np.sort(piv[:rank])
    return np.asarray(keep, dtype=np.int64)
