"""A small simulation: with independent lists and the true model fixed, the profile interval
covers the known total in most replicates and the estimator is nearly unbiased."""

from __future__ import annotations

import numpy as np

from zichtbaar.estimate import make_table
from zichtbaar.estimate.fit import Fitter
from zichtbaar.estimate.intervals import profile_ci


def test_independent_lists_coverage_and_bias() -> None:
    rng = np.random.default_rng(2026)
    n_true, probs = 2000, np.array([0.25, 0.2, 0.3, 0.15])
    hits, ests = 0, []
    for _ in range(30):
        caught = rng.random((n_true, 4)) < probs
        seen = caught[caught.any(axis=1)]
        cells = seen.astype(int) @ (1 << np.arange(4))
        full = np.bincount(cells, minlength=16)[1:].astype(float)
        f = Fitter(4, full)
        m = f.fit(())
        ci = profile_ci(f, m)
        assert ci is not None
        hits += ci.low <= n_true <= ci.high
        ests.append(m.estimate)
    assert hits / 30 >= 0.8
    assert abs(np.mean(ests) / n_true - 1) < 0.03


def test_positive_dependence_ignored_is_biased_low() -> None:
    # Known behaviour: positive dependence between two lists, fitted with main effects only,
    # underestimates; adding the true interaction removes most of the bias.
    rng = np.random.default_rng(5)
    n_true = 3000
    a = rng.random(n_true) < 0.3
    b = np.where(a, rng.random(n_true) < 0.5, rng.random(n_true) < 0.15)
    c = rng.random(n_true) < 0.25
    caught = np.stack([a, b, c], axis=1)
    seen = caught[caught.any(axis=1)]
    pats = np.unique(seen.astype(int), axis=0, return_counts=True)
    t = make_table(["A", "B", "C"], pats[0], pats[1])
    f = Fitter(3, t.full_counts())
    assert f.fit(()).estimate < 0.9 * n_true
    assert abs(f.fit(((0, 1),)).estimate / n_true - 1) < 0.15
