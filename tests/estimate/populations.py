"""Simulated capture histories shared by the simulation tests and bench/ (one generator, so a
bench's figure and a test's assertion are about the same population)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zichtbaar.estimate.procedures import GROUP, population_groups


def two_class_patterns(
    rng: np.random.Generator, n: int, lists: int, share_low: float, p_high: float, p_low: float
) -> tuple[np.ndarray, np.ndarray]:
    """Observed patterns and counts of n people in two classes of visibility: a share
    ``share_low`` recorded by each list with probability ``p_low``, the rest with ``p_high``,
    each list's rates scaled by U(0.8, 1.2)."""
    low = rng.binomial(n, share_low)
    p = np.vstack([np.full((n - low, lists), p_high), np.full((low, lists), p_low)])
    p = p * rng.uniform(0.8, 1.2, size=lists)
    x = (rng.random(p.shape) < p).astype(np.int8)
    pats, counts = np.unique(x[x.any(axis=1)], axis=0, return_counts=True)
    return pats, counts


CLASSIC = ("independent", "dependence", "two_class", "observed_covariate")
"""The classic MSE scenarios of the validity study (5 lists, a minor/adult covariate)."""


def classic_histories(scenario: str, rng: np.random.Generator, n: int = 3000) -> pd.DataFrame:
    """Person-level capture histories of n people (all of them, also the never-seen) in one of
    the classic scenarios, with the lists of the reporter groups, a ``minor_adult`` column and
    the population groups (a nationality drawn independently of every list).

    - independent: every list records each person independently (p 0.08-0.3);
    - dependence: police and care positively dependent (a referral: care records 45 % of
      police-seen people, 10 % of the others), the rest independent;
    - two_class: 40 % of people (unrelated to the covariate) recorded at half the others
      rates, which no observed covariate explains;
    - observed_covariate: minors (30 %) recorded at a third of the adults' rates by every list
      but youth care, which records minors only: heterogeneity a covariate can capture.
    """
    lists = ["police", "inspection", "care", "youth_municipal", "other"]
    p = np.array([0.3, 0.1, 0.2, 0.12, 0.08])
    minor = rng.random(n) < 0.3
    rates = np.tile(p, (n, 1))
    if scenario == "two_class":
        low = rng.random(n) < 0.4
        rates[low] /= 2
    elif scenario == "observed_covariate":
        rates[minor] /= 3
        rates[:, 3] = np.where(minor, 0.3, 0.04)
    elif scenario not in ("independent", "dependence"):
        raise ValueError(f"unknown scenario {scenario}")
    x = rng.random((n, 5)) < rates
    if scenario == "dependence":
        x[:, 2] = np.where(x[:, 0], rng.random(n) < 0.45, rng.random(n) < 0.1)
    out = pd.DataFrame(x.astype(np.int64), columns=lists)
    out["minor_adult"] = np.where(minor, "minor", "adult")
    # a nationality no list depends on: the groups model must not be hurt by a neutral split
    dutch = pd.Series(np.where(rng.random(n) < 0.6, "NL", "EU_EEA"))
    out[GROUP] = population_groups(out["minor_adult"], dutch)
    return out


NATIONALITY_LISTS = ["police", "kmar", "care", "municipal", "other"]


def nationality_histories(rng: np.random.Generator, n: int = 4000) -> pd.DataFrame:
    """People whose lists depend on nationality as the Dutch lists do (Ned): the border police
    (``kmar``) register foreigners, whom the others then rarely register; the ``other`` list (legal
    aid) registers foreigners only, mostly care's clients. Within Dutch and within foreign adults
    the lists are otherwise independent; minors (20 %) are seen at half the rates."""
    foreign = rng.random(n) < 0.45
    minor = rng.random(n) < 0.2
    scale = np.where(minor, 0.5, 1.0)
    police = rng.random(n) < 0.2 * scale
    kmar = rng.random(n) < np.where(foreign, 0.18, 0.01) * scale
    care = rng.random(n) < np.where(kmar, 0.01, np.where(foreign, 0.08, 0.15)) * scale
    municipal = rng.random(n) < np.where(kmar, 0.005, 0.1) * scale
    other = rng.random(n) < np.where(foreign, np.where(care, 0.6, 0.05), 0.0) * scale
    out = pd.DataFrame(
        np.column_stack([police, kmar, care, municipal, other]).astype(np.int64),
        columns=NATIONALITY_LISTS,
    )
    out["minor_adult"] = np.where(minor, "minor", "adult")
    nationality = pd.Series(np.where(foreign, "AFRICA", "NL"))
    out[GROUP] = population_groups(out["minor_adult"], nationality)
    return out
