"""The world against its own calibration targets (public Dutch figures, scaled)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tests.synth.conftest import SCALE
from zichtbaar.standard.codes import INVESTIGATIVE_REPORTER_TYPES
from zichtbaar.synth import World
from zichtbaar.synth.reporters import ORGANISATIONS


def _by_year(world: World) -> pd.DataFrame:
    return world.totals.set_index("year")


def test_true_victims_per_year_match_the_estimates(world: World) -> None:
    t = _by_year(world)
    for year, n in t["true_victims"].items():
        expected = 6250 if year <= 2015 else 5000
        assert n == round(expected * SCALE)


def test_about_two_thirds_are_sexually_exploited(world: World) -> None:
    share = world.persons["form"].isin(["domestic_sexual", "crossborder_sexual"]).mean()
    assert 0.62 <= share <= 0.71


def test_dutch_minors_in_domestic_sexual_exploitation_about_1300_a_year(world: World) -> None:
    t = _by_year(world)
    assert (t["dutch_minor_domestic_sexual"] == round(1300 * SCALE)).all()
    p = world.persons
    dm = p[(p["form"] == "domestic_sexual") & (p["nationality"] == "NLD") & (p["age"] < 18)]
    assert dm["age_group"].isin(["0-11", "12-17"]).all()


def test_registered_with_basis_before_and_after_the_collapse(world: World) -> None:
    reg = _by_year(world)["registered_with_basis"] / SCALE
    assert reg.loc[2014:2015].between(1100, 1500).all(), reg.to_dict()
    assert reg.loc[2016:2017].between(800, 1300).all(), reg.to_dict()
    assert reg.loc[2018:].between(600, 1050).all(), reg.to_dict()
    assert reg.loc[2018:].mean() < 0.75 * reg.loc[2014:2015].mean()


def test_non_investigative_orgs_still_report_but_without_consent(world: World) -> None:
    t = _by_year(world)
    consented = t["consented_other"] / SCALE
    seen = t["detected_other"] / SCALE
    # The monitor's 550 a year (2014-2017) and Ned's structure (about 330 a year seen by other
    # than investigative bodies, 2010-2015) disagree; the world follows Ned (docs/synthetic-world.md).
    assert consented.loc[2014:2016].between(280, 750).all(), consented.to_dict()
    assert 50 <= consented.loc[2018:].mean() <= 250, consented.to_dict()  # public: 150 (2018)
    # They still see their victims: the number seen hardly changes, only consent collapses.
    assert seen.loc[2018:].mean() > 0.7 * seen.loc[2014:2016].mean()


def test_consented_share_of_rows_collapses_after_2016(reporter_rows: pd.DataFrame) -> None:
    types = {o.org: o.reporter_type for o in ORGANISATIONS}
    rows = reporter_rows[~reporter_rows["org"].map(types).isin(INVESTIGATIVE_REPORTER_TYPES)]
    year = pd.to_datetime(rows["registration_date"]).dt.year
    consent = rows["legal_basis"] == "explicit_consent"
    assert set(rows["legal_basis"]) == {"explicit_consent", "none"}
    assert consent[year <= 2016].mean() > 0.8
    assert consent[year >= 2018].mean() < 0.35


def test_investigative_rows_carry_a_legal_basis(reporter_rows: pd.DataFrame) -> None:
    types = {o.org: o.reporter_type for o in ORGANISATIONS}
    inv = reporter_rows[reporter_rows["org"].map(types).isin(INVESTIGATIVE_REPORTER_TYPES)]
    assert len(inv) > 0
    assert set(inv["legal_basis"]) <= {"legal_basis", "legal_duty"}


def test_domestic_sexual_registrations_2018_near_the_letter(world: World) -> None:
    # 2018: 132 victims of domestic sexual exploitation registered, 29 of them minors.
    years = _by_year(world).loc[2018:2023]
    ds = years["domestic_sexual_registered"].mean() / SCALE
    minors = years["domestic_sexual_minor_registered"].mean() / SCALE
    assert 80 <= ds <= 220
    assert 10 <= minors <= 70


def test_african_victims_rise_from_2017(world: World) -> None:
    p = world.persons
    african = p["nationality_group"] == "AFRICA"
    assert african[p["year"] >= 2017].mean() > 1.5 * african[p["year"] < 2017].mean()


def test_registration_in_the_victims_year_or_the_next(reporter_rows: pd.DataFrame) -> None:
    year = pd.to_datetime(reporter_rows["registration_date"]).dt.year
    lag = year - reporter_rows["true_year"]
    assert lag.isin([0, 1]).all()
    assert (lag == 1).mean() > 0.1
    assert year.max() <= 2023 and year.min() >= 2014


def _odds_ratio(a: np.ndarray, b: np.ndarray) -> float:
    n11 = np.sum(a & b) + 0.5
    n10 = np.sum(a & ~b) + 0.5
    n01 = np.sum(~a & b) + 0.5
    n00 = np.sum(~a & ~b) + 0.5
    return float(n11 * n00 / (n10 * n01))


def test_lists_overlap_and_are_positively_dependent(world: World) -> None:
    c = world.captures
    minors = c[c["age_group"].isin(["0-11", "12-17"])]
    police = minors["police-nl"].to_numpy(bool)
    youth = (minors["jeugdzorg-west"] | minors["jeugdzorg-oost"]).to_numpy(bool)
    assert np.sum(police & youth) >= 10
    # Referral: a minor the police saw is likelier to be registered by youth care too.
    assert _odds_ratio(police, youth) > 3
    shelter = (c["opvang-west"] | c["opvang-oost"]).to_numpy(bool)
    lawyer = c["rechtshulp"].to_numpy(bool)
    assert _odds_ratio(shelter, lawyer) > 10  # Ned: O x Z 7.4 times independence
    # The Marechaussee's victims are rarely anyone else's (Ned: K x P 0.36).
    adults = c[~c["age_group"].isin(["0-11", "12-17"])]
    assert _odds_ratio(adults["kmar"].to_numpy(bool), adults["police-nl"].to_numpy(bool)) < 0.7


def test_youth_care_and_labour_inspectorate_nearly_disjoint(world: World) -> None:
    c = world.captures
    youth = (c["jeugdzorg-west"] | c["jeugdzorg-oost"]).to_numpy(bool)
    nla = c["nla"].to_numpy(bool)
    assert youth.sum() > 50 and nla.sum() > 50
    assert np.sum(youth & nla) <= 2


def test_capture_histories_agree_with_the_files(world: World) -> None:
    c = world.captures.set_index("person_id")
    for org in world.reporters:
        truth = world.records[world.records["source"] == f"reporters/{org}.csv"]
        assert set(truth["person_id"]) == set(c.index[c[org] == 1])
    assert (
        c[[o.org for o in ORGANISATIONS]].max(axis=1)
        == world.persons.set_index("person_id")["detected"]
    ).all()
    # Truth per year is what capture-recapture must recover.
    assert (
        world.population.groupby("year")["true_count"].sum().to_dict()
        == world.totals.set_index("year")["true_victims"].to_dict()
    )


def test_suspects_shape(world: World) -> None:
    s = world.suspects
    per_year = s.groupby("year").size()
    assert (per_year == round(250 * SCALE)).all()
    ds = s[s["form"] == "domestic_sexual"]
    assert 0.3 <= (ds["age"] < 23).mean() <= 0.5
    assert (s[s["prosecution_decision"] != "summons"]["conviction"] == "none").all()
    assert set(s[s["prosecution_decision"] == "summons"]["conviction"]) <= {
        "convicted",
        "acquitted",
        "other",
    }


def test_register_events_at_realistic_lags(world: World) -> None:
    records = world.records
    first = {}
    for org_type, orgs in (
        ("shelter_care", [o.org for o in ORGANISATIONS if o.reporter_type == "shelter_care"]),
        ("police", ["police-nl"]),
    ):
        frames = [
            world.reporters[o].assign(
                person_id=records.set_index("record_id")
                .loc[world.reporters[o]["record_id"], "person_id"]
                .to_numpy()
            )
            for o in orgs
        ]
        rows = pd.concat(frames)
        first[org_type] = (
            rows.groupby("person_id")["registration_date"].min().map(dt.date.fromisoformat)
        )

    def events(code: str) -> pd.DataFrame:
        f = world.registers[code]
        pid = records.set_index("record_id").loc[f["record_id"], "person_id"].to_numpy()
        return f.assign(person_id=pid)[pd.Series(pid).str.startswith("P").to_numpy()]

    permits = events("residence_permits")
    assert len(permits) > 20
    police_reports = events("police_reports")
    lag = [
        (dt.date.fromisoformat(d) - first["police"][p]).days
        for d, p in zip(police_reports["event_date"], police_reports["person_id"], strict=True)
    ]
    assert min(lag) >= 0 and max(lag) < 30
    youth = events("youth_care")
    ages = world.persons.set_index("person_id").loc[youth["person_id"], "age"]
    assert (ages < 18).all()


def test_registers_hold_many_more_non_victims(world: World) -> None:
    for code, frame in world.registers.items():
        truth = world.records[world.records["source"] == f"registers/{code}.csv"]
        victims = truth["person_id"].str.startswith("P").sum()
        assert victims > 0, code
        assert len(frame) - victims >= 3 * victims, code


def test_dublin_claims_mostly_african_from_2017(world: World) -> None:
    f = world.registers["asylum"]
    pid = world.records.set_index("record_id").loc[f["record_id"], "person_id"].to_numpy()
    f = f.assign(person_id=pid)
    f = f[f["person_id"].str.startswith("P")]
    p = world.persons.set_index("person_id")
    group = p.loc[f["person_id"], "nationality_group"].to_numpy()
    year = p.loc[f["person_id"], "year"].to_numpy()
    claim = (f["dublin_status"] == "dublin_claim").to_numpy()
    late_african = (group == "AFRICA") & (year >= 2017)
    assert claim[late_african].mean() > 0.6
    assert claim[~late_african].mean() < 0.35
