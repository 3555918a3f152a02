"""The synthetic world's overlap structure beside the real Dutch one (the ``Ned`` table).

``Ned`` is the published table of presumed trafficking victims in the Netherlands, 2010-2015
pooled, by type of reporting organisation (six lists; /work/shared/data/mse/Ned.csv, from the
MSE literature: Silverman 2020; Chan, Silverman & Vincent 2021). It is the one real overlap
structure we have, so the world's detection model is checked against it: list sizes, the share
seen by one list only, and every overlap as observed over expected under independence.

Shared by ``bench/bench_world_vs_ned.py`` (the table and JSON) and ``tests/synth`` (tolerances).
The default scenario's detection parameters were set by hand against this comparison on seeds 1-4
at scale 1 (2014-2019 pooled, like Ned's six years); seeds 5-9 were not looked at while setting
them and are the bench's check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from zichtbaar.estimate import PatternTable, estimate, make_table
from zichtbaar.standard.codes import MINOR_AGE_GROUPS, REPORTER_TYPES
from zichtbaar.synth import World

LISTS = ("I", "K", "O", "P", "R", "Z")
NED_YEARS = 6
"""Ned pools six years (2010-2015); counts per year are divided by this."""

NED_PATTERNS: tuple[tuple[str, int], ...] = (
    ("101100", 4), ("101000", 1), ("100101", 4), ("100100", 18), ("100010", 3),
    ("100001", 16), ("100000", 352), ("011000", 1), ("010100", 44), ("010001", 4),
    ("010000", 1299), ("001110", 2), ("001101", 7), ("001100", 59), ("001010", 2),
    ("001001", 57), ("001000", 403), ("000111", 1), ("000110", 82), ("000101", 125),
    ("000100", 4466), ("000011", 2), ("000010", 650), ("000001", 632),
)  # fmt: skip
"""Ned.csv (lists I K O P R Z as a bit string, count), 8,234 people; embedded so that tests do not
depend on the shared data directory."""

NED_MAP: dict[str, str] = {
    "police": "P",
    "kmar": "K",
    "labour_inspectorate": "I",
    "shelter_care": "O",
    "healthcare": "O",
    "youth_care": "O",
    "municipality": "R",
    "other_investigative": "Z",
    "legal_aid": "Z",
    "ngo": "Z",
    "other": "Z",
}
"""Reporter type (``standard/codes.py``) → Ned list. O is "shelters and treatment centres": care
that houses or treats victims, so shelters, health care and youth care; R, the regional care
coordinators, are the municipalities' coordinators; Z ("others") takes what Ned names nowhere
(other investigative services, lawyers, NGOs, self-reports)."""
assert set(NED_MAP) == set(REPORTER_TYPES.values)

MIN_OVERLAP = 20
"""Pairwise ratios are held to tolerance only where Ned's overlap has at least this many people."""


@dataclass(frozen=True)
class Tolerance:
    """How close the default world must come to Ned (stated in docs/synthetic-world.md)."""

    list_share_points: float = 5.0
    one_list_points: float = 5.0
    ratio_factor: float = 1.5


def ned_histories() -> pd.DataFrame:
    """Ned as person-level 0/1 histories (one row per person), for the same code path as a world."""
    rows = [[int(b) for b in bits] for bits, n in NED_PATTERNS for _ in range(n)]
    return pd.DataFrame(rows, columns=list(LISTS))


def world_histories(
    world: World, years: Iterable[int], mask: pd.Series | None = None
) -> pd.DataFrame:
    """Every observed victim of ``years`` with Ned's six lists (any detection, basis or not).

    Ned predates the 2018 consent collapse, so rows without a legal basis count: the true capture
    table holds every detection. ``mask`` (over ``world.captures``) restricts to a subgroup.
    """
    caps = world.captures
    keep = caps["year"].isin(list(years))
    if mask is not None:
        keep &= mask
    caps = caps[keep]
    types = dict(zip(world.organisations["org"], world.organisations["reporter_type"], strict=True))
    out = pd.DataFrame(index=caps.index)
    for name in LISTS:
        orgs = [o for o, t in types.items() if NED_MAP[t] == name]
        out[name] = caps[orgs].max(axis=1).astype(int) if orgs else 0
    return out[out.sum(axis=1) > 0].reset_index(drop=True)


def _table(h: pd.DataFrame, lists: list[str]) -> PatternTable:
    agg = h.groupby(lists, sort=True).size().reset_index(name="count")
    return make_table(lists, agg[lists].to_numpy(), agg["count"].to_numpy())


def _fitted_independence(h: pd.DataFrame) -> tuple[float, dict[str, float]]:
    """N and fitted cells (six-list bit strings) of the independence model; empty lists get 0."""
    used = [x for x in LISTS if h[x].any()]
    fit = estimate(_table(h, used), model="main")
    full = {}
    for r in fit.fitted:
        bits = dict(zip(used, r["pattern"], strict=True))
        full["".join(bits.get(x, "0") for x in LISTS)] = float(r["fitted"])
    return fit.estimate, full


def structure(h: pd.DataFrame, per_year: float = 1.0) -> dict[str, Any]:
    """List shares, one-list share, pairwise and 3+ overlaps (observed/expected) of histories.

    Expected counts are the fitted values of the independence (main-effects) log-linear model
    on the same table, so a ratio above 1 is positive dependence the lists show beyond their sizes.
    """
    on = h[list(LISTS)].to_numpy(bool)
    n = len(h)
    k = on.sum(axis=1)
    n_indep, fitted = _fitted_independence(h)
    bits = {p: np.array([c == "1" for c in p]) for p in fitted}
    pairs: dict[str, dict[str, float]] = {}
    for a, b in combinations(range(len(LISTS)), 2):
        obs = int(np.sum(on[:, a] & on[:, b]))
        exp = sum(v for p, v in fitted.items() if bits[p][a] and bits[p][b])
        pairs[LISTS[a] + LISTS[b]] = {
            "observed": obs,
            "per_year": round(obs / per_year, 1),
            "expected": round(exp, 1),
            "ratio": round(obs / exp, 3) if exp > 0 else float("nan"),
        }
    exp3 = sum(v for p, v in fitted.items() if bits[p].sum() >= 3)
    return {
        "observed": n,
        "observed_per_year": round(n / per_year, 1),
        "list_share": {x: round(float(on[:, i].mean()), 4) for i, x in enumerate(LISTS)},
        "one_list_share": round(float(np.mean(k == 1)), 4),
        "three_plus": {
            "observed": int(np.sum(k >= 3)),
            "expected": round(exp3, 1),
            "ratio": round(int(np.sum(k >= 3)) / exp3, 3) if exp3 > 0 else float("nan"),
        },
        "pairs": pairs,
        "independence_estimate_ratio": round(n_indep / n, 3),
    }


def ned_structure() -> dict[str, Any]:
    return structure(ned_histories(), per_year=NED_YEARS)


def compare(
    world_s: Mapping[str, Any],
    ned_s: Mapping[str, Any],
    tol: Tolerance = Tolerance(),
    min_overlap: int = MIN_OVERLAP,
) -> list[str]:
    """What lies outside ``tol`` (empty: within it). Ratios only where Ned's overlap has at
    least ``min_overlap`` people (a small world needs a larger one: its overlaps are noisier)."""
    problems = []
    for x in LISTS:
        d = 100 * (world_s["list_share"][x] - ned_s["list_share"][x])
        if abs(d) > tol.list_share_points:
            problems.append(f"list {x}: share differs by {d:+.1f} points")
    d = 100 * (world_s["one_list_share"] - ned_s["one_list_share"])
    if abs(d) > tol.one_list_points:
        problems.append(f"one-list share differs by {d:+.1f} points")
    for pair, ned_p in ned_s["pairs"].items():
        if ned_p["observed"] < min_overlap:
            continue
        r = world_s["pairs"][pair]["ratio"]
        if not (ned_p["ratio"] / tol.ratio_factor <= r <= ned_p["ratio"] * tol.ratio_factor):
            problems.append(f"pair {pair}: ratio {r:.2f} against Ned's {ned_p['ratio']:.2f}")
    return problems


def minors_mask(world: World) -> pd.Series:
    return world.captures["age_group"].isin(MINOR_AGE_GROUPS)
