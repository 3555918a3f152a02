"""Existence and identifiability on Artificial_3 (Chan, Silverman & Vincent 2021, Table 2).

A=40, B=30, C=20, AB=6, no other overlaps. Worked by hand:
- main effects: the MLE exists (no direction keeps the positive cells fixed).
- + A:C: lambda_AC -> -inf empties the AC and ABC cells; the rest is determined (extended MLE),
  and the fit on the face reproduces the data exactly, giving hidden = A*B/AB-style 300.
- + A:B: with C overlapping nobody, moving the intercept up and every main effect down (and
  A:B up) keeps A, B, C, AB fixed while emptying AC, BC, ABC: the hidden count is unbounded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zichtbaar.errors import NotEstimableError
from zichtbaar.estimate import estimate, read_patterns_csv
from zichtbaar.estimate.existence import check
from zichtbaar.estimate.fit import Fitter
from zichtbaar.estimate.model import design, parse_terms


def test_artificial_3(ref: Path) -> None:
    t = read_patterns_csv(ref / "mse" / "Artificial_3.csv")
    f = Fitter(3, t.full_counts())
    assert f.fit(()).status == "exists"
    ac = f.fit(parse_terms("A:C", t.lists))
    assert ac.status == "extended"
    assert ac.hidden == pytest.approx(300.0, rel=1e-6)
    assert f.fit(parse_terms("A:B", t.lists)).status == "not_identifiable"
    with pytest.raises(NotEstimableError):
        estimate(t, model="A:B")


def test_lp_check_agrees_with_fast_path(ref: Path) -> None:
    t = read_patterns_csv(ref / "mse" / "Artificial_3.csv")
    y = t.full_counts()
    ex = check(design(3, parse_terms("A:C", t.lists)), y)
    assert ex.status == "extended"
    assert list(np.nonzero(ex.forced_zero)[0] + 1) == [5, 7]  # cells AC and ABC
    assert "determined" in ex.explain()
    assert check(design(3, parse_terms("A:B", t.lists)), y).status == "not_identifiable"


def test_all_positive_cells_always_exist() -> None:
    y = np.array([10.0, 12, 3, 9, 2, 4, 1])
    assert check(design(3, ((0, 1), (0, 2), (1, 2))), y).status == "exists"
