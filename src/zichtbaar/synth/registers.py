"""External registers: events of some victims at realistic lags, among many more non-victims.

Which victims a register holds, and when, follows how the Dutch chain works: a shelter placement
within weeks of the first registration, a residence permit for trafficking victims within months,
youth care and child protection for minors (often before anyone registers them as a victim),
asylum applications with Dublin claims mostly for African victims from 2017, police reports
(aangifte) shortly after a police registration and prosecution decisions a year or so later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zichtbaar.standard.codes import INVESTIGATIVE_REPORTER_TYPES, MINOR_AGE_GROUPS
from zichtbaar.standard.countries import nationality_group
from zichtbaar.synth.config import WorldConfig
from zichtbaar.synth.names import NamePool
from zichtbaar.synth.population import adult_ages, draw_people
from zichtbaar.synth.reporters import Habits

NON_EU_GROUPS = frozenset({"EUROPE_OTHER", "AFRICA", "ASIA", "AMERICAS"})
DECISIONS = ("summons", "dismissal_technical", "dismissal_policy", "transfer", "pending")
DECISION_P = (0.55, 0.12, 0.1, 0.13, 0.1)


@dataclass(frozen=True)
class Register:
    code: str
    habits: Habits
    bsn_share: float
    minors: bool = False
    """Non-victims are minors (youth care, child protection)."""
    foreign: bool = False
    """Non-victims are non-EU nationals (asylum, residence permits)."""
    female_share: float = 0.5


REGISTER_SPECS: dict[str, Register] = {
    "youth_care": Register("youth_care", Habits("iso"), 0.98, minors=True),
    "child_protection": Register("child_protection", Habits("dmy_dash"), 0.98, minors=True),
    "asylum": Register(
        "asylum", Habits("iso", 0.3, "passport"), 0.0, foreign=True, female_share=0.3
    ),
    "shelter": Register("shelter", Habits("dmy_dash", 0.1, "german"), 0.7, female_share=0.85),
    "residence_permits": Register("residence_permits", Habits("iso"), 0.5, foreign=True),
    "police_reports": Register("police_reports", Habits("dmy_dash"), 0.95),
    "prosecution": Register("prosecution", Habits("iso"), 0.95, female_share=0.4),
}


def _first_dates(captures: pd.DataFrame, n: int, mask_org: np.ndarray | None = None) -> np.ndarray:
    c = captures if mask_org is None else captures[mask_org]
    first = np.full(n, -1, dtype=np.int64)
    g = c.groupby("person")["date"].min()
    first[g.index.to_numpy()] = g.to_numpy()
    return first


def victim_events(
    config: WorldConfig,
    pop: pd.DataFrame,
    captures: pd.DataFrame,
    org_types: dict[str, str],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Register events of victims: person index, register, event date, dublin status, decision."""
    n = len(pop)
    types = captures["org"].map(org_types).to_numpy()
    seen = _first_dates(captures, n)
    inv = _first_dates(
        captures,
        n,
        np.isin(types, sorted(INVESTIGATIVE_REPORTER_TYPES)),
    )
    police = _first_dates(captures, n, types == "police")
    shelter = _first_dates(captures, n, types == "shelter_care")
    year = pop["year"].to_numpy()
    minor = pop["age_group"].isin(MINOR_AGE_GROUPS).to_numpy()
    group = pop["nationality_group"].to_numpy()
    african = group == "AFRICA"
    non_eu = np.isin(group, list(NON_EU_GROUPS))
    sexual = pop["form"].isin(["domestic_sexual", "crossborder_sexual"]).to_numpy()
    year_start = np.array([dt.date(int(y), 1, 1).toordinal() for y in year])
    in_year = year_start + rng.integers(0, 365, size=n)
    u = rng.random((n, 10))

    def lag(lo: int, hi: int) -> np.ndarray:
        return rng.integers(lo, hi, size=n)

    frames: list[pd.DataFrame] = []

    def add(
        code: str,
        who: np.ndarray,
        date: np.ndarray,
        dublin: object = "not_applicable",
        decision: object = None,
    ) -> None:
        idx = np.flatnonzero(who)
        frames.append(
            pd.DataFrame(
                {
                    "person": idx,
                    "register": code,
                    "date": date[idx],
                    "dublin_status": dublin if isinstance(dublin, str) else np.asarray(dublin)[idx],
                    "prosecution_decision": decision
                    if decision is None
                    else np.asarray(decision)[idx],
                }
            )
        )

    add(
        "shelter",
        ((shelter >= 0) & (u[:, 0] < 0.7)) | ((police >= 0) & sexual & ~minor & (u[:, 0] < 0.1)),
        np.where(shelter >= 0, shelter, np.maximum(police, 0)) + lag(0, 42),
    )
    add("residence_permits", (inv >= 0) & non_eu & ~minor & (u[:, 1] < 0.45), inv + lag(30, 180))
    add(
        "youth_care",
        minor & (((seen >= 0) & (u[:, 2] < 0.6)) | ((seen < 0) & (u[:, 2] < 0.15))),
        np.where(seen >= 0, seen + lag(-365, 90), in_year),
    )
    add(
        "child_protection",
        minor & (((seen >= 0) & (u[:, 3] < 0.25)) | ((seen < 0) & (u[:, 3] < 0.03))),
        np.where(seen >= 0, seen + lag(0, 120), in_year),
    )
    boosted = african & (year >= config.african_boost_from)
    p_asylum = np.where(boosted, 0.55, np.where(african, 0.25, 0.15))
    p_dublin = np.where(boosted, 0.75, 0.2)
    dublin = np.where(u[:, 5] < p_dublin, "dublin_claim", "no_dublin")
    add("asylum", non_eu & (u[:, 4] < p_asylum), in_year - lag(0, 200), dublin)
    report = (police >= 0) & (u[:, 6] < 0.45)
    report_date = police + lag(0, 30)
    add("police_reports", report, report_date)
    decision = rng.choice(DECISIONS, size=n, p=DECISION_P)
    add("prosecution", report & (u[:, 7] < 0.35), report_date + lag(120, 540), decision=decision)
    events = pd.concat(frames, ignore_index=True)
    lo = dt.date(config.start_year, 1, 1).toordinal()
    hi = dt.date(config.end_year, 12, 31).toordinal()
    return events[(events["date"] >= lo) & (events["date"] <= hi)].reset_index(drop=True)


def non_victims(
    config: WorldConfig,
    register: Register,
    count: int,
    rng: np.random.Generator,
    pools: dict[str, NamePool],
    general_nationalities: dict[str, float],
    exclude_bsn: frozenset[str],
) -> tuple[pd.DataFrame, np.ndarray]:
    """``count`` synthetic people in ``register`` who are not victims, and their event dates."""
    years = np.array(config.years)
    ref_year = rng.choice(years, size=count)
    weights = {
        k: v
        for k, v in general_nationalities.items()
        if not register.foreign or nationality_group(k) in NON_EU_GROUPS
    }
    keys = sorted(weights)
    p = np.array([weights[k] for k in keys])
    nat = rng.choice(keys, size=count, p=p / p.sum()).astype(object)
    # Aged at least 1 at the event, so that no one is registered before being born.
    age = rng.integers(1, 18, size=count) if register.minors else adult_ages(count, rng)
    female = rng.random(count) < register.female_share
    people = draw_people(
        count,
        rng,
        nationality=nat,
        female=female,
        age=age,
        ref_year=ref_year,
        pools=pools,
        exclude_bsn=exclude_bsn,
    )
    people.insert(0, "year", ref_year)
    people.insert(1, "age", age)
    start = np.array([dt.date(int(y), 1, 1).toordinal() for y in ref_year])
    return people, start + rng.integers(0, 365, size=count)
