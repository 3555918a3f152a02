"""The linear structure of a published count table: interior cells and the margins that sum them.

Disclosure by differencing works on this structure alone: every published margin is an equation
over interior cells. Margins are built per stratum (e.g. per year): strata are never summed, so
each stratum is an independent problem and is protected on its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from zichtbaar.errors import DisclosureError

TOTAL = "_total"


@dataclass(frozen=True)
class LinearTable:
    """Items of one stratum: the first ``n_cells`` are interior cells, the rest margins.

    ``groups[k]`` lists the interior cells whose sum is margin ``n_cells + k``; ``labels`` holds
    one row per item with the dims (``_total`` where a margin sums over a dim).
    """

    values: npt.NDArray[np.int64]
    n_cells: int
    groups: tuple[npt.NDArray[np.int64], ...]
    labels: pd.DataFrame

    @property
    def n_items(self) -> int:
        return len(self.values)

    def members(self, item: int) -> npt.NDArray[np.int64]:
        """The interior cells an item sums (itself for an interior cell)."""
        if item < self.n_cells:
            return np.array([item], dtype=np.int64)
        return self.groups[item - self.n_cells]


def build_tables(
    cells: pd.DataFrame,
    dims: Sequence[str],
    strata: Sequence[str] = ("year",),
    hierarchy: Mapping[str, str] | None = None,
    count: str = "count",
) -> list[LinearTable]:
    """Split ``cells`` by stratum and add every margin over the non-stratum dims.

    ``hierarchy`` maps a child dim to its parent dim (nationality → nationality group): a margin
    that sums over a parent but keeps its child would repeat the child's cells, so it is skipped,
    while the parent's subtotals (child summed, parent kept) are published as their own items.
    """
    hierarchy = dict(hierarchy or {})
    free = [d for d in dims if d not in strata]
    if missing := [d for d in dims if d not in cells.columns]:
        raise DisclosureError(f"the table lacks the dimension column(s) {missing}")
    if cells.duplicated(list(dims)).any():
        raise DisclosureError("the table has more than one row for the same cell")
    out: list[LinearTable] = []
    groups = cells.groupby(list(strata), sort=True) if strata else [((), cells)]
    for _, part in groups:
        out.append(_one(part.reset_index(drop=True), dims, free, hierarchy, count))
    return out


def _one(
    part: pd.DataFrame,
    dims: Sequence[str],
    free: list[str],
    hierarchy: dict[str, str],
    count: str,
) -> LinearTable:
    n = len(part)
    labels = [part[list(dims)].astype(object)]
    values = [part[count].to_numpy(dtype=np.int64)]
    member_lists: list[npt.NDArray[np.int64]] = []
    for r in range(1, len(free) + 1):
        for summed in itertools.combinations(free, r):
            if any(p in summed and c not in summed for c, p in hierarchy.items()):
                continue  # summing a parent while keeping its child repeats the cells
            kept = [d for d in dims if d not in summed]
            idx = part.groupby(kept, sort=True).indices if kept else {(): np.arange(n)}
            rows = []
            for key, members in idx.items():
                key_t = key if isinstance(key, tuple) else (key,)
                row = dict(zip(kept, key_t, strict=True))
                row.update({d: TOTAL for d in summed})
                rows.append(row)
                member_lists.append(np.asarray(members, dtype=np.int64))
            if rows:
                labels.append(pd.DataFrame(rows, columns=list(dims)).astype(object))
                values.append(
                    np.array([part[count].to_numpy()[m].sum() for m in member_lists[-len(rows) :]])
                )
    return LinearTable(
        values=np.concatenate(values).astype(np.int64),
        n_cells=n,
        groups=tuple(member_lists),
        labels=pd.concat(labels, ignore_index=True),
    )
