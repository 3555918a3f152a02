"""The reporting organisations and which victims each of them detects.

Detection is a logistic model per organisation on the victim's covariates (form, minor, nationality
group, region), plus a *referral* term: being seen by an investigative body raises the chance that a
shelter, a lawyer or a municipality registers the same person. Lists are therefore positively
dependent, some pairs are nearly disjoint (youth care sees minors, the labour inspectorate adults in
labour exploitation), and capture-recapture has a known true answer in every stratum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from zichtbaar.standard.codes import INVESTIGATIVE_REPORTER_TYPES, MINOR_AGE_GROUPS
from zichtbaar.synth.config import WorldConfig
from zichtbaar.synth.scenarios import HARD, forms


@dataclass(frozen=True)
class Habits:
    """How an organisation writes identifiers: date format, script and transliteration."""

    dob_format: str = "iso"
    native_share: float = 0.0
    """Share of non-Latin names kept in their native script."""
    scheme: str = "passport"


@dataclass(frozen=True)
class Organisation:
    org: str
    reporter_type: str
    name: str
    form_p: dict[str, float]
    """Detection probability per form for an adult of the reference group."""
    minor_factor: float = 1.0
    adult_factor: float = 1.0
    group_factor: dict[str, float] = field(default_factory=dict)
    regions: frozenset[str] | None = None
    """Only victims in these regions (local organisations)."""
    referral: float = 0.0
    """Logit added when an investigative body detected the victim too (negative: the bodies
    split the caseload, so a victim one of them took up is rarely registered by this one)."""
    referral_from: dict[str, float] = field(default_factory=dict)
    """Logit added per reporter type that detected the victim before this organisation (lawyers
    and NGOs take on a shelter's or the labour inspectorate's clients)."""
    habits: Habits = Habits()

    @property
    def investigative(self) -> bool:
        return self.reporter_type in INVESTIGATIVE_REPORTER_TYPES

    def basis(self) -> str:
        """The legal basis of investigative rows; other rows carry consent or none."""
        return "legal_duty" if self.reporter_type == "labour_inspectorate" else "legal_basis"


_SEX = ("domestic_sexual", "crossborder_sexual")
_WEST = frozenset({"noord_holland", "amsterdam", "den_haag", "rotterdam", "midden_nederland"})
_EAST_SOUTH = frozenset(
    {"noord_nederland", "oost_nederland", "zeeland_west_brabant", "oost_brabant", "limburg"}
)
_FOREIGN = {"NL": 0.0}


_NOT_AFTER_KMAR = {"kmar": -3.0}
"""A victim the Royal Marechaussee took up (at the border, mostly foreign, often moved on or
deported) is rarely registered by anyone else: Ned's K overlaps every other list less than
independence would (ratios 0.07-0.36)."""

ORGANISATIONS: tuple[Organisation, ...] = (
    # The detection parameters below are the default scenario, calibrated to the Ned table
    # (docs/synthetic-world.md, bench/bench_world_vs_ned.py); synth/scenarios.py holds the hard one.
    Organisation(
        "police-nl",
        "police",
        "Nationale Politie",
        forms(0.06, domestic_sexual=0.11, crossborder_sexual=0.31, labour=0.07, criminal=0.12),
        minor_factor=0.2,
        habits=Habits("dmy_dash", 0.0, "passport"),
    ),
    Organisation(
        "kmar",
        "kmar",
        "Koninklijke Marechaussee",
        forms(0.015, crossborder_sexual=0.15, labour=0.06),
        group_factor={"NL": 0.1, "EU_EEA": 0.6},
        minor_factor=0.5,
        referral=-1.6,
        habits=Habits("iso", 0.0, "passport"),
    ),
    Organisation(
        "nla",
        "labour_inspectorate",
        "Nederlandse Arbeidsinspectie",
        forms(0.0005, labour=0.055),
        minor_factor=0.05,
        referral=0.3,
        referral_from=_NOT_AFTER_KMAR,
        habits=Habits("iso", 0.0, "passport"),
    ),
    Organisation(
        "fiod",
        "other_investigative",
        "Bijzondere opsporingsdienst (synthetisch)",
        forms(0.001, labour=0.01, criminal=0.012),
        minor_factor=0.2,
        referral_from=_NOT_AFTER_KMAR,
        habits=Habits("iso", 0.0, "passport"),
    ),
    Organisation(
        "opvang-west",
        "shelter_care",
        "Opvang West (synthetisch)",
        forms(0.004, domestic_sexual=0.009, crossborder_sexual=0.016),
        minor_factor=0.3,
        regions=_WEST,
        referral=0.1,
        referral_from=_NOT_AFTER_KMAR,
        habits=Habits("dmy_dash", 0.3, "german"),
    ),
    Organisation(
        "opvang-oost",
        "shelter_care",
        "Opvang Oost en Zuid (synthetisch)",
        forms(0.004, domestic_sexual=0.009, crossborder_sexual=0.016),
        minor_factor=0.3,
        regions=_EAST_SOUTH,
        referral=0.1,
        referral_from=_NOT_AFTER_KMAR,
        habits=Habits("dmy_slash", 0.2, "french"),
    ),
    Organisation(
        "jeugdzorg-west",
        "youth_care",
        "Jeugdzorg West (synthetisch)",
        forms(0.013, domestic_sexual=0.027, criminal=0.027),
        adult_factor=0.0,
        regions=_WEST,
        referral=1.5,
        referral_from={**_NOT_AFTER_KMAR, "police": 2.0},
        habits=Habits("dmy_dash", 0.0, "passport"),
    ),
    Organisation(
        "jeugdzorg-oost",
        "youth_care",
        "Jeugdzorg Oost en Zuid (synthetisch)",
        forms(0.013, domestic_sexual=0.027, criminal=0.027),
        adult_factor=0.0,
        regions=_EAST_SOUTH,
        referral=1.5,
        referral_from={**_NOT_AFTER_KMAR, "police": 2.0},
        habits=Habits("dmy_slash", 0.0, "passport"),
    ),
    Organisation(
        "gemeente-rotterdam",
        "municipality",
        "Gemeente Rotterdam, zorgcoördinatie (synthetisch)",
        forms(0.09),
        regions=frozenset({"rotterdam"}),
        referral=0.2,
        referral_from=_NOT_AFTER_KMAR,
        habits=Habits("dmy_dash", 0.0, "passport"),
    ),
    Organisation(
        "gemeente-utrecht",
        "municipality",
        "Gemeente Utrecht, zorgcoördinatie (synthetisch)",
        forms(0.09),
        regions=frozenset({"midden_nederland"}),
        referral=0.2,
        referral_from=_NOT_AFTER_KMAR,
        habits=Habits("dmy_slash", 0.0, "passport"),
    ),
    Organisation(
        "rechtshulp",
        "legal_aid",
        "Advocatencollectief (synthetisch)",
        forms(0.006),
        group_factor=_FOREIGN,
        referral=0.6,
        # lawyers take on nearly every shelter client (Ned: O x Z 7.4 times independence)
        referral_from={**_NOT_AFTER_KMAR, "shelter_care": 6.5, "labour_inspectorate": 2.2},
        habits=Habits("dmy_slash", 0.0, "french"),
    ),
    Organisation(
        "ngo-platform",
        "ngo",
        "Platform tegen uitbuiting (synthetisch)",
        forms(0.006, crossborder_sexual=0.018, labour=0.015),
        referral=0.5,
        referral_from={**_NOT_AFTER_KMAR, "shelter_care": 2.5},
        habits=Habits("iso", 0.5, "german"),
    ),
    Organisation(
        "ggd",
        "healthcare",
        "GGD-regio's (synthetisch)",
        forms(0.002, domestic_sexual=0.006, crossborder_sexual=0.008),
        referral_from=_NOT_AFTER_KMAR,
        habits=Habits("dmy_dash", 0.1, "passport"),
    ),
    Organisation(
        "overig",
        "other",
        "Overige melders en zelfmelders (synthetisch)",
        forms(0.008),
        referral_from=_NOT_AFTER_KMAR,
        habits=Habits("dmy_slash", 0.2, "passport"),
    ),
)

FOLLOWING_YEAR_SHARE = 0.25
"""Share of detections registered in the year after the victim's year (when that year exists)."""


def detection_probabilities(
    org: Organisation,
    pop: pd.DataFrame,
    investigative_seen: np.ndarray,
    seen_by: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Each victim's chance that ``org`` registers them, given who saw them before."""
    minor = pop["age_group"].isin(MINOR_AGE_GROUPS).to_numpy()
    p = pop["form"].map(org.form_p).to_numpy(dtype=float)
    p = p * np.where(minor, org.minor_factor, org.adult_factor)
    p = p * pop["nationality_group"].map(lambda g: org.group_factor.get(g, 1.0)).to_numpy(float)
    if org.regions is not None:
        p = p * pop["region"].isin(org.regions).to_numpy()
    p = np.clip(p, 0.0, 0.99)
    shift = org.referral * investigative_seen
    for rtype, bump in org.referral_from.items():
        if seen_by is not None and rtype in seen_by:
            shift = shift + bump * seen_by[rtype]
    if np.any(shift != 0):
        bumped = expit(logit(np.clip(p, 1e-9, 0.99)) + shift)
        p = np.where((p > 0) & (shift != 0), bumped, p)
    return np.asarray(p, dtype=float)


def _date_in(year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    base = np.array([dt.date(int(y), 1, 1).toordinal() for y in year])
    return base + rng.integers(0, 365, size=len(year))


def detect(
    config: WorldConfig,
    pop: pd.DataFrame,
    rng: np.random.Generator,
    organisations: tuple[Organisation, ...] | None = None,
) -> pd.DataFrame:
    """One row per (victim, organisation) detection: person index, org, registration date.

    Investigative bodies detect first; the others see the result through ``referral``. A care
    organisation that follows a police detection registers a few weeks after it. The detection
    parameters are those of ``config.scenario`` unless ``organisations`` is given (calibration).
    """
    orgs = organisations if organisations is not None else scenario_organisations(config)
    n = len(pop)
    year = pop["year"].to_numpy()
    last = dt.date(config.end_year, 12, 31).toordinal()
    # Registered in the victim's year or the next, and never after the world's last day.
    latest = np.minimum([dt.date(int(y) + 1, 12, 31).toordinal() for y in year], last)
    following = (rng.random(n) < FOLLOWING_YEAR_SHARE) & (year < config.end_year)
    investigative_seen = np.zeros(n, dtype=bool)
    first_inv_date = np.full(n, np.iinfo(np.int64).max)
    seen_by: dict[str, np.ndarray] = {}
    rows = []
    for org in sorted(orgs, key=lambda o: not o.investigative):
        p = detection_probabilities(org, pop, investigative_seen, seen_by)
        seen = rng.random(n) < p
        seen_by[org.reporter_type] = seen_by.get(org.reporter_type, np.zeros(n, bool)) | seen
        date = _date_in(year + following, rng)
        if org.investigative:
            first_inv_date = np.where(seen, np.minimum(first_inv_date, date), first_inv_date)
        elif org.referral:
            referred = seen & investigative_seen
            lag = rng.integers(3, 60, size=n)
            date = np.where(referred, np.minimum(first_inv_date + lag, latest), date)
        if org.investigative:
            investigative_seen |= seen
        idx = np.flatnonzero(seen)
        rows.append(pd.DataFrame({"person": idx, "org": org.org, "date": date[idx]}))
    out = pd.concat(rows, ignore_index=True)
    return out


def legal_bases(
    config: WorldConfig, captures: pd.DataFrame, rng: np.random.Generator
) -> np.ndarray:
    """Per detection: investigative bodies their basis; the others consent (or none) by year."""
    by_org = {o.org: o for o in ORGANISATIONS}
    years = np.array([dt.date.fromordinal(int(d)).year for d in captures["date"]])
    consent = np.array([config.consent(int(y)) for y in years])
    consented = rng.random(len(captures)) < consent
    out = np.empty(len(captures), dtype=object)
    for i, org in enumerate(captures["org"]):
        o = by_org[org]
        out[i] = o.basis() if o.investigative else ("explicit_consent" if consented[i] else "none")
    return out


def scenario_organisations(config: WorldConfig) -> tuple[Organisation, ...]:
    """The organisations with the detection parameters of ``config``'s scenario."""
    if config.scenario == "default":
        return ORGANISATIONS
    return tuple(
        replace(o, **{"referral": 0.0, "referral_from": {}, **HARD[o.org]}) for o in ORGANISATIONS
    )
