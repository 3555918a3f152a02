"""Bayesian model averaging over decomposable graphical models (Madigan & York 1997; R's dga).

For each decomposable model (``graphs``) and each candidate number of hidden people m, the
posterior weight is the hyper-Dirichlet marginal likelihood of the completed 2^k table, which
factorises over the model's cliques C and separators S:

    log p(m, G | y) = sum_C L_C(m) - sum_S L_S(m) + (|C| - |S|) D(m)
                      + log (n + m)! / (m! prod y!) + log prior(n + m) + const,

with L_A(m) = lgamma(m + y_A(0) + d_A) + sum_{a != 0} lgamma(y_A(a) + d_A) - 2^|A| lgamma(d_A)
over the marginal table y_A of the lists in A (its all-zero cell holding the m hidden people),
d_A = delta 2^(k - |A|) (the hyper-Dirichlet's consistent margins) and
D(m) = lgamma(2^k delta) - lgamma(n + m + 2^k delta). The defaults are dga's: delta = 2^-k,
prior p(N) proportional to 1/N, every model equally likely a priori.

m runs over a grid: every integer up to 2,000, then 2,000 geometrically spaced points (0.4 %
apart at most) up to where the upper tail holds no mass; each point stands for the integers up
to the next one (a Riemann sum of the same posterior). The grid widens until that holds, up to
10,000 x the observed count; beyond it the estimate says the upper tail is not bounded (the
saturated model, which no overlap can contradict, then carries the prior's heavy tail).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln, logsumexp

from zichtbaar.errors import EstimationError
from zichtbaar.estimate.graphs import Decomposable, decomposable_graphs
from zichtbaar.estimate.patterns import PatternTable

Array = npt.NDArray[np.float64]

MAX_LISTS = 5
_DENSE = 2000  # hidden counts 0 .. _DENSE one by one, then _SPARSE geometric points
_SPARSE = 2000
_TAIL = 1e-4  # mass the upper end may still stand for (density x its value), relative to all
_MAX_UPPER = 10_000  # times the observed count: the widest grid


@dataclass(frozen=True)
class ModelAveraged:
    """The joint posterior of model and hidden count on a grid of hidden counts."""

    lists: tuple[str, ...]
    observed: int
    hidden: Array  # the grid of hidden counts m
    weights: Array  # (models, grid): posterior mass of each model and grid point
    graphs: tuple[Decomposable, ...]
    delta: float
    bounded: bool  # False: mass still at the widest grid's end

    @property
    def totals(self) -> Array:
        return self.observed + self.hidden

    @property
    def mass(self) -> Array:
        """Posterior of the total N on the grid (summed over models)."""
        m: Array = self.weights.sum(axis=0)
        return m

    @property
    def model_probabilities(self) -> Array:
        p: Array = self.weights.sum(axis=1)
        return p


def _cell_margins(full: Array, k: int) -> Array:
    """counts[A, a]: people whose capture pattern restricted to lists A is a (both bit masks)."""
    n_cells = 2**k
    cells = np.arange(n_cells)
    out = np.zeros((n_cells, n_cells))
    for a in range(1, n_cells):
        np.add.at(out[a], cells & a, full)
    return out


def _components(full: Array, k: int, hidden: Array, delta: float) -> Array:
    """L_A(m) for every non-empty list subset A (rows, by mask) and grid point m (columns)."""
    n_cells = 2**k
    margins = _cell_margins(full, k)
    out = np.zeros((n_cells, len(hidden)))
    for a in range(1, n_cells):
        size = bin(a).count("1")
        d = delta * 2.0 ** (k - size)
        sub = margins[a][[c for c in range(n_cells) if c & ~a == 0]]  # the 2^|A| margin cells
        const = float(np.sum(gammaln(sub[1:] + d)) - 2**size * gammaln(d))
        out[a] = gammaln(hidden + sub[0] + d) + const
    return out


def _log_weights(
    full: Array, k: int, hidden: Array, delta: float, graphs: tuple[Decomposable, ...]
) -> Array:
    n = float(full.sum())
    comp = _components(full, k, hidden, delta)
    design = np.zeros((len(graphs), 2**k))
    for i, g in enumerate(graphs):
        design[i, list(g.cliques)] += 1.0
        np.subtract.at(design[i], list(g.separators), 1.0)
    n_parts = design.sum(axis=1)  # cliques minus separators
    alpha = 2**k * delta
    dnorm = gammaln(alpha) - gammaln(n + hidden + alpha)
    shared = gammaln(n + hidden + 1) - gammaln(hidden + 1) - np.log(n + hidden)
    out: Array = design @ comp + n_parts[:, None] * dnorm[None, :] + shared[None, :]
    return out


def grid(upper: float) -> tuple[Array, Array]:
    """Hidden counts to evaluate up to ``upper``, and the number of integers each stands for."""
    dense = np.arange(0.0, min(np.ceil(upper), _DENSE) + 1)
    if upper > _DENSE:
        sparse = np.unique(np.round(np.geomspace(_DENSE, upper, _SPARSE)))
        dense = np.concatenate([dense, sparse[sparse > _DENSE]])
    widths = np.diff(dense, append=dense[-1] + (dense[-1] - dense[-2] if len(dense) > 1 else 1))
    return dense, widths


def _normalised(logw: Array, widths: Array) -> Array:
    logw = logw + np.log(widths)[None, :]
    w: Array = np.exp(logw - logsumexp(logw))
    return w


def model_average(
    table: PatternTable, delta: float | None = None, hidden: Array | None = None
) -> ModelAveraged:
    """The model-averaged posterior of the hidden count (dga's ``bma.cr`` with its defaults).

    ``hidden`` fixes the sorted hidden counts to evaluate (as ``Nmissing`` in dga; each stands
    for the integers up to the next); by default the grid widens from 10 x the observed count
    until the posterior's upper tail is negligible.
    """
    k = table.k
    if k < 3 or k > MAX_LISTS:
        raise EstimationError(
            f"model averaging over decomposable graphs needs 3 to {MAX_LISTS} lists; "
            "merge lists (e.g. by type of organisation) to use it"
        )
    d = 2.0**-k if delta is None else float(delta)
    if not d > 0:
        raise EstimationError("the hyper-Dirichlet parameter delta must be positive")
    full = np.concatenate([[0.0], table.full_counts()])
    graphs = decomposable_graphs(k)
    n = table.observed
    if hidden is not None:
        h = np.asarray(hidden, dtype=np.float64)
        widths = np.diff(h, append=h[-1] + (h[-1] - h[-2] if len(h) > 1 else 1.0))
        w = _normalised(_log_weights(full, k, h, d, graphs), widths)
        return ModelAveraged(table.lists, n, h, w, graphs, d, True)
    upper = max(10.0 * n, 100.0)
    while True:
        h, widths = grid(upper)
        logw = _log_weights(full, k, h, d, graphs)
        dens = logsumexp(logw, axis=0)
        total = logsumexp(dens + np.log(widths))
        bounded = bool(dens[-1] + np.log(h[-1]) - total < np.log(_TAIL))
        if bounded or upper >= _MAX_UPPER * max(n, 1):
            break
        upper = min(upper * 4, _MAX_UPPER * max(n, 1))
    w = _normalised(logw, widths)
    return ModelAveraged(table.lists, n, h, w, graphs, d, bounded)


def grid_quantiles(values: Array, mass: Array, probs: Array) -> Array:
    """Quantiles of a distribution given as masses on sorted grid points (linear between)."""
    cdf = np.cumsum(mass)
    cdf = cdf / cdf[-1]
    out: Array = np.interp(probs, cdf, values)
    return out
