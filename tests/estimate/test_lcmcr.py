"""The latent-class estimate against R's LCMCR, its sampler's parts, and its refusals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numba import njit

from zichtbaar.errors import EstimationError
from zichtbaar.estimate import make_table, read_patterns_csv
from zichtbaar.estimate.bayes import estimate_bayes
from zichtbaar.estimate.lcmcr import latent_class
from zichtbaar.estimate.lcmcr_kernel import _log_gamma, _multinomial

REF = Path(__file__).resolve().parents[1] / "reference"
R = json.loads((REF / "r" / "lcmcr.json").read_text())
TABLES = {k: v for k, v in R.items() if not k.startswith("_")}


def _r_spread(name: str) -> float:
    """How far R's own chains' medians lie apart (max / min - 1)."""
    m = TABLES[name]["chain_medians"]
    return float(max(m) / min(m) - 1)


def _r_self_consistent(name: str) -> bool:
    """Does every one of R's 16 chains, on its own, meet the tolerance ours is held to?"""
    r = TABLES[name]
    return all(
        abs(m / r["median"] - 1) <= 0.05
        and abs(lo / r["q025"] - 1) <= 0.10
        and abs(hi / r["q975"] - 1) <= 0.10
        for m, lo, hi in zip(r["chain_medians"], r["chain_q025"], r["chain_q975"], strict=True)
    )


# Elsewhere the posterior has modes a chain stays in for 10^5 iterations (R's too), and no
# run of either program is a stable reference (docs/estimation.md).
STABLE = sorted(n for n in TABLES if _r_self_consistent(n))
UNSTABLE = sorted(n for n in TABLES if _r_spread(n) > 0.10)


@pytest.mark.parametrize("name", STABLE)
def test_matches_r_lcmcr(name: str) -> None:
    r = TABLES[name]
    t = read_patterns_csv(REF / "mse" / f"{name}.csv")
    p = latent_class(t, seed=1)
    q = p.quantiles
    assert t.observed == r["observed"]
    assert q[0.5] == pytest.approx(r["median"], rel=0.05)
    assert q[0.025] == pytest.approx(r["q025"], rel=0.10)
    assert q[0.975] == pytest.approx(r["q975"], rel=0.10)


@pytest.mark.parametrize("name", ["Ned_5", "UKdat"])
def test_chains_that_disagree_are_a_warning(name: str) -> None:
    assert name in UNSTABLE  # R's chains disagree here too
    p = latent_class(read_patterns_csv(REF / "mse" / f"{name}.csv"), seed=1)
    assert p.diagnostics["rhat"] > 1.01
    assert any("chains disagree" in w for w in p.warnings)


def test_same_seed_same_posterior_other_seed_other_draws() -> None:
    t = read_patterns_csv(REF / "mse" / "Western.csv")
    kw = dict(chains=2, burnin=500, draws=200, thin=2)
    a, b = latent_class(t, seed=3, **kw), latent_class(t, seed=3, **kw)
    c = latent_class(t, seed=4, **kw)
    assert a.to_dict() == b.to_dict()
    assert a.quantiles != c.quantiles


def test_json_contract() -> None:
    t = read_patterns_csv(REF / "mse" / "NewOrl_5.csv")
    d = estimate_bayes(t, "lcmcr", chains=2, burnin=1000, draws=500, thin=2, seed=1).to_dict()
    assert d["estimate"] == d["quantiles"]["0.5"]
    assert d["ci_low"] == d["quantiles"]["0.025"] and d["ci_high"] == d["quantiles"]["0.975"]
    assert d["ci_low"] < d["quantiles"]["0.1"] < d["estimate"] < d["quantiles"]["0.9"]
    assert d["quantiles"]["0.9"] < d["ci_high"]
    assert d["hidden"] == pytest.approx(d["estimate"] - d["observed"])
    assert {"rhat", "ess_bulk", "ess_tail", "chains"} <= set(d["diagnostics"])
    assert "credible" in d["ci_method"] and d["method"] == "lcmcr"
    assert not any("interaction" in w for w in d["warnings"])  # a log-linear-only warning


def test_two_lists_cannot_identify_classes() -> None:
    t = make_table(["A", "B"], [[1, 0], [0, 1], [1, 1]], [30, 20, 10])
    with pytest.raises(EstimationError, match="at least three lists"):
        latent_class(t)


@pytest.mark.parametrize(
    ("kw", "msg"),
    [({"draws": 5}, "draws"), ({"classes": 1}, "classes"), ({"a_alpha": 0.0}, "Gamma")],
)
def test_bad_settings_are_refused(kw: dict[str, float], msg: str) -> None:
    t = read_patterns_csv(REF / "mse" / "Korea.csv")
    with pytest.raises(EstimationError, match=msg):
        latent_class(t, **kw)  # type: ignore[arg-type]


def test_unbounded_table_warns_at_the_cap() -> None:
    # One person on two lists: the data allow any hidden number up to the cap.
    pats = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0]]
    t = make_table(["A", "B", "C", "D"], pats, [500, 500, 500, 500, 1])
    p = latent_class(t, chains=2, burnin=1000, draws=500, thin=2, seed=1)
    assert p.diagnostics["share_at_cap"] > 0.01
    assert any("cap" in w for w in p.warnings)


@njit(cache=True)
def _gamma_draws(shape: float, n: int, seed: int) -> np.ndarray:
    np.random.seed(seed)
    out = np.empty(n)
    for i in range(n):
        out[i] = _log_gamma(shape)
    return out


@njit(cache=True)
def _split(n: int, w: np.ndarray, reps: int, seed: int) -> np.ndarray:
    np.random.seed(seed)
    out = np.zeros((reps, len(w)), dtype=np.int64)
    for r in range(reps):
        _multinomial(n, w, out[r])
    return out


@pytest.mark.parametrize("shape", [0.01, 0.3, 1.0, 7.5])
def test_log_gamma_draws_have_the_gamma_mean_and_stay_finite(shape: float) -> None:
    x = _gamma_draws(shape, 200_000, 1)
    assert np.isfinite(x).all()  # a shape of 0.01 underflows exp(x) but never log
    assert np.exp(x).mean() == pytest.approx(shape, rel=0.03)
    assert np.exp(x).var() == pytest.approx(shape, rel=0.1)


def test_multinomial_splits_exactly_with_the_right_shares() -> None:
    w = np.array([3.0, 0.0, 1.0, 6.0])
    out = _split(50, w, 20_000, 2)
    assert (out.sum(axis=1) == 50).all()
    assert (out[:, 1] == 0).all()
    np.testing.assert_allclose(out.mean(axis=0), 50 * w / w.sum(), rtol=0.01)
    assert out[:, 0].var() == pytest.approx(50 * 0.3 * 0.7, rel=0.05)
