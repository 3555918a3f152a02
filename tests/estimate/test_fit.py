from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from zichtbaar.estimate import read_patterns_csv
from zichtbaar.estimate.fit import Fitter
from zichtbaar.estimate.glm import irls, statsmodels_fit
from zichtbaar.estimate.model import all_pairs, parse_terms


@pytest.mark.parametrize("name", ["Kosovo", "HIV_Rome", "UKdat_5", "Western", "Diabetes_Italy"])
def test_fast_glm_matches_statsmodels(ref: Path, name: str) -> None:
    t = read_patterns_csv(ref / "mse" / f"{name}.csv")
    f = Fitter(t.k, t.full_counts())
    rng = np.random.default_rng(0)
    pairs = all_pairs(t.k)
    for _ in range(6):
        terms = tuple(p for p in pairs if rng.random() < 0.3)
        xm = f.design_for(terms)
        sm = statsmodels_fit(xm, f.y)
        if not np.all(sm.mu[f.y == 0] > 1e-4):
            continue  # near-degenerate: covered by the existence tests
        ours = f.fit(terms)
        assert ours.status == "exists"
        assert ours.hidden == pytest.approx(np.exp(sm.beta[0]), rel=1e-6)
        assert ours.deviance == pytest.approx(sm.deviance, rel=1e-6, abs=1e-8)
        raw = irls(xm, f.y)
        np.testing.assert_allclose(raw.beta, sm.beta, rtol=1e-6, atol=1e-8)


def test_two_lists_give_lincoln_petersen() -> None:
    # Independence with two lists: N = n1 * n2 / m exactly.
    n10, n01, n11 = 60.0, 40.0, 20.0
    f = Fitter(2, np.array([n10, n01, n11]))
    m = f.fit(())
    assert m.estimate == pytest.approx((n10 + n11) * (n01 + n11) / n11, rel=1e-9)


def test_three_list_independence_closed_form() -> None:
    # Under independence the hidden cell is prod of "off" margins ratio; check against a
    # table generated exactly from an independent model (fits perfectly, deviance 0).
    p = np.array([0.3, 0.5, 0.2])
    n_true = 10_000.0
    cells = np.arange(1, 8)
    bits = (cells[:, None] >> np.arange(3)) & 1
    mu = n_true * np.prod(np.where(bits == 1, p, 1 - p), axis=1)
    m = Fitter(3, mu).fit(())
    assert m.estimate == pytest.approx(n_true, rel=1e-8)
    assert m.deviance == pytest.approx(0.0, abs=1e-8)


def test_parse_terms_is_hierarchical() -> None:
    lists = ["A", "B", "C", "D"]
    assert parse_terms("main", lists) == ()
    assert parse_terms("A:B:C", lists) == ((0, 1), (0, 2), (1, 2), (0, 1, 2))
    with pytest.raises(Exception, match="unknown list"):
        parse_terms("A:Z", lists)
    with pytest.raises(Exception, match="saturated"):
        parse_terms("A:B:C:D", lists)


def test_pairs_enumeration() -> None:
    assert all_pairs(4) == list(combinations(range(4), 2))
