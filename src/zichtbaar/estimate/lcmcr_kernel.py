"""The Gibbs sampler of the latent-class capture-recapture model, compiled with numba.

The model (Manrique-Vallier 2016, R's LCMCR): each of N people belongs to one of K latent classes
with stick-breaking weights nu (a truncated Dirichlet process with concentration alpha); within
class k, list j records a person with probability lambda[j, k], independently of the other lists.
Priors: lambda ~ Beta(1, 1), alpha ~ Gamma(a_alpha, b_alpha), p(N) proportional to 1/N.

Written by hand because no maintained Python library samples this model (PyMC and friends
cannot sample the discrete population size with the data augmentation the model needs). The
sampler works on pattern counts, not on people: people with the same capture pattern are
exchangeable, so their class counts are one multinomial draw, and an iteration costs
cells x classes x lists whatever the number of people. Gamma variates enter in logs (a small
shape's draw can underflow to 0, which would make a stick's log(1 - V) infinite).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

WARMUP = 500  # iterations without the alpha update before burn-in (LCMCR does the same) ...
WARMUP_ALPHA = 0.3  # ... with alpha held at this / K: the chain starts from few classes
TRUNCATE = 20  # hidden people are redrawn while above this multiple of the observed count


@njit(cache=True)
def _log_gamma(shape: float) -> float:
    """log of a Gamma(shape, 1) variate, accurate also for a shape far below 1."""
    if shape < 1.0:
        u = np.random.random()
        while u == 0.0:
            u = np.random.random()
        return float(np.log(np.random.gamma(shape + 1.0, 1.0)) + np.log(u) / shape)
    return float(np.log(np.random.gamma(shape, 1.0)))


@njit(cache=True)
def _multinomial(n: int, w: FloatArray, out: IntArray) -> None:
    """Split n into len(w) counts with probabilities proportional to w (sequential binomials)."""
    k = len(w)
    rest = 0.0
    for i in range(k):
        rest += w[i]
    left = n
    for i in range(k - 1):
        if left == 0 or rest <= 0.0:
            out[i] = 0
            continue
        p = w[i] / rest
        x = left if p >= 1.0 else (np.random.binomial(left, p) if p > 0.0 else 0)
        out[i] = x
        left -= x
        rest -= w[i]
    out[k - 1] = left


@njit(cache=True)
def _class_weights(log_nu: FloatArray, log_lam: FloatArray, cell: IntArray, w: FloatArray) -> None:
    """Unnormalised P(class k | pattern) into w (shifted by the maximum before exp)."""
    k_max = len(log_nu)
    top = -np.inf
    for k in range(k_max):
        lp = log_nu[k]
        for j in range(len(cell)):
            lp += log_lam[j, k, cell[j]]
        w[k] = lp
        top = max(top, lp)
    for k in range(k_max):
        w[k] = np.exp(w[k] - top)


@njit(cache=True)
def _sweep(
    cells: IntArray,
    freq: IntArray,
    state: FloatArray,
    log_nu: FloatArray,
    log_lam: FloatArray,
    cz: IntArray,
    c0: IntArray,
    prior: FloatArray,
    update_alpha: bool,
) -> int:
    """One Gibbs iteration; returns how many negative-binomial draws the truncation rejected.

    ``state`` holds [alpha, hidden]; ``prior`` [a_alpha, b_alpha].
    """
    m_cells, j_lists = cells.shape
    k_max = len(log_nu)
    n = 0
    for m in range(m_cells):
        n += freq[m]
    w = np.empty(k_max)
    # classes of the observed people, pattern by pattern
    for m in range(m_cells):
        _class_weights(log_nu, log_lam, cells[m], w)
        _multinomial(freq[m], w, cz[m])
    # recording probabilities
    for k in range(k_max):
        for j in range(j_lists):
            ones = 0
            for m in range(m_cells):
                ones += cz[m, k] * cells[m, j]
            zeros = c0[k]
            for m in range(m_cells):
                zeros += cz[m, k] * (1 - cells[m, j])
            a = _log_gamma(1.0 + ones)
            b = _log_gamma(1.0 + zeros)
            s = np.logaddexp(a, b)
            log_lam[j, k, 1] = a - s
            log_lam[j, k, 0] = b - s
    # stick-breaking class weights
    alpha = state[0]
    total = n + int(state[1])
    acc = 0
    log_rest = 0.0
    for k in range(k_max - 1):
        nk = c0[k]
        for m in range(m_cells):
            nk += cz[m, k]
        acc += nk
        a = _log_gamma(1.0 + nk)
        b = _log_gamma(alpha + (total - acc))
        s = np.logaddexp(a, b)
        log_nu[k] = a - s + log_rest
        log_rest += b - s
    log_nu[k_max - 1] = log_rest
    # the unobserved: how many, and their classes
    zero = np.empty(k_max)
    p0 = 0.0
    for k in range(k_max):
        lp = log_nu[k]
        for j in range(j_lists):
            lp += log_lam[j, k, 0]
        zero[k] = lp
        p0 += np.exp(lp)
    p_seen = min(max(1.0 - p0, 1e-300), 1.0)
    rejected = 0
    hidden = np.random.negative_binomial(n, p_seen)
    while hidden > TRUNCATE * n:
        rejected += 1
        if rejected > 1000:  # the posterior sits at the cap: keep the cap, the caller warns
            hidden = TRUNCATE * n
            break
        hidden = np.random.negative_binomial(n, p_seen)
    state[1] = hidden
    top = zero.max()
    for k in range(k_max):
        zero[k] = np.exp(zero[k] - top)
    _multinomial(hidden, zero, c0)
    if update_alpha:
        state[0] = np.random.gamma(prior[0] + k_max - 1.0, 1.0 / (prior[1] - log_nu[k_max - 1]))
    return rejected


@njit(cache=True)
def run_chain(
    cells: IntArray,
    freq: IntArray,
    classes: int,
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    draws: int,
    thin: int,
    seed: int,
) -> tuple[IntArray, IntArray, FloatArray, int]:
    """One seeded chain: hidden count, occupied classes and alpha at every kept draw.

    Starts from the lists' marginal recording rates in every class and uniform sticks, runs
    ``WARMUP`` iterations with alpha held small (as LCMCR does: started with many classes in
    use, chains can sit for 10^5 iterations in a low mode of N that the posterior hardly
    visits), then ``burnin``, then keeps every ``thin``-th of
    ``draws * thin`` iterations. Also returns the number of iterations whose hidden count the
    truncation had to redraw.
    """
    np.random.seed(seed)
    m_cells, j_lists = cells.shape
    n = 0
    for m in range(m_cells):
        n += freq[m]
    log_lam = np.empty((j_lists, classes, 2))
    for j in range(j_lists):
        seen = 0
        for m in range(m_cells):
            seen += freq[m] * cells[m, j]
        p = min(max(seen / n, 1e-3), 1.0 - 1e-3)
        for k in range(classes):
            log_lam[j, k, 1] = np.log(p)
            log_lam[j, k, 0] = np.log1p(-p)
    log_nu = np.empty(classes)
    rest = 0.0
    for k in range(classes - 1):
        a = _log_gamma(1.0)
        b = _log_gamma(1.0)
        s = np.logaddexp(a, b)
        log_nu[k] = a - s + rest
        rest += b - s
    log_nu[classes - 1] = rest
    state = np.array([WARMUP_ALPHA / classes, 0.0])
    prior = np.array([a_alpha, b_alpha])
    cz = np.zeros((m_cells, classes), dtype=np.int64)
    c0 = np.zeros(classes, dtype=np.int64)
    for _ in range(WARMUP):
        _sweep(cells, freq, state, log_nu, log_lam, cz, c0, prior, False)
    for _ in range(burnin):
        _sweep(cells, freq, state, log_nu, log_lam, cz, c0, prior, True)
    hidden = np.empty(draws, dtype=np.int64)
    occupied = np.empty(draws, dtype=np.int64)
    alphas = np.empty(draws)
    truncated = 0
    for d in range(draws):
        for _ in range(thin):
            if _sweep(cells, freq, state, log_nu, log_lam, cz, c0, prior, True) > 0:
                truncated += 1
        hidden[d] = int(state[1])
        used = 0
        for k in range(classes):
            nk = c0[k]
            for m in range(m_cells):
                nk += cz[m, k]
            if nk > 0:
                used += 1
        occupied[d] = used
        alphas[d] = state[0]
    return hidden, occupied, alphas, truncated
