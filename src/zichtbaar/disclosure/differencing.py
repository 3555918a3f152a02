"""Disclosure by differencing across releases: the attack, and suppression that withstands it.

One release passing its audit is not enough: an attacker holds every release ever published.
Two ways the second release can leak what the first protected:

* **nested populations**: a table re-published from a later run (late registrations, one more
  organisation, a corrected region) differs from the earlier one by the persons added; a cell
  published in both with a small difference ``0 < |v2 - v1| < min_cell`` reveals a small group.
* **combined constraints**: the same population (same run) published twice with different
  suppression patterns: each pattern passes its own audit, but the union of both releases'
  published cells and margins can pin a cell down (the LP audit over the union).

The attack (``differencing_attack``) uses published numbers only. The defence
(``suppress_across_releases``) runs where the true counts are known, at release time: a cell
whose difference from an earlier release is small gets a protection range (as a small cell would),
the earlier release's published cells give the attacker lower bounds on a nested population, and a
re-release of the same run adopts the earlier suppression pattern so both say the same thing.
Whatever cannot be protected so is refused, naming the table and the earlier release.
Differentially private releases are exempt: their protection composes through the budget ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from zichtbaar.disclosure.audit import attacker_intervals
from zichtbaar.disclosure.repair import repair
from zichtbaar.disclosure.revisions import Earlier, decide, held_frame
from zichtbaar.disclosure.rules import Protection, Rules, protection
from zichtbaar.disclosure.secondary import suppress
from zichtbaar.disclosure.structure import TOTAL, LinearTable, build_tables
from zichtbaar.errors import DisclosureError

if TYPE_CHECKING:
    from zichtbaar.disclosure.release import Release

MODES = ("protect", "refuse", "off")
_TOL = 1e-6


@dataclass(frozen=True)
class Published:
    """One table as an earlier release published it: what the attacker holds."""

    release: str
    run_id: str
    data: pd.DataFrame  # dims + value (nullable) + suppressed


@dataclass(frozen=True)
class Finding:
    """A cell an attacker can narrow by combining two releases (labels are code-list values)."""

    table: str
    earlier: str
    later: str
    item: str
    kind: str  # "difference" (nested populations) or "combined" (LP over both releases)
    low: float
    high: float


class DifferencingError(DisclosureError):
    """A release would allow a differencing attack and cannot be protected consistently."""


def _keys(labels: pd.DataFrame, dims: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(str(v) for v in row) for row in labels[list(dims)].itertuples(index=False)]


def align(
    table: LinearTable, dims: Sequence[str], earlier: pd.DataFrame
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Per item of ``table``: present in the earlier release, published there, and its value."""
    index = {k: i for i, k in enumerate(_keys(earlier, dims))}
    published = ~earlier["suppressed"].to_numpy(dtype=bool)
    values = earlier["value"].fillna(0).to_numpy(dtype=np.int64)
    present = np.zeros(table.n_items, dtype=bool)
    pub = np.zeros(table.n_items, dtype=bool)
    val = np.zeros(table.n_items, dtype=np.int64)
    for i, key in enumerate(_keys(table.labels, dims)):
        j = index.get(key)
        if j is not None:
            present[i], pub[i], val[i] = True, published[j], values[j]
    return present, pub, val


def _item(labels: pd.DataFrame, dims: Sequence[str], i: int) -> str:
    return ", ".join(f"{d}={labels.iloc[i][d]}" for d in dims)


def _shifted(table: LinearTable, lower: npt.NDArray[np.int64]) -> LinearTable:
    """The table of ``x - lower`` (cells), so the audit's ``x >= 0`` means ``x >= lower``.

    Intervals are translation-invariant, so the audit's check against the protection ranges
    carries over unchanged.
    """
    n = table.n_cells
    values = table.values.copy()
    values[:n] -= lower
    for k, members in enumerate(table.groups):
        values[n + k] -= int(lower[members].sum())
    return LinearTable(values, n, table.groups, table.labels)


def suppress_across_releases(
    name: str,
    cells: pd.DataFrame,
    dims: Sequence[str],
    run_id: str,
    earlier: Sequence[Published],
    strata: Sequence[str] = ("year",),
    hierarchy: Mapping[str, str] | None = None,
    rules: Rules | None = None,
    mode: str = "protect",
    time_limit: float = 30.0,
    batch: int = 1,
    contributions: int = 1,
    republished: list[dict[str, object]] | None = None,
) -> pd.DataFrame:
    """Suppress ``cells`` so that neither it alone nor with ``earlier`` releases discloses.

    ``mode``: ``protect`` adds suppression where the earlier releases need it, ``refuse`` raises
    instead, ``off`` ignores the earlier releases (only for demonstrating the attack).
    ``earlier`` comes oldest first. A stratum an earlier release of another run published in
    which fewer than ``batch`` units changed is held: republished as the latest such release had
    it (``revisions.py``); no earlier suppression is ever lifted. ``republished`` gets every
    stratum equal to an earlier release of another run, held or unchanged alike: which ones were
    held is not said, since that would name the year of the few persons changed.
    Raises ``DifferencingError`` when a release cannot be made safe: the message names the table
    and the earlier release, never a count.
    """
    if mode not in MODES:
        raise DisclosureError(f"unknown differencing mode; use one of {', '.join(MODES)}")
    rules = rules or Rules()
    considered = [] if mode == "off" else list(earlier)
    parts = []
    for table in build_tables(cells, dims, strata, hierarchy):
        prot = protection(table, rules)
        aligned = [Earlier(e.release, e.run_id, *align(table, dims, e.data)) for e in considered]
        decision = decide(table, run_id, aligned, batch, contributions)
        if decision.held_from is not None:
            if mode == "refuse":
                raise DifferencingError(
                    f"table '{name}': differencing with release '{decision.held_from}' would "
                    "disclose the few persons changed since; protect (--differencing protect) "
                    "holds their year as published"
                )
            source_release = next(a for a in aligned if a.release == decision.held_from)
            parts.append(held_frame(table.labels, source_release))
            _note(republished, name, table, strata, decision.held_from)
            continue
        mask = _one_stratum(name, table, dims, run_id, considered, prot, rules, mode, time_limit)
        mask = mask | decision.keep_suppressed  # never un-suppress: only widens every interval
        same = [
            a
            for a in aligned
            if a.run_id != run_id
            and a.present.all()
            and np.array_equal(a.published, ~mask)
            and np.array_equal(a.values[~mask], table.values[~mask])
        ]
        if same:
            _note(republished, name, table, strata, same[-1].release)
        out = table.labels.copy()
        out["value"] = pd.array(
            [None if s else int(v) for v, s in zip(table.values, mask, strict=True)],
            dtype="Int64",
        )
        out["suppressed"] = mask.astype(bool)
        parts.append(out)
    if not parts:
        return pd.DataFrame(
            {
                **{d: pd.Series(dtype=object) for d in dims},
                "value": pd.array([], dtype="Int64"),
                "suppressed": pd.Series(dtype=bool),
            }
        )
    return pd.concat(parts, ignore_index=True)


def _note(
    republished: list[dict[str, object]] | None,
    name: str,
    table: LinearTable,
    strata: Sequence[str],
    source: str,
) -> None:
    if republished is not None:
        key = {s: _plain(table.labels.iloc[0][s]) for s in strata}
        republished.append({"table": name, **key, "from": source})


def _plain(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v


def _one_stratum(
    name: str,
    table: LinearTable,
    dims: Sequence[str],
    run_id: str,
    earlier: Sequence[Published],
    prot: Protection,
    rules: Rules,
    mode: str,
    time_limit: float,
) -> npt.NDArray[np.bool_]:
    v = table.values
    n = table.n_cells
    upper, lower = prot.upper.copy(), prot.lower.copy()
    cell_floor = np.zeros(n, dtype=np.int64)  # what a nested earlier release proves of each cell
    known = np.zeros(table.n_items, dtype=bool)  # published by an earlier release of this run
    in_same = np.zeros(table.n_items, dtype=bool)
    source = np.full(table.n_items, "", dtype=object)
    for e in earlier:
        present, pub, val = align(table, dims, e.data)
        both = present & pub
        if e.run_id == run_id and np.array_equal(val[both], v[both]):
            known |= both
            in_same |= present
            source[present & (source == "")] = e.release
            continue
        d = v - val
        small = both & (d != 0) & (np.abs(d) < rules.min_cell)
        # Protect the difference like a small cell: the attacker must not exclude that it is
        # empty, nor that it reaches the threshold.
        up = np.where(d > 0, rules.min_cell - d, np.abs(d))
        down = np.minimum(np.where(d > 0, d, rules.min_cell - np.abs(d)), v)
        upper = np.where(small, np.maximum(upper, up), upper)
        lower = np.where(small, np.maximum(lower, down), lower)
        source[small & (source == "")] = e.release
        nested = both[:n] & (d[:n] >= 0)
        cell_floor = np.where(nested, np.maximum(cell_floor, val[:n]), cell_floor)
    sensitive = (upper > 0) | (lower > 0)
    combined = Protection(sensitive, upper.astype(np.int64), lower.astype(np.int64))
    own_mask = _aware(table, suppress(table, prot, time_limit=time_limit), prot, rules)
    extra = not (np.array_equal(upper, prot.upper) and np.array_equal(lower, prot.lower))
    mask = suppress(table, combined, time_limit=time_limit) if extra else own_mask
    # A re-release of the same run says what the earlier one said: what it published is known
    # anyway, what it suppressed stays suppressed.
    mask = np.where(in_same, ~known, mask)
    if _failures(table, mask, combined, cell_floor, known, rules):
        # The solver's attacker has no lower bounds: solve again on the table shifted by them,
        # where "down to zero" means "down to what the earlier release proved".
        shifted = _shifted(table, cell_floor)
        reachable = np.minimum(combined.lower, np.maximum(shifted.values, 0))
        retry = Protection(combined.sensitive, combined.upper, reachable.astype(np.int64))
        mask = np.where(in_same, ~known, suppress(shifted, retry, time_limit=time_limit))
    mask = repair(
        table,
        mask,
        lambda m: _failures(table, m, combined, cell_floor, known, rules),
        frozen=in_same,
    )
    if mode == "refuse" and not np.array_equal(mask, own_mask):
        changed = np.flatnonzero(mask != own_mask)
        raise DifferencingError(
            f"table '{name}': differencing with release '{source[changed[0]] or '?'}' "
            "would disclose a small cell; protect (--differencing protect) or change the release"
        )
    if bad := _failures(table, mask, combined, cell_floor, known, rules):
        earlier_name = source[bad[0]] or "an earlier release"
        raise DifferencingError(
            f"table '{name}': with release '{earlier_name}' an attacker can narrow "
            f"{len(bad)} protected item(s) below their range; this release cannot be made "
            "consistent with what was published, so it is refused"
        )
    return np.asarray(mask, dtype=bool)


def _aware(
    table: LinearTable, mask: npt.NDArray[np.bool_], prot: Protection, rules: Rules
) -> npt.NDArray[np.bool_]:
    """The pattern repaired until the rule-aware attacker narrows nothing (``repair.py``)."""
    none = np.zeros(table.n_cells, dtype=np.int64)
    known = np.zeros(table.n_items, dtype=bool)
    return repair(table, mask, lambda m: _failures(table, m, prot, none, known, rules))


def _failures(
    table: LinearTable,
    mask: npt.NDArray[np.bool_],
    prot: Protection,
    cell_floor: npt.NDArray[np.int64],
    known: npt.NDArray[np.bool_],
    rules: Rules,
) -> list[int]:
    """Items exposed or narrowed below their range by everything published so far.

    The attacker knows the rule (``audit.attacker_intervals`` with ``rules``).
    """
    hidden = mask & ~known
    exposed = np.flatnonzero(prot.sensitive & ~hidden).tolist()
    shifted = _shifted(table, cell_floor)
    offset = table.values - shifted.values
    result = attacker_intervals(shifted, hidden, prot, rules, offset)
    return [*exposed, *(i.item for i in result.failures)]


def differencing_attack(
    earlier: Release, later: Release, min_cell: int = 10, tables: Sequence[str] | None = None
) -> list[Finding]:
    """Every cell an attacker holding both releases can pin inside ``(0, min_cell)``.

    Published numbers only: a cell published in both with a small non-zero difference (nested
    populations), and, for two releases of the same run, the LP over the union of both
    releases' published cells and margins for every item suppressed in both. DP releases are
    skipped (exempt; their budget ledger composes them).
    """
    if "dp" in (earlier.rules.get("method"), later.rules.get("method")):
        return []
    out: list[Finding] = []
    names = [t for t in later.tables if t in earlier.tables and (tables is None or t in tables)]
    for name in names:
        a, b = earlier.tables[name], later.tables[name]
        dims = list(b.dims)
        merged = _as_text(b.data, dims).merge(
            _as_text(a.data, dims), on=dims, how="outer", suffixes=("_2", "_1")
        )
        pub1 = merged["suppressed_1"].eq(False).to_numpy()
        pub2 = merged["suppressed_2"].eq(False).to_numpy()
        v1 = merged["value_1"].fillna(0).to_numpy(dtype=np.int64)
        v2 = merged["value_2"].fillna(0).to_numpy(dtype=np.int64)
        d = v2 - v1
        for i in np.flatnonzero(pub1 & pub2 & (d != 0) & (np.abs(d) < min_cell)):
            item = _item(merged, dims, int(i))
            out.append(Finding(name, earlier.name, later.name, item, "difference", d[i], d[i]))
        if earlier.run_id == later.run_id:
            known = pub1 | pub2
            value = np.where(pub2, v2, v1)
            out.extend(
                _union_lp(name, earlier.name, later.name, merged, dims, known, value, min_cell)
            )
    return out


def _as_text(data: pd.DataFrame, dims: Sequence[str]) -> pd.DataFrame:
    out = data.copy()
    for d in dims:
        out[d] = out[d].astype(str)
    return out


def _union_lp(
    name: str,
    earlier: str,
    later: str,
    items: pd.DataFrame,
    dims: Sequence[str],
    known: npt.NDArray[np.bool_],
    value: npt.NDArray[np.int64],
    min_cell: int,
) -> list[Finding]:
    """The LP audit of the attacker: both releases' published items constrain the same cells."""
    if known.all():
        return []
    labels = items[list(dims)].astype(str)
    is_margin = (labels == TOTAL).any(axis=1).to_numpy()
    cell_idx = np.flatnonzero(~is_margin)
    margin_idx = np.flatnonzero(is_margin)
    order = np.concatenate([cell_idx, margin_idx])
    cells = labels.iloc[cell_idx]
    groups = []
    for m in margin_idx:
        row = labels.iloc[m]
        sel = np.ones(len(cells), dtype=bool)
        for dim in dims:
            if row[dim] != TOTAL:
                sel &= (cells[dim] == row[dim]).to_numpy()
        groups.append(np.flatnonzero(sel).astype(np.int64))
    table = LinearTable(
        values=value[order],
        n_cells=len(cell_idx),
        groups=tuple(groups),
        labels=items.iloc[order].reset_index(drop=True),
    )
    hidden = ~known[order]
    zeros = np.zeros(len(order), dtype=np.int64)
    result = attacker_intervals(table, hidden, Protection(hidden, zeros, zeros))
    return [
        Finding(
            name,
            earlier,
            later,
            _item(table.labels, dims, iv.item),
            "combined",
            iv.low,
            iv.high,
        )
        for iv in result.intervals
        if iv.low > _TOL and iv.high < min_cell - _TOL
    ]
