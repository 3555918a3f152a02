"""Model selection over two-way interaction models: exhaustive, stepwise by AIC/BIC, and the two
published stepwise procedures.

- ``exhaustive``: every subset of the k(k-1)/2 pairs (2^15 models for 6 lists), scored by AIC or
  BIC; models whose hidden count is not estimable are excluded. Runs over 2 processes when large.
- ``stepwise_ic``: forward-backward by the information criterion, from main effects.
- ``stepwise_bhs``: Bales, Hesketh & Silverman (2015): add the interaction that lowers AIC most,
  but only if its coefficient is significant (p < 0.05); stop when none qualifies.
- ``stepwise_pvalue``: Chan, Silverman & Vincent (2021): add the interaction with the smallest
  one-sided Poisson p-value of its overlap count, among models whose estimate exists, while
  p < threshold (0.02 by default, as SparseMSE's ``stepwisefit``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from zichtbaar.estimate.fit import Fitter, ModelFit
from zichtbaar.estimate.model import Term

METHODS = ("exhaustive", "stepwise", "bhs", "pvalue")


@dataclass(frozen=True)
class Candidate:
    """One row of the sensitivity table."""

    terms: tuple[Term, ...]
    status: str
    estimate: float
    aic: float
    bic: float
    deviance: float
    df: int


def _score(m: ModelFit, criterion: str) -> float:
    if not m.estimable:
        return float("inf")
    return m.aic if criterion == "aic" else m.bic


def _terms_of(mask: int, pairs: Sequence[Term]) -> tuple[Term, ...]:
    return tuple(p for i, p in enumerate(pairs) if mask >> i & 1)


def _fit_masks(args: tuple[int, npt.NDArray[np.float64], float, range]) -> list[Candidate]:
    k, y, n, masks = args
    f = Fitter(k, y, n)
    out = []
    for mask in masks:
        m = f.fit(_terms_of(mask, f.pairs))
        out.append(Candidate(m.terms, m.status, m.estimate, m.aic, m.bic, m.deviance, m.df))
    return out


def exhaustive(fitter: Fitter, workers: int | None = None) -> list[Candidate]:
    """Fit every two-way interaction model; the list is the sensitivity table."""
    n_models = 2 ** len(fitter.pairs)
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if n_models < 4096 or workers <= 1:
        return _fit_masks((fitter.k, fitter.y, fitter.n, range(n_models)))
    bounds = np.linspace(0, n_models, 8 * workers + 1).astype(int)
    chunks = [(fitter.k, fitter.y, fitter.n, range(int(a), int(b))) for a, b in pairwise(bounds)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(_fit_masks, chunks))
    return [c for part in parts for c in part]


def best(cands: Sequence[Candidate], criterion: str) -> Candidate:
    ok = [c for c in cands if c.status in ("exists", "extended")]
    if not ok:
        from zichtbaar.errors import NotEstimableError

        raise NotEstimableError("no candidate model gives an estimable hidden count")
    return min(ok, key=lambda c: (c.aic if criterion == "aic" else c.bic, len(c.terms)))


class Search:
    """The fits of one search on one table, by term set.

    A model met again (a backward move undoing a forward one) is not refitted, and every new fit
    starts from the fitted models one term smaller: their zero cells, and the largest one's
    parameters (``Fitter.fit``'s ``subs``). In a stepwise search most existence LPs are then
    run once per face, not once per step.
    """

    def __init__(self, fitter: Fitter) -> None:
        self.fitter = fitter
        self.fits: dict[frozenset[Term], ModelFit] = {}
        self.with_p: set[frozenset[Term]] = set()

    def fit(self, terms: tuple[Term, ...], want_p: bool = False) -> ModelFit:
        key = frozenset(terms)
        hit = self.fits.get(key)
        if hit is not None and (key in self.with_p or not want_p):
            return hit
        subs = [m for t in key if (m := self.fits.get(key - {t})) is not None]
        m = self.fitter.fit(terms, want_p=want_p, subs=subs)
        self.fits[key] = m
        if want_p:
            self.with_p.add(key)
        return m


def stepwise_ic(fitter: Fitter, criterion: str = "aic") -> ModelFit:
    """Forward-backward search from the independence model by AIC or BIC."""
    search = Search(fitter)
    current = search.fit(())
    model: set[Term] = set()
    while True:
        moves = [tuple(sorted(model | {p})) for p in fitter.pairs if p not in model]
        moves += [tuple(sorted(model - {p})) for p in model]
        fits = [search.fit(t) for t in moves]
        cand = min(fits, key=lambda m: _score(m, criterion), default=None)
        if cand is None or _score(cand, criterion) >= _score(current, criterion) - 1e-9:
            return current
        current = cand
        model = set(cand.terms)


def _forward_by_p(fitter: Fitter, threshold: float, need_ic_drop: bool) -> ModelFit:
    search = Search(fitter)
    current = search.fit((), want_p=True)
    model: list[Term] = []
    while True:
        best_fit: ModelFit | None = None
        best_key = float("inf")
        for p in fitter.pairs:
            if p in model:
                continue
            terms = tuple(sorted([*model, p]))
            col = 1 + fitter.k + terms.index(p)
            m = search.fit(terms, want_p=True)
            if not m.estimable:
                continue
            pv = m.pvalues[col]
            if not np.isfinite(pv) or pv >= threshold:
                continue
            if need_ic_drop:
                if m.aic >= current.aic:
                    continue
                key = m.aic
            else:
                key = pv
            if key < best_key:
                best_key, best_fit = key, m
        if best_fit is None:
            return current
        current = best_fit
        model = list(best_fit.terms)


def stepwise_bhs(fitter: Fitter, threshold: float = 0.05) -> ModelFit:
    """Bales, Hesketh & Silverman (2015): AIC-best addition, only if significant."""
    return _forward_by_p(fitter, threshold, need_ic_drop=True)


def stepwise_pvalue(fitter: Fitter, threshold: float = 0.02) -> ModelFit:
    """Chan, Silverman & Vincent (2021), as SparseMSE's ``stepwisefit``: add the pair with the
    smallest Poisson p-value of its overlap while that is below ``threshold``.

    The p-value of a candidate pair is that of the number of people on both lists against a
    Poisson law with the mean the current model fits to those cells (no refit needed), in the
    tail the count lies in: min(P(X <= n), P(X >= n)). So a pair that overlaps less than the
    model expects enters too, an empty overlap included (its term goes to minus infinity, as in
    SparseMSE, whose printed formula omits such terms). A pair is only eligible if the model with
    it is regular (``ModelFit.regular``: SparseMSE's ``checkident``); ties go to the first pair.
    """
    from scipy.stats import poisson

    from zichtbaar.estimate.model import cell_bits

    bits = cell_bits(fitter.k)
    search = Search(fitter)
    current = search.fit((), want_p=True)
    model: list[Term] = []
    while True:
        best: tuple[float, ModelFit] | None = None
        for p in fitter.pairs:
            if p in model:
                continue
            on = (bits[:, p[0]] == 1) & (bits[:, p[1]] == 1)
            total = float(fitter.y[on].sum())
            mean = float(current.fitted[on].sum())
            pv = min(float(poisson.cdf(total, mean)), float(poisson.sf(total - 1, mean)))
            if pv >= threshold or (best is not None and pv >= best[0]):
                continue
            m = search.fit(tuple(sorted([*model, p])), want_p=True)
            if m.regular:
                best = (pv, m)
        if best is None:
            return current
        current = best[1]
        model = list(current.terms)


def select(fitter: Fitter, method: str, criterion: str) -> tuple[ModelFit, list[Candidate]]:
    """Run one selection method; returns the chosen fit and (for exhaustive) all candidates."""
    if method == "exhaustive":
        cands = exhaustive(fitter)
        chosen = best(cands, criterion)
        return fitter.fit(chosen.terms, want_p=True), cands
    if method == "stepwise":
        return stepwise_ic(fitter, criterion), []
    if method == "bhs":
        return stepwise_bhs(fitter), []
    if method == "pvalue":
        return stepwise_pvalue(fitter), []
    raise ValueError(f"unknown selection method '{method}'; use one of {', '.join(METHODS)}")
