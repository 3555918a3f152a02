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

from zichtbaar.disclosure.structure import LinearTable


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
