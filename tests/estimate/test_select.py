from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zichtbaar.estimate import estimate, read_patterns_csv, sensitivity
from zichtbaar.estimate.fit import Fitter
from zichtbaar.estimate.glm import statsmodels_fit
from zichtbaar.estimate.select import best, exhaustive, stepwise_ic


def test_exhaustive_matches_brute_force_statsmodels(ref: Path) -> None:
    t = read_patterns_csv(ref / "mse" / "Kosovo.csv")
    f = Fitter(t.k, t.full_counts())
    cands = exhaustive(f, workers=1)
    assert len(cands) == 64
    for c in cands[::7]:
        sm = statsmodels_fit(f.design_for(c.terms), f.y)
        assert c.estimate == pytest.approx(t.observed + np.exp(sm.beta[0]), rel=1e-6)
        assert c.aic == pytest.approx(-2 * sm.loglik + 2 * len(sm.beta), rel=1e-6)
    chosen = best(cands, "aic")
    assert chosen.aic == min(c.aic for c in cands)


def test_stepwise_never_beats_exhaustive(ref: Path) -> None:
    t = read_patterns_csv(ref / "mse" / "Western.csv")
    f = Fitter(t.k, t.full_counts())
    step = stepwise_ic(f, "bic")
    assert step.bic >= best(exhaustive(f, workers=1), "bic").bic - 1e-9


def test_sensitivity_table_and_json(ref: Path) -> None:
    t = read_patterns_csv(ref / "mse" / "HIV_Rome.csv")
    assert len(sensitivity(t)) == 64
    r = estimate(t, criterion="bic")
    d = r.to_dict()
    for key in ("observed", "estimate", "hidden", "ci_low", "ci_high", "ci_method", "model",
                "criterion", "warnings", "fitted", "candidates", "deviance", "df"):  # fmt: skip
        assert key in d
    assert d["hidden"] == pytest.approx(d["estimate"] - d["observed"], abs=1e-2)
    assert "HIV" not in r.summary() and "estimate" in r.summary()


def test_bootstrap_is_reproducible(ref: Path) -> None:
    t = read_patterns_csv(ref / "mse" / "Kosovo.csv")
    a = estimate(t, bootstrap=40, seed=7)
    b = estimate(t, bootstrap=40, seed=7)
    assert a.to_dict() == b.to_dict()
    assert a.ci_low < a.estimate < a.ci_high
    assert "bootstrap" in a.ci_method


def test_pvalue_stepwise_respects_threshold(ref: Path) -> None:
    t = read_patterns_csv(ref / "mse" / "HIV_Rome.csv")
    r = estimate(t, method="pvalue")
    assert r.method == "pvalue"
    assert r.status in ("exists", "extended")


def test_bootstrap_interval_does_not_depend_on_the_number_of_processes(ref: Path) -> None:
    # Replicates run in fixed seeded chunks: 1 process and 2 give the same draws.
    t = read_patterns_csv(ref / "mse" / "Western.csv")
    one = estimate(t, bootstrap=60, seed=3, workers=1)
    two = estimate(t, bootstrap=60, seed=3, workers=2)
    assert (one.ci_low, one.ci_high) == (two.ci_low, two.ci_high)
    assert one.ci_low < one.estimate < one.ci_high
