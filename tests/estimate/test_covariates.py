from __future__ import annotations

from pathlib import Path

import pytest

from zichtbaar.errors import EstimationError
from zichtbaar.estimate import estimate_covariate, estimate_strata, read_patterns_csv


def test_main_effects_covariate_model_equals_stratified_independence(ref: Path) -> None:
    # With no shared interaction the covariate model factorises into one independence model
    # per level, so both routes must give the same totals.
    t = read_patterns_csv(ref / "mse" / "stratified" / "ScotPWID_2006.csv")
    cov = estimate_covariate(t, "Region")
    per = {e.stratum["Region"]: e.estimate for e in estimate_strata(t, ["Region"], model="main")}
    for level, est in zip(cov.levels, cov.estimates, strict=True):
        assert est == pytest.approx(per[level], rel=1e-6)
    assert cov.total == pytest.approx(sum(per.values()), rel=1e-6)


def test_shared_interaction_and_bootstrap(ref: Path) -> None:
    t = read_patterns_csv(ref / "mse" / "stratified" / "ScotPWID_2006.csv")
    cov = estimate_covariate(t, "Gender", model="S1:S2", bootstrap=60, seed=3)
    assert cov.model == ["S1:S2"]
    assert cov.ci is not None
    for est, (lo, hi) in zip(cov.estimates, cov.ci, strict=True):
        assert lo < est < hi
    d = cov.to_dict()
    assert d["total"] == pytest.approx(sum(lv["estimate"] for lv in d["levels"]), abs=0.01)
    with pytest.raises(EstimationError):
        estimate_covariate(t, "nope")
