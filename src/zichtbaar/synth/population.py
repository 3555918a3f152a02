"""The true population: every victim of the world, with true attributes and identifiers.

Drawn year by year with numpy: a fixed number of Dutch minors in domestic sexual exploitation
(the rapporteur's estimate), the rest spread over forms so that about two thirds of all victims
are sexually exploited, then nationality given form, age given form and nationality, and so on.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from zichtbaar.standard.codes import FORMS, REGIONS, age_group
from zichtbaar.standard.countries import nationality_group
from zichtbaar.synth import bsn as bsn_mod
from zichtbaar.synth.config import WorldConfig
from zichtbaar.synth.names import NamePool, draw_names
from zichtbaar.synth.nationalities import BY_ALPHA3, FORM_NATIONALITY_WEIGHTS

REST_FORM_SHARES: dict[str, float] = {
    "domestic_sexual": 0.28,
    "crossborder_sexual": 0.29,
    "labour": 0.27,
    "criminal": 0.14,
    "organ_removal": 0.003,
    "other_unknown": 0.017,
}
"""Forms of the victims other than the Dutch minors in domestic sexual exploitation."""

MINOR_SHARE: dict[str, float] = {
    "domestic_sexual": 0.08,  # non-Dutch only; Dutch minors are drawn to their own target
    "crossborder_sexual": 0.05,
    "labour": 0.03,
    "criminal": 0.25,
    "organ_removal": 0.0,
    "other_unknown": 0.10,
}
FEMALE_SHARE: dict[str, float] = {
    "domestic_sexual": 0.93,
    "crossborder_sexual": 0.95,
    "labour": 0.30,
    "criminal": 0.40,
    "organ_removal": 0.40,
    "other_unknown": 0.60,
}
REGION_WEIGHTS: dict[str, float] = {
    "noord_nederland": 0.08,
    "oost_nederland": 0.14,
    "midden_nederland": 0.10,
    "noord_holland": 0.08,
    "amsterdam": 0.15,
    "den_haag": 0.12,
    "rotterdam": 0.14,
    "zeeland_west_brabant": 0.08,
    "oost_brabant": 0.06,
    "limburg": 0.05,
}
BSN_SHARE: dict[str, float] = {"NLD": 1.0, "SUR": 0.6}
"""Who holds a BSN: all Dutch nationals, many Surinamese residents, a few long-term residents."""
BSN_SHARE_EU = 0.25
BSN_SHARE_OTHER = 0.05
OTHER_GENDER = 0.003
AFRICAN = frozenset(a for a in BY_ALPHA3 if nationality_group(a) == "AFRICA")

assert set(REST_FORM_SHARES) == set(FORMS.values)
assert set(REGION_WEIGHTS) | {"unknown"} == set(REGIONS.values)


def _p(d: dict[str, float], keys: list[str]) -> np.ndarray:
    w = np.array([d[k] for k in keys], dtype=float)
    p: np.ndarray = w / w.sum()
    return p


def _nationality_weights(form: str, year: int, config: WorldConfig) -> tuple[list[str], np.ndarray]:
    weights = dict(FORM_NATIONALITY_WEIGHTS[form])
    if year >= config.african_boost_from:
        for a in AFRICAN & weights.keys():
            weights[a] *= config.african_boost
    keys = sorted(weights)
    return keys, _p(weights, keys)


def draw_people(
    n: int,
    rng: np.random.Generator,
    *,
    nationality: np.ndarray,
    female: np.ndarray,
    age: np.ndarray,
    ref_year: np.ndarray,
    pools: dict[str, NamePool],
    exclude_bsn: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Identifiers for people whose nationality, sex and age at ``ref_year`` are already drawn.

    Shared by victims and the non-victims of registers, so both look alike to the linkage.
    """
    offset = rng.integers(0, 365, size=n)
    dob = [
        (dt.date(int(y) - int(a), 1, 1) + dt.timedelta(days=int(o))).isoformat()
        for y, a, o in zip(ref_year, age, offset, strict=True)
    ]
    given = np.empty(n, dtype=object)
    surname = np.empty(n, dtype=object)
    alias = np.empty(n, dtype=object)
    place = np.empty(n, dtype=object)
    script = np.empty(n, dtype=object)
    for code in sorted(set(nationality.tolist())):
        idx = np.flatnonzero(nationality == code)
        nat = BY_ALPHA3[code]
        g, s, al = draw_names(
            pools[nat.locale], female[idx], rng, 0.35 if nat.locale == "nl_NL" else 0.1
        )
        given[idx], surname[idx], alias[idx] = g, s, al
        place[idx] = np.array(nat.places, dtype=object)[rng.integers(0, len(nat.places), len(idx))]
        script[idx] = nat.script
    share = np.array(
        [
            BSN_SHARE.get(c, BSN_SHARE_EU if nationality_group(c) == "EU_EEA" else BSN_SHARE_OTHER)
            for c in nationality
        ]
    )
    has_bsn = rng.random(n) < share
    bsn = np.full(n, None, dtype=object)
    bsn[has_bsn] = bsn_mod.draw(int(has_bsn.sum()), rng, exclude_bsn)
    gender = np.where(female, "female", "male").astype(object)
    gender[rng.random(n) < OTHER_GENDER] = "other"
    return pd.DataFrame(
        {
            "gender": gender,
            "nationality": nationality,
            "nationality_group": [nationality_group(c) for c in nationality],
            "date_of_birth": dob,
            "place_of_birth": place,
            "bsn": bsn,
            "given_names": given,
            "surname": surname,
            "alias_surname": alias,
            "script": script,
        }
    )


def adult_ages(n: int, rng: np.random.Generator) -> np.ndarray:
    ages: np.ndarray = np.minimum(18 + np.floor(rng.gamma(2.0, 5.5, size=n)), 70).astype(int)
    return ages


def build_population(
    config: WorldConfig, rng: np.random.Generator, pools: dict[str, NamePool]
) -> pd.DataFrame:
    """All true victims of all years, one row per person (``person_id`` P0000001, ...)."""
    forms = list(FORMS.values)
    frames: list[pd.DataFrame] = []
    for year in config.years:
        n = round(config.target_victims(year) * config.scale)
        n_dm = min(n, round(config.dutch_minor_domestic_sexual * config.scale))
        rest = n - n_dm
        form = np.concatenate(
            [
                np.full(n_dm, "domestic_sexual", dtype=object),
                rng.choice(forms, size=rest, p=_p(REST_FORM_SHARES, forms)).astype(object),
            ]
        )
        nat = np.empty(n, dtype=object)
        nat[:n_dm] = "NLD"
        for f in forms:
            idx = np.flatnonzero(form == f)
            idx = idx[idx >= n_dm]
            keys, p = _nationality_weights(f, year, config)
            nat[idx] = rng.choice(keys, size=len(idx), p=p)
        age = adult_ages(n, rng)
        dm_ages = np.arange(10, 18)
        age[:n_dm] = rng.choice(
            dm_ages,
            size=n_dm,
            p=_p(
                dict(zip(map(str, dm_ages), (2, 2, 8, 12, 16, 20, 20, 20), strict=True)),
                [str(a) for a in dm_ages],
            ),
        )
        minor_p = np.array([MINOR_SHARE[f] for f in form])
        minor_p[(form == "domestic_sexual") & (nat == "NLD")] = 0.0
        minor = rng.random(n) < minor_p
        minor[:n_dm] = False
        age[minor] = rng.integers(13, 18, size=int(minor.sum()))
        female = rng.random(n) < np.array([FEMALE_SHARE[f] for f in form])
        female[:n_dm] = rng.random(n_dm) < 0.9
        regions = list(REGION_WEIGHTS)
        region = rng.choice(regions, size=n, p=_p(REGION_WEIGHTS, regions))
        people = draw_people(
            n,
            rng,
            nationality=nat,
            female=female,
            age=age,
            ref_year=np.full(n, year),
            pools=pools,
            exclude_bsn=frozenset(b for fr in frames for b in fr["bsn"].dropna()),
        )
        people.insert(0, "year", year)
        people.insert(1, "form", form)
        people.insert(2, "age", age)
        people.insert(3, "age_group", [age_group(int(a)) for a in age])
        people.insert(4, "region", region)
        order = rng.permutation(n)
        frames.append(people.iloc[order].reset_index(drop=True))
    pop = pd.concat(frames, ignore_index=True)
    pop.insert(0, "person_id", [f"P{i:07d}" for i in range(1, len(pop) + 1)])
    return pop
