"""Primary disclosure rules and the protection range each sensitive item needs.

A count ``a`` with ``0 < a < min_cell`` is sensitive. Its protection range is explicit (never a
tool's default): an attacker who does the arithmetic on everything published must not be able to
exclude that the cell is empty (lower range ``a``) nor that it reaches the threshold (upper range
``min_cell - a``). Without explicit ranges a solver "protects" cells an attacker can still bound
below 10 (see DESIGN.md, "Stats and disclosure").

Group disclosure: a cell holding (nearly) all of a margin it belongs to tells that (nearly)
everyone in that row shares the attribute. With ``group_disclosure`` on, a cell whose complement in
a published margin is below ``min_cell`` must be able to move down far enough that the complement
could reach ``min_cell``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zichtbaar.disclosure.structure import LinearTable
from zichtbaar.errors import DisclosureError


@dataclass(frozen=True)
class Rules:
    """The rule set of a release (stored with it)."""

    min_cell: int = 10
    group_disclosure: bool = False

    def __post_init__(self) -> None:
        if self.min_cell < 1:
            raise DisclosureError("the minimum cell frequency must be at least 1")


@dataclass(frozen=True)
class Protection:
    """Per item: whether it is primary-sensitive and the upper and lower protection range."""

    sensitive: npt.NDArray[np.bool_]
    upper: npt.NDArray[np.int64]
    lower: npt.NDArray[np.int64]


def protection(table: LinearTable, rules: Rules) -> Protection:
    """The primary-sensitive items of a table and their protection ranges."""
    v = table.values
    small = (v > 0) & (v < rules.min_cell)
    upper = np.where(small, rules.min_cell - v, 0).astype(np.int64)
    lower = np.where(small, v, 0).astype(np.int64)
    if rules.group_disclosure:
        for k, members in enumerate(table.groups):
            total = int(v[table.n_cells + k])
            if total < rules.min_cell:
                continue  # the margin itself is small and protected as such
            for c in members:
                complement = total - int(v[c])
                if v[c] >= rules.min_cell and complement < rules.min_cell:
                    lower[c] = max(lower[c], rules.min_cell - complement)
    sensitive = (upper > 0) | (lower > 0)
    return Protection(sensitive, upper, lower)
