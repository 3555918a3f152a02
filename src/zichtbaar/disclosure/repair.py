"""Greedy repair of a suppression pattern that fails the rule-aware audit.

The solver (``secondary.py``) protects against an attacker who knows the published items and
non-negativity; the audit's attacker also knows the rule and may show that a suppressed item is
not primary, hence at least ``min_cell`` (``audit.rule_aware_floors``). Where that narrows a
sensitive item, suppress the cheapest published item that shares an equation with it, and audit
again. Suppressing the whole stratum always passes (no equation is left), so the loop ends; on the
demo release it is never needed (0 repairs, bench/results/disclosure_attack.json).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from zichtbaar.disclosure.secondary import information_loss
from zichtbaar.disclosure.structure import LinearTable


def _neighbours(table: LinearTable, items: list[int]) -> npt.NDArray[np.bool_]:
    """Items sharing a published equation with any of ``items`` (their cells and margins)."""
    n = table.n_cells
    cells = np.zeros(n, dtype=bool)
    for i in items:
        cells[table.members(i)] = True
    margins = [k for k, g in enumerate(table.groups) if cells[g].any()]
    near = cells.copy()
    for k in margins:
        near[table.groups[k]] = True
    out = np.zeros(table.n_items, dtype=bool)
    out[:n] = near
    for k, g in enumerate(table.groups):
        out[n + k] = bool(near[g].any())
    return out


def repair(
    table: LinearTable,
    mask: npt.NDArray[np.bool_],
    failing: Callable[[npt.NDArray[np.bool_]], list[int]],
    frozen: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.bool_]:
    """Add suppressions, cheapest first near the failures, until ``failing(mask)`` is empty.

    ``frozen`` items are never added (e.g. published by an earlier release: known anyway).
    Returns the last mask tried; the caller refuses it if it still fails.
    """
    mask = mask.copy()
    locked = np.zeros(table.n_items, dtype=bool) if frozen is None else frozen
    cost = information_loss(table)
    bad = failing(mask)
    while bad:
        open_items = ~mask & ~locked
        near = open_items & _neighbours(table, bad)
        pool = near if near.any() else open_items
        if not pool.any():
            return mask
        idx = np.flatnonzero(pool)
        mask[idx[np.argmin(cost[idx])]] = True
        bad = failing(mask)
    return mask
