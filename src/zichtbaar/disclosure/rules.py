"""Primary disclosure rules and the protection range each sensitive item needs.

A count ``a`` with ``0 < a < min_cell`` is sensitive. Its protection range is explicit (never a
tool's default): an attacker who does the arithmetic on everything published must not be able to
exclude that the cell is empty (lower range ``a``) nor that it reaches the threshold (upper range
``min_cell - a``). Without explicit ranges a solver "protects" cells an attacker can still bound
below 10 (see DESIGN.md, "Stats and disclosure").

Zeros: a release that always publishes its zeros tells that every suppressed cell is at least 1,
and so removes the lower bound 0 of every small cell (the "suppressed means non-zero" inference).
Under ``zeros="protect"`` (the default) an item with ``0 <= a < min_cell`` is primary, zeros
included: a zero gets the small cell's guarantee (its interval must reach ``min_cell``), so
"suppressed" says "0 to min_cell - 1, or a secondary", never "not zero". Structural zeros (cells
that cannot be non-zero by definition) are exempt; the monitor tables declare none. This is the
"zero cells are unsafe" choice of Hundepool et al., *Statistical Disclosure Control* (Wiley, 2012;
frequency tables, zero cells and protection intervals), as tau-ARGUS's zero-unsafe safety rule
with a zero safety range and Statistics Norway's GaussSuppression ``protectZeros`` do. ``zeros="publish"`` is the rule before issue 25, kept to demonstrate the attack.

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

ZERO_RULES = ("protect", "publish")


@dataclass(frozen=True)
class Rules:
    """The rule set of a release (stored with it)."""

    min_cell: int = 10
    group_disclosure: bool = False
    zeros: str = "protect"  # or "publish" (the rule before issue 25: zeros always published)

    def __post_init__(self) -> None:
        if self.min_cell < 1:
            raise DisclosureError("the minimum cell frequency must be at least 1")
        if self.zeros not in ZERO_RULES:
            raise DisclosureError(f"unknown zero rule; use one of {', '.join(ZERO_RULES)}")

    @property
    def primary_floor(self) -> int:
        """The least value a primary (small) item can have: what "suppressed" tells of zero."""
        return 0 if self.zeros == "protect" else 1


@dataclass(frozen=True)
class Protection:
    """Per item: whether it is primary-sensitive and the upper and lower protection range."""

    sensitive: npt.NDArray[np.bool_]
    upper: npt.NDArray[np.int64]
    lower: npt.NDArray[np.int64]


def protection(
    table: LinearTable, rules: Rules, structural: npt.NDArray[np.bool_] | None = None
) -> Protection:
    """The primary-sensitive items of a table and their protection ranges.

    ``structural`` marks items that are zero by definition (never sensitive, published as 0).
    """
    v = table.values
    small = (v >= rules.primary_floor) & (v < rules.min_cell)
    if structural is not None:
        small &= ~structural
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
