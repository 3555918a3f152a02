"""Poisson log-linear fitting: a direct Newton/IRLS solver on numpy, and statsmodels for checks.

Why a hand-written solver: exhaustive model search fits up to 2^15 models and a bootstrap with
stepwise selection some 10^5, on tables of at most 63 cells. statsmodels' GLM costs about a
millisecond of Python overhead per fit, which is more than the arithmetic; the loop below does the
same IRLS (tested to agree with statsmodels to 1e-6) in a fraction of that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln

Array = npt.NDArray[np.float64]


@dataclass
class GLMFit:
    beta: Array
    mu: Array
    deviance: float
    loglik: float
    converged: bool
    iterations: int
    cov: Array | None = None


def poisson_loglik(y: Array, mu: Array) -> float:
    pos = mu > 0
    return float(np.sum(y[pos] * np.log(mu[pos]) - mu[pos]) - np.sum(gammaln(y + 1)))


def poisson_deviance(y: Array, mu: Array, ylogy: float | None = None) -> float:
    """2 sum(y log(y/mu) - (y - mu)); ``ylogy`` (sum y log y) can be passed in precomputed."""
    pos = y > 0
    if ylogy is None:
        ylogy = float(np.sum(y[pos] * np.log(y[pos])))
    return float(2 * (ylogy - np.sum(y[pos] * np.log(mu[pos])) + np.sum(mu) - np.sum(y)))


def irls(
    xm: Array,
    y: Array,
    beta0: Array | None = None,
    offset: Array | None = None,
    maxit: int = 100,
    tol: float = 1e-11,
    want_cov: bool = False,
) -> GLMFit:
    """Fit a Poisson GLM with log link by Newton's method (= IRLS for the canonical link)."""
    off = np.zeros(len(y)) if offset is None else offset
    pos = y > 0
    ylogy = float(np.sum(y[pos] * np.log(y[pos])))
    if beta0 is None:
        eta = np.log(y + 0.5)
        z = eta - off
        w = y + 0.5
        xtw = xm.T * w
        beta = np.linalg.lstsq(xtw @ xm, xtw @ z, rcond=None)[0]
    else:
        beta = beta0.copy()
    eta = xm @ beta + off
    mu = np.exp(np.minimum(eta, 700))
    dev = poisson_deviance(y, mu, ylogy)
    converged = False
    it = 0
    for it in range(1, maxit + 1):  # noqa: B007 - the count is reported
        xtw = xm.T * mu
        grad = xm.T @ (y - mu)
        try:
            step = np.linalg.solve(xtw @ xm, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(xtw @ xm, grad, rcond=None)[0]
        new_beta = beta + step
        new_mu = np.exp(np.minimum(xm @ new_beta + off, 700))
        new_dev = poisson_deviance(y, new_mu, ylogy)
        halvings = 0
        while not np.isfinite(new_dev) or (new_dev > dev + 1e-9 and halvings < 30):
            step /= 2
            new_beta = beta + step
            new_mu = np.exp(np.minimum(xm @ new_beta + off, 700))
            new_dev = poisson_deviance(y, new_mu, ylogy)
            halvings += 1
        change = abs(dev - new_dev)
        beta, mu, dev = new_beta, new_mu, new_dev
        if change < tol * (abs(dev) + 0.1):
            converged = True
            break
    cov = None
    if want_cov:
        info = (xm.T * mu) @ xm
        try:
            cov = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            cov = np.linalg.pinv(info)
    return GLMFit(
        np.asarray(beta, dtype=np.float64),
        mu,
        dev,
        poisson_loglik(y, mu),
        converged,
        it,
        None if cov is None else np.asarray(cov, dtype=np.float64),
    )


def statsmodels_fit(xm: Array, y: Array) -> GLMFit:
    """The same fit with statsmodels (the reference the fast solver is tested against)."""
    import statsmodels.api as sm

    res = sm.GLM(y, xm, family=sm.families.Poisson()).fit(tol=1e-12, maxiter=200)
    beta = np.asarray(res.params, dtype=np.float64)
    mu = np.asarray(res.fittedvalues, dtype=np.float64)
    return GLMFit(
        beta,
        mu,
        float(res.deviance),
        float(res.llf),
        bool(res.converged),
        int(res.fit_history["iteration"]),
        np.asarray(res.cov_params(), dtype=np.float64),
    )
