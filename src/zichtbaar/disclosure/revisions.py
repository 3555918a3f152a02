"""Revisions of published strata: held until a batch of changes, never un-suppressed.

A release after a withdrawal, a correction or late data differs from an earlier release of
another run by the persons changed. Protecting each small difference (``differencing.py``) hides
the numbers but not *where* they changed: the cells newly suppressed, and those that went from
suppressed to a published 0, name the withdrawn person's form, gender, age group and region
(issue 25). So a stratum (table x year) an earlier release published is revised only when at least
``batch`` units (persons) changed in it; until then the later release republishes the latest
earlier release's items of that stratum verbatim: values and suppression pattern, so a comparison
shows nothing at all. A revised stratum keeps every earlier suppression (never un-suppress).
The comparison of designs behind this default is in docs/disclosure-attacks.md and
bench/results/disclosure_withdrawal.json.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from zichtbaar.disclosure.structure import TOTAL, LinearTable


@dataclass(frozen=True)
class Earlier:
    """One earlier release's items of one stratum, aligned with the new table's items."""

    release: str
    run_id: str
    present: npt.NDArray[np.bool_]
    published: npt.NDArray[np.bool_]
    values: npt.NDArray[np.int64]


@dataclass(frozen=True)
class Decision:
    """What the new release does with one stratum."""

    held_from: str | None  # republish this earlier release's items verbatim
    keep_suppressed: npt.NDArray[np.bool_]  # suppressed by an earlier release: stays so


def changed_units(table: LinearTable, e: Earlier, contributions: int) -> float:
    """A lower bound on the units (persons) that changed between ``e`` and the new counts.

    From the items published in both: the change of any margin (a unit adds or leaves one) and
    the summed cell changes over what one unit can move (out of and into ``contributions``
    cells each). Suppressed items are unknown to the publisher of the later release too.
    """
    both = e.present & e.published
    d = np.abs(table.values - e.values)
    n = table.n_cells
    margins = float(d[n:][both[n:]].max()) if both[n:].any() else 0.0
    cells = float(d[:n][both[:n]].sum()) / (2 * max(contributions, 1))
    return max(margins, math.ceil(cells))


def decide(
    table: LinearTable,
    run_id: str,
    earlier: Sequence[Earlier],
    batch: int,
    contributions: int,
) -> Decision:
    """Hold the stratum (``held_from``) or revise it; either way earlier suppressions stay."""
    keep = np.zeros(table.n_items, dtype=bool)
    for e in earlier:
        keep |= e.present & ~e.published
    others = [e for e in earlier if e.run_id != run_id and e.present.all()]
    if not others:
        return Decision(None, keep)
    latest = others[-1]  # earlier releases come oldest first
    both = latest.present & latest.published
    if np.array_equal(table.values[both], latest.values[both]):
        return Decision(None, keep)  # unchanged where published: same pattern, nothing to hold
    if changed_units(table, latest, contributions) < batch:
        return Decision(latest.release, keep)
    return Decision(None, keep)


def held_frame(labels: pd.DataFrame, e: Earlier) -> pd.DataFrame:
    """The stratum's items as ``e`` published them."""
    out = labels.copy()
    out["value"] = pd.array(
        [None if not p else int(v) for v, p in zip(e.values, e.published, strict=True)],
        dtype="Int64",
    )
    out["suppressed"] = ~e.published
    return out


def with_earlier_categories(
    raw: pd.DataFrame, dims: Sequence[str], strata: Sequence[str], earlier: Sequence[pd.DataFrame]
) -> pd.DataFrame:
    """``raw`` with a zero cell for every category an earlier release had and the run lost.

    A category seen only through the withdrawn person (the one person from a region, say) would
    otherwise vanish from every year of the table, which names the person's attribute. Only for
    tables of strata × one dimension (a hierarchy's combinations are not a product).
    """
    free = [d for d in dims if d not in strata]
    if len(free) != 1 or raw.empty or not earlier:
        return raw
    dim = free[0]
    seen = {str(v) for v in raw[dim]}
    lost = sorted({str(v) for e in earlier for v in e[dim] if str(v) != TOTAL} - seen)
    if not lost:
        return raw
    keys = raw[list(strata)].drop_duplicates()
    extra = keys.merge(pd.DataFrame({dim: lost}), how="cross").assign(count=0)
    out = pd.concat([raw, extra[raw.columns]], ignore_index=True)
    return out.sort_values(list(dims), ignore_index=True)


MEDIAN_KEYS = ("year", "help", "by", "group")


def hold_medians(
    entries: list[dict[str, object]],
    earlier: Sequence[tuple[str, list[dict[str, object]]]],
    batch: int,
) -> list[dict[str, object]]:
    """Median entries (``n`` and ``median_days`` per group) held like the tables' strata.

    ``earlier``: (run id, entries) of earlier releases of other runs, oldest first. A group the
    latest of them published is republished as it was until ``n`` changed by at least ``batch``;
    one it withheld stays withheld (never un-suppress): a change of ``n`` by one, or a median
    moving, would name the group of a withdrawn person.
    """
    latest: dict[tuple[str, ...], dict[str, object]] = {}
    for _, old in earlier:
        for e in old:
            latest[tuple(str(e.get(k)) for k in MEDIAN_KEYS)] = e
    out = []
    for e in entries:
        before = latest.get(tuple(str(e.get(k)) for k in MEDIAN_KEYS))
        if before is None:
            out.append(e)
        elif before.get("n") is None:
            out.append({**e, "n": None, "median_days": None})
        elif e.get("n") is None or abs(int(str(e["n"])) - int(str(before["n"]))) < batch:
            out.append(dict(before))
        else:
            out.append(e)
    return out
