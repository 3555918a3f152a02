"""The subset-sum fitter (``estimate.fit`` on ``binfit``) against the dense-design fitter it
replaced (``reference_fit``), which is itself tested against statsmodels in ``test_fit``.

Same status (exists / extended / not identifiable), estimate, AIC and df on every two-way model
of the small shared tables, and on random models of sparse tables drawn like bootstrap
replicates, where non-existent MLEs are common and the LP trigger must not miss one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.estimate.reference_fit import ReferenceFitter
from zichtbaar.estimate import read_patterns_csv
from zichtbaar.estimate.binfit import gram, rank, term_masks
from zichtbaar.estimate.fit import Fitter, ModelFit
from zichtbaar.estimate.model import all_pairs, design
from zichtbaar.estimate.select import Search, _terms_of

REF = Path(__file__).resolve().parents[1] / "reference" / "mse"


def _same(a: ModelFit, b: ModelFit) -> None:
    assert a.status == b.status, (a.terms, a.status, b.status)
    if b.estimable:
        assert a.estimate == pytest.approx(b.estimate, rel=1e-6)
        assert a.aic == pytest.approx(b.aic, rel=1e-7, abs=1e-6)
        assert a.df == b.df
        np.testing.assert_allclose(a.fitted, b.fitted, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["Artificial_3", "Korea", "Western", "NewOrl_5", "Ned_5"])
def test_every_model_agrees_with_the_dense_fitter(name: str) -> None:
    t = read_patterns_csv(REF / f"{name}.csv")
    y = t.full_counts()
    fast, dense = Fitter(t.k, y), ReferenceFitter(t.k, y)
    for mask in range(2 ** len(fast.pairs)):
        terms = _terms_of(mask, fast.pairs)
        _same(fast.fit(terms, want_p=True), dense.fit(terms, want_p=True))


@settings(max_examples=60)
@given(
    name=st.sampled_from(["NewOrl", "NewOrl_5", "Western", "Korea", "Ned", "HAV_Taiwan"]),
    scale=st.sampled_from([0.2, 0.5, 1.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_sparse_replicates_agree_with_the_dense_fitter(name: str, scale: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = read_patterns_csv(REF / f"{name}.csv")
    y = rng.poisson(t.full_counts() * scale + 0.05).astype(np.float64)
    fast, dense = Fitter(t.k, y), ReferenceFitter(t.k, y)
    for _ in range(8):
        terms = _terms_of(int(rng.integers(0, 2 ** len(fast.pairs))), fast.pairs)
        _same(fast.fit(terms), dense.fit(terms))


def test_sub_model_zero_cells_carry_over_without_changing_the_fit() -> None:
    # A search hands each fit its fitted sub-models (their forced-zero cells and parameters):
    # the result must be the one a cold fit gives, on a table with non-existent MLEs.
    t = read_patterns_csv(REF / "NewOrl.csv")
    f = Fitter(t.k, t.full_counts())
    search = Search(f)
    terms: tuple[tuple[int, ...], ...] = ()
    search.fit(terms)
    for pair in f.pairs[:12]:
        terms = tuple(sorted((*terms, pair)))
        _same(search.fit(terms), f.fit(terms))


def test_gram_and_rank_match_the_dense_design() -> None:
    k = 4
    terms = ((0, 1), (1, 2), (0, 1, 2))
    rows = np.ones(2**k, dtype=bool)
    rows[0] = False
    rows[[3, 7, 11, 15]] = False  # the cells on lists 0 and 1
    xm = design(k, terms)[rows[1:]]
    g = gram(rows.astype(np.float64), term_masks(k, terms), k)
    np.testing.assert_allclose(g, xm.T @ xm)
    assert rank(g) == np.linalg.matrix_rank(xm) < xm.shape[1]


def test_all_pairs_masks_are_the_design_columns() -> None:
    k = 5
    pairs = tuple(all_pairs(k))
    masks = term_masks(k, pairs)
    cells = np.arange(1, 2**k)
    dense = design(k, pairs)
    for j, m in enumerate(masks):
        np.testing.assert_array_equal(dense[:, j], ((cells & m) == m).astype(float))
