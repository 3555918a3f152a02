"""Intervals: profile likelihood for a fixed model, and a parametric bootstrap that re-runs the
model selection in every replicate (so the interval carries model-selection uncertainty).

The profile likelihood is the multinomial one of Cormack (1992) and Rcapture: for a total N, the
log-linear model is fitted to the complete table with N - n in the unobserved cell, and
log L(N) = log N!/(N-n)! + sum_c y_c log(mu_c / N). Its maximum is the profile point estimate
(about 0.1 % away from the Poisson n + exp(intercept)).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2

from zichtbaar.estimate.fit import Fitter, ModelFit
from zichtbaar.estimate.glm import irls
from zichtbaar.estimate.model import Term

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ProfileCI:
    low: float
    high: float
    mode: float  # the profile-likelihood maximum (the alternative point-estimate convention)


def _profile_loglik(xm: Array, y: Array, x0: Array, n: float, total: float) -> float:
    full_x = np.vstack([x0, xm])
    full_y = np.concatenate([[total - n], y])
    g = irls(full_x, full_y)
    mu = g.mu
    pos = full_y > 0
    return float(
        gammaln(total + 1) - gammaln(total - n + 1) + np.sum(full_y[pos] * np.log(mu[pos] / total))
    )


def profile_ci(fitter: Fitter, fit: ModelFit, level: float = 0.95) -> ProfileCI | None:
    """Profile-likelihood interval for the total; ``None`` when it cannot be computed."""
    if not fit.estimable or fit.rows is None or fit.cols is None or fit.cols[0] != 0:
        return None
    xm = fitter.design_for(fit.terms)[fit.rows][:, fit.cols]
    y = fitter.y[fit.rows]
    x0 = np.zeros(len(fit.cols))
    x0[0] = 1.0
    n = fitter.n

    def ll(total: float) -> float:
        return _profile_loglik(xm, y, x0, n, total)

    est = fit.estimate
    hi_b = max(est * 2, n + 10)
    opt = minimize_scalar(lambda t: -ll(t), bounds=(n, hi_b), method="bounded",
                          options={"xatol": 1e-6 * est})  # fmt: skip
    mode = float(opt.x)
    top = ll(mode)
    cut = float(chi2.ppf(level, 1)) / 2

    def g(t: float) -> float:
        return top - ll(t) - cut

    low = n if g(n) <= 0 else float(brentq(g, n, mode, xtol=1e-6 * est))
    high = mode * 1.5 + 10
    tries = 0
    while g(high) < 0 and tries < 40:
        high = n + (high - n) * 2
        tries += 1
    upper = float(brentq(g, mode, high, xtol=1e-6 * est)) if g(high) >= 0 else float("inf")
    return ProfileCI(low, upper, mode)


@dataclass(frozen=True)
class BootstrapResult:
    estimates: Array  # one total per replicate (NaN where no estimable model)
    low: float
    high: float
    failed: int
    models: dict[str, int]  # how often each model was chosen


def _replicate_chunk(
    args: tuple[int, Array, Array, str, str, tuple[tuple[Term, ...], ...] | None, int, int],
) -> tuple[list[float], list[tuple[Term, ...] | None]]:
    from zichtbaar.estimate.select import _score, select

    k, mu, _y, method, criterion, subset, seed_entropy, n_rep = args
    rng = np.random.default_rng(seed_entropy)
    est: list[float] = []
    chosen: list[tuple[Term, ...] | None] = []
    for _ in range(n_rep):
        ystar = rng.poisson(mu).astype(np.float64)
        f = Fitter(k, ystar)
        try:
            if subset is not None:
                fits = [f.fit(t) for t in subset]
                m = min(fits, key=lambda x: _score(x, criterion))
            else:
                m, _ = select(f, method, criterion)
        except Exception:
            est.append(float("nan"))
            chosen.append(None)
            continue
        est.append(m.estimate if m.estimable else float("nan"))
        chosen.append(m.terms if m.estimable else None)
    return est, chosen


def bootstrap(
    fitter: Fitter,
    fit: ModelFit,
    n_rep: int,
    method: str,
    criterion: str,
    seed: int,
    subset: list[tuple[Term, ...]] | None = None,
    level: float = 0.95,
    workers: int | None = None,
) -> BootstrapResult:
    """Parametric bootstrap from the chosen fit, re-selecting the model in each replicate.

    ``method='fixed'`` keeps the model; ``subset`` restricts the selection to a list of models
    (Silverman, Chan & Vincent 2024: the best models on the original data), which keeps an
    exhaustive search affordable. Replicates are split into a fixed number of seeded chunks, so
    the result does not depend on the number of workers.
    """
    if method == "fixed":
        subset = [fit.terms]
    n_chunks = 8
    sizes = [n_rep // n_chunks + (1 if i < n_rep % n_chunks else 0) for i in range(n_chunks)]
    seeds = np.random.SeedSequence(seed).generate_state(n_chunks)
    sub = tuple(subset) if subset is not None else None
    args = [
        (fitter.k, fit.fitted, fitter.y, method, criterion, sub, int(s), n)
        for s, n in zip(seeds, sizes, strict=True)
        if n > 0
    ]
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if workers > 1 and n_rep >= 50:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_replicate_chunk, args))
    else:
        parts = [_replicate_chunk(a) for a in args]
    est = np.array([e for p in parts for e in p[0]], dtype=np.float64)
    models: dict[str, int] = {}
    for p in parts:
        for terms in p[1]:
            if terms is not None:
                key = repr(terms)
                models[key] = models.get(key, 0) + 1
    ok = est[np.isfinite(est)]
    a = (1 - level) / 2
    low, high = (
        (float(np.quantile(ok, a)), float(np.quantile(ok, 1 - a))) if ok.size else (np.nan,) * 2
    )
    return BootstrapResult(est, low, high, int((~np.isfinite(est)).sum()), models)
