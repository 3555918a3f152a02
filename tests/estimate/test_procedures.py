"""The yearly procedures, the recapture check and the combination over linkage draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.estimate.populations import NATIONALITY_LISTS, classic_histories, nationality_histories
from zichtbaar.estimate import make_table, patterns_from_histories
from zichtbaar.estimate.linkage_mi import rubin_log
from zichtbaar.estimate.procedures import (
    GROUP,
    PROCEDURES,
    Z95,
    Figure,
    combine_figures,
    draw_chains,
    population_groups,
    run_procedure,
)
from zichtbaar.estimate.published import release_estimates, year_tables
from zichtbaar.estimate.support import MIN_RECAPTURES, check_support, group_support

LISTS = ["police", "inspection", "care", "youth_municipal", "other"]


def _table(scenario: str, seed: int, n: int = 3000):  # type: ignore[no-untyped-def]
    h = classic_histories(scenario, np.random.default_rng(seed), n)
    return patterns_from_histories(h, LISTS, ["minor_adult", GROUP])


@pytest.mark.parametrize("name", list(PROCEDURES))
def test_every_procedure_recovers_an_independent_population(name: str) -> None:
    fig = run_procedure(name, _table("independent", 3), seed=1)
    assert fig.ok, fig.reason
    assert fig.ci_low <= 3000 <= fig.ci_high
    assert abs(fig.estimate / 3000 - 1) < 0.1
    assert fig.observed == _table("independent", 3).observed


def test_strata_sum_tracks_the_minor_adult_heterogeneity() -> None:
    """Minors seen at a third of adults' rates: pooled LCMCR and log-linear miss more of them
    than the stratified latent-class model, which sees the two groups apart."""
    t = _table("observed_covariate", 5)
    strata = run_procedure("lcmcr_strata", t, seed=0)
    assert strata.ok and strata.ci_low <= 3000 <= strata.ci_high
    assert set(strata.detail["levels"]) == {"adult", "minor"}
    assert strata.samples is not None and len(strata.samples) == 10_000
    assert sum(strata.detail["levels"].values()) == pytest.approx(strata.estimate, rel=0.05)


def test_an_estimation_error_becomes_a_reason_not_an_exception() -> None:
    t = make_table(["A", "B"], np.array([[1, 0], [0, 1], [1, 1]]), np.array([5, 7, 2]))
    fig = run_procedure("lcmcr", t)
    assert not fig.ok and "three lists" in str(fig.reason)
    with pytest.raises(Exception, match="unknown procedure"):
        run_procedure("nonsense", t)


def test_recapture_check_names_the_group_and_the_lists() -> None:
    pats = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]])
    minors = make_table(["police", "care", "youth"], pats, np.array([50, 40, 60, 3]))
    g = group_support(minors, "minor")
    assert g.recaptured == 3 and not g.supported
    assert "3 of 153" in g.reason() and "youth" in g.reason()
    enough = make_table(["police", "care", "youth"], pats, np.array([50, 40, 60, MIN_RECAPTURES]))
    assert check_support(enough) == []


def test_a_small_weak_group_does_not_block_the_total() -> None:
    """A group under 5 % of the observed cannot move the total much: not checked."""
    h = classic_histories("independent", np.random.default_rng(2), 3000)
    h.loc[h.index[:60], "minor_adult"] = "minor"
    h.loc[h.index[60:], "minor_adult"] = "adult"
    t = patterns_from_histories(h, LISTS, ["minor_adult"])
    assert check_support(t, "minor_adult") == []


def test_rubin_by_hand() -> None:
    """Two draws, log estimates log(100) and log(121), each interval +-1.96 x 0.1 on the log
    scale: within-variance 0.01, between-variance b, t with Rubin's degrees of freedom."""
    from scipy import stats

    ests = [100.0, 121.0]
    r = rubin_log(
        ests, [e * np.exp(-Z95 * 0.1) for e in ests], [e * np.exp(Z95 * 0.1) for e in ests]
    )
    b = np.log(ests).var(ddof=1)
    total = 0.01 + 1.5 * b
    df = (1 + 0.01 / (1.5 * b)) ** 2
    half = stats.t.ppf(0.975, df) * np.sqrt(total)
    assert r["estimate"] == pytest.approx(110.0)
    assert r["ci_low"] == pytest.approx(110 * np.exp(-half))
    assert r["ci_high"] == pytest.approx(110 * np.exp(half))


def test_identical_draws_give_the_single_figure() -> None:
    t = _table("dependence", 1)
    single = run_procedure("loglinear", t)
    same = combine_figures([single, single, single])
    assert same.estimate == pytest.approx(single.estimate)
    assert same.ci_low == pytest.approx(single.ci_low, rel=1e-6)
    assert same.ci_high == pytest.approx(single.ci_high, rel=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_draws_that_disagree_widen_the_interval(seed: int) -> None:
    rng = np.random.default_rng(seed)
    base = run_procedure("loglinear", _table("independent", seed))
    figs = []
    for _ in range(4):
        shift = float(rng.normal(0, 0.05 * base.estimate))
        figs.append(
            Figure(
                "loglinear",
                base.observed,
                base.estimate + shift,
                base.ci_low + shift,
                base.ci_high + shift,
            )
        )
    combined = combine_figures(figs)
    assert combined.ci_high - combined.ci_low > 0.98 * (base.ci_high - base.ci_low)


def test_bayesian_draws_pool_their_samples() -> None:
    t = _table("independent", 4)
    figs = [run_procedure("lcmcr", t, seed=i, chains=draw_chains(4)) for i in range(4)]
    assert all(f.samples is not None and len(f.samples) == 2_500 for f in figs)
    pooled = combine_figures(figs)
    assert pooled.samples is not None and len(pooled.samples) == 10_000
    assert pooled.ci_low <= 3000 <= pooled.ci_high


def test_a_failed_draw_fails_the_combination() -> None:
    ok = run_procedure("loglinear", _table("independent", 1))
    bad = Figure("loglinear", ok.observed, float("nan"), float("nan"), float("nan"), "no fit")
    assert not combine_figures([ok, bad]).ok


def _histories(seed: int) -> pd.DataFrame:
    """Two years of capture histories shaped like a run's (rt_* flags, year, age_group, form)."""
    rows = []
    for year in (2020, 2021):
        h = classic_histories("observed_covariate", np.random.default_rng([seed, year]), 3000)
        h = h[h[LISTS].max(axis=1) > 0]
        out = pd.DataFrame(
            {
                "year": year,
                "age_group": np.where(h["minor_adult"] == "minor", "12-17", "23-29"),
                "form": "domestic_sexual",
                "rt_police": h["police"],
                "rt_labour_inspectorate": h["inspection"],
                "rt_shelter_care": h["care"],
                "rt_youth_care": h["youth_municipal"],
                "rt_ngo": h["other"],
            }
        )
        rows.append(out)
    return pd.concat(rows, ignore_index=True)


def test_release_estimates_per_year_with_sensitivity_and_minors() -> None:
    h = _histories(1)
    tables, reasons = year_tables(h)
    assert sorted(tables) == [2020, 2021] and not reasons
    out = release_estimates(h, draws=[h, h], workers=1)
    assert [e["year"] for e in out["estimate_by_year"]] == [2020, 2021]
    for e in out["estimate_by_year"]:
        assert e["total"] % 10 == 0 and e["lower"] <= e["total"] <= e["upper"]
        assert e["linkage_draws"] == 2 and e["linkage_share"] is not None
        assert set(e["levels"]) == {"adult", "minor"}  # the default reports both groups
    assert out["estimate"] == out["estimate_by_year"][-1]
    loglinear = release_estimates(h, draws=[h, h], procedure="loglinear_bootstrap", workers=1)
    for e in loglinear["estimate_by_year"]:
        assert "levels" not in e  # a pooled log-linear figure has no minor/adult split
    assert {f["procedure"] for f in out["estimate_sensitivity"][0]["figures"]} == set(PROCEDURES)
    assert [m["year"] for m in out["minors_domestic_sexual_estimated"]] == [2020, 2021]


def test_release_refuses_a_year_whose_minors_never_overlap() -> None:
    h = _histories(2)
    minor = (h["year"] == 2021) & (h["age_group"] == "12-17")
    flags = [c for c in h.columns if c.startswith("rt_")]
    # every minor of 2021 on one list only: no recapture at all
    first = h.loc[minor, flags].to_numpy().argmax(axis=1)
    h.loc[minor, flags] = 0
    for i, idx in enumerate(h.index[minor]):
        h.loc[idx, flags[first[i]]] = 1
    out = release_estimates(h, workers=1)
    by_year = {e["year"]: e for e in out["estimate_by_year"]}
    assert by_year[2020]["total"] is not None
    assert by_year[2021]["total"] is None and "minor: 0 of" in by_year[2021]["reason"]
    assert out["estimate"]["year"] == 2020


def test_a_list_that_sees_only_one_group_does_not_break_the_strata() -> None:
    """Youth care registers minors only: the adults' latent-class fit runs without it."""
    h = classic_histories("observed_covariate", np.random.default_rng(9), 3000)
    h.loc[h["minor_adult"] == "adult", "youth_municipal"] = 0
    t = patterns_from_histories(h[h[LISTS].max(axis=1) > 0], LISTS, ["minor_adult"])
    fig = run_procedure("lcmcr_strata", t)
    assert fig.ok, fig.reason


def test_population_groups_split_adults_by_nationality_only() -> None:
    minor = pd.Series(["minor", "minor", "adult", "adult", "adult"])
    nationality = pd.Series(["NL", "AFRICA", "NL", "EU_EEA", None])
    assert population_groups(minor, nationality).tolist() == [
        "minor", "minor", "adult_dutch", "adult_foreign", "adult_foreign"
    ]  # fmt: skip


def test_groups_model_reports_minors_and_adults_and_covers() -> None:
    """Border police and legal aid see foreigners (as in Ned); the groups model fits minors,
    Dutch and foreign adults apart and reports minors and adults, the sum of its draws."""
    h = nationality_histories(np.random.default_rng([7, 0]), 4000)
    seen = h[h[NATIONALITY_LISTS].max(axis=1) > 0]
    t = patterns_from_histories(seen, NATIONALITY_LISTS, ["minor_adult", GROUP])
    assert {lv[0] for lv in t.levels([GROUP])} == {"minor", "adult_dutch", "adult_foreign"}
    fig = run_procedure("lcmcr_groups", t, seed=0)
    assert fig.ok and fig.ci_low <= 4000 <= fig.ci_high
    assert set(fig.detail["levels"]) == {"adult", "minor"}
    assert sum(fig.detail["levels"].values()) == pytest.approx(fig.estimate, rel=0.05)


def test_year_tables_carry_the_population_groups() -> None:
    h = _histories(3).assign(nationality_group="NL")
    h.loc[h.index[::3], "nationality_group"] = "ASIA"
    tables, _ = year_tables(h)
    groups = {lv[0] for lv in tables[2020].levels([GROUP])}
    assert groups == {"minor", "adult_dutch", "adult_foreign"}
