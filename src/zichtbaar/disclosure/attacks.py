"""Attacks of our own on published releases (issue 25): published numbers only.

* ``withdrawal_guess``: an attacker holding a release before and one after a person's withdrawal
  reads where the two differ (a smaller published count, a cell newly suppressed, a cell that went
  from suppressed to published) and guesses the person's form, gender, age group (minor/adult),
  region and nationality group; ``baseline_guess`` is the best guess from the earlier release
  alone (the most frequent category, of the person's year if the attacker knows it).
* ``joint_intervals``: the integer programme over several tables at once, with the year totals of
  tables that count the same population tied together (``SAME_POPULATION``).
* ``nonzero_inference``: "suppressed means at least 1", taken wherever the release publishes a
  zero (so that the rule evidently publishes zeros), else the release's own stated rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from zichtbaar.disclosure.audit import attacker_intervals
from zichtbaar.disclosure.differencing import align
from zichtbaar.disclosure.release import Release
from zichtbaar.disclosure.rules import Rules, protection
from zichtbaar.disclosure.secondary import suppress
from zichtbaar.disclosure.structure import TOTAL, build_tables

if TYPE_CHECKING:
    import duckdb

    from zichtbaar.stats.registry import TableRegistry

ATTRIBUTES = {
    "form": "victims_by_year_form",
    "gender": "victims_by_year_gender",
    "minor_adult": "victims_by_year_minor",
    "region": "victims_by_year_region",
    "nationality_group": "victims_by_year_nationality",
}
"""Person attribute → the table that publishes it per year."""

SAME_POPULATION = (*ATTRIBUTES.values(), "victims_by_year_reporter_type")
"""Tables counting every person once per year: their year totals are equal by definition."""


def _cells(data: pd.DataFrame, dim: str) -> pd.DataFrame:
    out = data[data[dim].astype(str) != TOTAL].copy()
    out[dim] = out[dim].astype(str)
    return out


def _modal(data: pd.DataFrame, dim: str, year: int | None) -> str | None:
    cells = _cells(data, dim)
    if year is not None:
        cells = cells[cells["year"] == year]
    sums = cells.assign(v=cells["value"].fillna(0).astype(int)).groupby(dim)["v"].sum()
    return None if sums.empty else str(sums.idxmax())


def baseline_guess(earlier: Release, year: int | None = None) -> dict[str, str | None]:
    """The most frequent category of each attribute in the earlier release (of ``year``)."""
    return {
        attr: _modal(earlier.tables[t].data, attr, year) if t in earlier.tables else None
        for attr, t in ATTRIBUTES.items()
    }


def _evidence(a: pd.DataFrame, b: pd.DataFrame, dim: str) -> pd.DataFrame:
    """Per item of both releases: how strongly it points at the withdrawn person."""
    keys = ["year", dim]
    left, right = a.copy(), b.copy()
    for df in (left, right):
        df[dim] = df[dim].astype(str)
    m = left.merge(right, on=keys, how="inner", suffixes=("_1", "_2"))
    pub1, pub2 = ~m["suppressed_1"].astype(bool), ~m["suppressed_2"].astype(bool)
    v1 = m["value_1"].fillna(0).astype(int)
    v2 = m["value_2"].fillna(0).astype(int)
    score = np.where(pub1 & pub2, np.clip(v1 - v2, 0, None), 0).astype(float)
    score += np.where(pub1 & ~pub2, 1.0, 0.0)  # newly suppressed: the count became small
    score += np.where(~pub1 & pub2 & (v2 == 0), 1.0, 0.0)  # a small cell emptied
    score += np.where(~pub1 & pub2 & (v2 > 0), 0.5, 0.0)  # lifted: the pattern moved
    return m.assign(score=score)[[*keys, "score"]]


def withdrawal_guess(earlier: Release, later: Release) -> dict[str, str | None]:
    """The attacker's best guess of the withdrawn person's attributes from the two releases.

    The person's year is the one whose items changed most over all the attribute tables; within
    it, the category with the strongest evidence; without evidence, the baseline guess.
    """
    evidence = {
        attr: _evidence(earlier.tables[t].data, later.tables[t].data, attr)
        for attr, t in ATTRIBUTES.items()
        if t in earlier.tables and t in later.tables
    }
    by_year: dict[int, float] = {}
    for ev in evidence.values():
        for y, s in ev.groupby("year")["score"].sum().items():
            by_year[int(str(y))] = by_year.get(int(str(y)), 0.0) + float(s)
    year = max(by_year, key=lambda y: by_year[y]) if by_year and max(by_year.values()) > 0 else None
    out = baseline_guess(earlier, year)
    for attr, ev in evidence.items():
        cells = ev[(ev["year"] == year) & (ev[attr] != TOTAL)] if year is not None else ev[:0]
        if not cells.empty and cells["score"].max() > 0:
            top = cells[cells["score"] == cells["score"].max()][attr].tolist()
            modal = out[attr]
            out[attr] = modal if modal in top else str(top[0])
    return out


def joint_intervals(
    tables: Mapping[str, tuple[pd.DataFrame, pd.DataFrame]],
    dims: Mapping[str, str],
    items: Sequence[tuple[str, int, str]],
    floor: int = 0,
) -> dict[tuple[str, int, str], tuple[float, float]]:
    """Integer min and max of suppressed interior cells given every table at once.

    ``tables``: name → (published data, the true counts with ``count``, only used to name the
    cells); every published cell is fixed, every published margin an equation, and tables in
    ``SAME_POPULATION`` share their year totals. ``floor`` is the attacker's lower bound on a
    suppressed cell (1 for "suppressed means non-zero"). ``items``: (table, year, category).
    """
    index: dict[tuple[str, int, str], int] = {}
    fixed: dict[int, int] = {}
    for name, (pub, _) in tables.items():
        dim = dims[name]
        for row in _cells(pub, dim).itertuples(index=False):
            key = (name, int(str(row.year)), str(getattr(row, dim)))
            index[key] = len(index)
            if not bool(row.suppressed):
                fixed[index[key]] = int(str(row.value))
    n = len(index)
    rows: list[tuple[list[int], float, float]] = []
    years: dict[int, list[list[int]]] = {}
    for name, (pub, _) in tables.items():
        dim = dims[name]
        for year, part in pub.groupby("year"):
            members = [index[(name, int(str(year)), str(c))] for c in part[dim] if c != TOTAL]
            total = part[part[dim] == TOTAL]
            if len(total) and not bool(total["suppressed"].iloc[0]):
                v = float(total["value"].iloc[0])
                rows.append((members, v, v))
            if name in SAME_POPULATION:
                years.setdefault(int(str(year)), []).append(members)
    a = lil_array((len(rows) + sum(max(len(g) - 1, 0) for g in years.values()), n))
    lo, hi = [], []
    for r, (members, low, high) in enumerate(rows):
        a[r, members] = 1.0
        lo.append(low)
        hi.append(high)
    r = len(rows)
    for groups in years.values():
        for g in groups[1:]:  # sum(first table) - sum(this table) = 0
            a[r, groups[0]] = 1.0
            for j in g:
                a[r, j] = a[r, j] - 1.0
            lo.append(0.0)
            hi.append(0.0)
            r += 1
    lb = np.array([fixed.get(i, floor) for i in range(n)], dtype=float)
    ub = np.array([fixed.get(i, np.inf) for i in range(n)], dtype=float)
    cons = [LinearConstraint(a.tocsr(), np.array(lo), np.array(hi))] if r else []
    out = {}
    for key in items:
        c = np.zeros(n)
        c[index[key]] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            res = milp(sign * c, constraints=cons, integrality=np.ones(n), bounds=Bounds(lb, ub))
            ends.append(np.inf if res.status != 0 and sign < 0 else sign * float(res.fun))
        out[key] = (ends[0], ends[1])
    return out


@dataclass(frozen=True)
class NonzeroInference:
    """What "suppressed means at least 1" does to the small items of a release."""

    checked: int  # suppressed small items (0 < n < min_cell)
    lifted: int  # of which the attacker removes the lower bound 0
    zeros_published: int
    zeros_suppressed: int  # suppressed items that are truly 0: the inference is false there


def nonzero_inference(
    release: Release,
    con: duckdb.DuckDBPyConnection,
    registry: TableRegistry,
    old_pattern: bool = False,
) -> NonzeroInference:
    """The attack on a published release, or (``old_pattern``) on the pattern of the old rule.

    Per stratum the attacker takes every suppressed item to be at least 1 if the stratum
    publishes a zero (then the rule evidently publishes zeros); otherwise it knows the release's
    zero rule (``audit.attacker_intervals`` with it), which says a suppressed item may be 0.
    """
    m = int(release.rules["min_cell"])
    believed = Rules(m, zeros="publish")
    stated = Rules(m, zeros=str(release.rules.get("zeros", "publish")))
    checked = lifted = zeros_published = zeros_suppressed = 0
    for name, published in release.tables.items():
        d = registry[name]
        raw = d.compute(con, release.year_from, release.year_to)
        for t in build_tables(raw, d.dims, d.strata, d.hierarchy):
            small = protection(t, believed)  # the items 0 < n < min_cell
            if old_pattern:
                mask = suppress(t, small)
            else:
                _, pub, _ = align(t, d.dims, published.data)
                mask = ~pub
            zero = t.values == 0
            zeros_published += int((zero & ~mask).sum())
            zeros_suppressed += int((zero & mask).sum())
            rule = believed if old_pattern or (zero & ~mask).any() else stated
            for iv in attacker_intervals(t, mask, small, rule).intervals:
                checked += 1
                lifted += iv.low > 1e-6
    return NonzeroInference(checked, lifted, zeros_published, zeros_suppressed)


def joint_milp_attack(
    release: Release, con: duckdb.DuckDBPyConnection, registry: TableRegistry
) -> tuple[int, int]:
    """(suppressed small cells checked, narrowed) by the joint MILP over ``SAME_POPULATION``.

    Narrowed: the integer min is above 0 or the max below ``min_cell`` (the cells' protection
    range). The true counts only say which suppressed cells are small.
    """
    m = int(release.rules["min_cell"])
    tables, dims, small = {}, {}, []
    for name in SAME_POPULATION:
        if name not in release.tables:
            continue
        d = registry[name]
        raw = d.compute(con, release.year_from, release.year_to)
        dim = d.dims[1]
        pub = release.tables[name].data
        tables[name], dims[name] = (pub, raw), dim
        merged = _cells(pub, dim).merge(raw.astype({dim: str}), on=["year", dim])
        hidden = merged[merged["suppressed"].astype(bool) & (merged["count"] < m)]
        small += [
            (name, int(str(y)), str(c)) for y, c in zip(hidden["year"], hidden[dim], strict=True)
        ]
    found = joint_intervals(tables, dims, small)
    narrowed = sum(low > 0.5 or high < m - 0.5 for low, high in found.values())
    return len(found), narrowed
