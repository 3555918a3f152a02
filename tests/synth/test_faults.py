"""Identifier faults measured against the truth, not taken from the generator's own flags."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from zichtbaar.encode.normalise import date_of_birth
from zichtbaar.synth import FaultRates, World
from zichtbaar.synth.names import latin

RATES = FaultRates()


def _has(rows: pd.DataFrame, fault: str) -> pd.Series:
    return rows["faults"].str.split(";").map(lambda fs: fault in fs)


def _near(measured: float, rate: float) -> bool:
    return abs(measured - rate) <= max(0.35 * rate, 0.006)


def test_missing_fields(all_rows: pd.DataFrame) -> None:
    r = all_rows
    assert _near(r["date_of_birth"].isna().mean(), RATES.missing_dob)
    both = r["given_names"].isna() & r["surname"].isna()
    assert _near(both.mean(), RATES.missing_names)
    assert _near(r["place_of_birth"].isna().mean(), RATES.missing_place)
    assert (both == _has(r, "missing_names")).all()


def test_swapped_day_and_month(all_rows: pd.DataFrame) -> None:
    r = all_rows[all_rows["date_of_birth"].notna()]
    true = r["true_date_of_birth"].map(dt.date.fromisoformat)
    eligible = true.map(lambda d: d.day <= 12 and d.day != d.month)
    written = r["date_of_birth"].map(lambda s: date_of_birth(s))
    # The encoder reads d/m/y unless the first part cannot be a day; compare both readings.
    exact = np.array([w.complete == t for w, t in zip(written, true, strict=True)])
    swapped = np.array([w.swapped == t for w, t in zip(written, true, strict=True)])
    assert (exact | swapped).all()
    measured = (swapped & ~exact)[eligible.to_numpy()].mean()
    assert _near(measured, RATES.swap_day_month)


def test_name_faults_on_latin_names(all_rows: pd.DataFrame) -> None:
    r = all_rows[(all_rows["true_script"] == "latin") & all_rows["given_names"].notna()]
    given = r["true_given_names"].to_numpy()
    surname = r["true_surname"].to_numpy()
    swapped = (r["given_names"].to_numpy() == surname) & (r["surname"].to_numpy() == given)
    assert _near(swapped.mean(), RATES.swap_name_order)
    changed = r["given_names"].to_numpy() != given
    changed |= (r["surname"].to_numpy() != surname) & ~swapped
    clean = ~(_has(r, "swap_name_order") | _has(r, "name_change") | _has(r, "duplicate")).to_numpy()
    # Everything else that differs from the truth is a typo, at the configured rate.
    assert _near(changed[clean].mean(), RATES.typo)
    assert (changed[clean] == _has(r, "typo").to_numpy()[clean]).all()


def test_duplicates_within_a_reporter_with_small_variations(reporter_rows: pd.DataFrame) -> None:
    r = reporter_rows
    per_org = r.groupby("org")["person_id"].agg(["size", "nunique"])
    extra = (per_org["size"] - per_org["nunique"]).sum() / per_org["nunique"].sum()
    assert _near(extra, RATES.duplicate)
    dups = r[r.duplicated(["org", "person_id"], keep=False)]
    for _, group in dups.groupby(["org", "person_id"]):
        fields = ["given_names", "surname", "date_of_birth", "place_of_birth"]
        assert group[fields].drop_duplicates().shape[0] == len(group)


def test_transliteration_differs_across_reporters(
    reporter_rows: pd.DataFrame, world: World
) -> None:
    r = reporter_rows[reporter_rows["true_script"] == "cyrillic"]
    r = r[~(_has(r, "typo") | _has(r, "swap_name_order") | _has(r, "name_change"))]
    r = r[r["surname"].notna()]
    native = r["surname"].map(lambda s: not s.isascii())
    assert 0 < native.mean() < 0.5
    persons = world.persons.set_index("person_id")
    latin_rows = r[~native]
    true = persons.loc[latin_rows["person_id"], "surname"]
    forms = {
        scheme: [latin(t, "cyrillic", scheme) for t in true]
        for scheme in ("passport", "german", "french")
    }
    written = latin_rows["surname"].tolist()
    assert all(any(w == forms[s][i] for s in forms) for i, w in enumerate(written))
    assert sum(w != forms["passport"][i] for i, w in enumerate(written)) > 0


@pytest.mark.parametrize("rate", [0.0, 0.3])
def test_fault_rates_are_configurable(rate: float) -> None:
    from zichtbaar.synth import WorldConfig, build_world

    faults = FaultRates(missing_dob=rate, duplicate=0.0)
    world = build_world(WorldConfig.small(seed=3, faults=faults, nonvictims_per_victim=0.5))
    rows = pd.concat(world.reporters.values())
    assert _near(rows["date_of_birth"].isna().mean(), rate)
    per_person = world.records[world.records["source"].str.startswith("reporters/")]
    assert not per_person.duplicated(["source", "person_id"]).any()
