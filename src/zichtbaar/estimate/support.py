"""Can these lists support an estimate at all? The recapture check behind "cannot estimate".

Capture-recapture learns how many people were missed from the people seen more than once. A
group that the lists register but almost never register *together* leaves its own hidden number
unconstrained: every model then fills it from the other groups' overlap pattern, and when the
group is less visible than the others (minors, in the synthetic world's hard scenario and in the
letter's own worry) the estimate comes out far too low with an interval that looks fine. So
before any figure is published, each sizeable group of the heterogeneity covariate must have
been seen on two or more lists at least ``MIN_RECAPTURES`` times.

``MIN_RECAPTURES`` = 15. Robson & Regier (1964) found the two-sample estimate nearly unbiased
from about seven recaptures; ten was fixed from that before the validity study ran. The study's
hard scenario (minors about 10 % seen, lists positively dependent) then let 6 of 50 linked
year-cells through at 10 to 13 recaptures, all about half the truth: recaptures spread over ten
pairs of dependent lists carry less than two independent samples do. 15 was chosen on that
scenario's seeds 1-5 and checked on seeds 6-10, held out (true histories: at most 10 minors'
recaptures a year, so every year refused); docs/estimation.md has the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from zichtbaar.estimate.patterns import PatternTable

MIN_RECAPTURES = 15
MIN_GROUP_SHARE = 0.05  # a group under 5 % of the observed cannot move the total much
MIN_MINOR_RECAPTURES = 40
"""For the separate figure of minors in domestic sexual exploitation. On the default synthetic
world (calibrated to the real Dutch overlaps; seeds 1-5, true histories) 37 year-cells had 15-24
such recaptures; the log-linear bootstrap interval covered their truth in 68 % (LCMCR 5 %), and
the figure was about half the truth (median absolute error 50 %): these minors are far less
visible than the recaptured ones. No cell had more, so where the figure starts to hold is not
known; 40 lies well above every count seen to fail, and until a study shows the figure holding
the report states that it cannot estimate it."""


@dataclass
class GroupSupport:
    """How much overlap one group of people gives the estimate."""

    group: str
    observed: int
    recaptured: int  # people seen on two or more lists
    overlaps: dict[str, int] = field(default_factory=dict)  # "A+B": people on both lists
    needed: int = MIN_RECAPTURES

    @property
    def supported(self) -> bool:
        return self.recaptured >= self.needed

    def reason(self) -> str:
        """Which lists would have to overlap (the two largest lists of the group)."""
        best = next(iter(self.overlaps), "")  # ranked: the pair of the group's largest lists
        return (
            f"{self.group}: {self.recaptured} of {self.observed} people were registered by two "
            f"or more lists (at least {self.needed} needed); the lists that see this group "
            f"most ({best.replace('+', ' and ')}) would have to register the same people"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "observed": self.observed,
            "recaptured": self.recaptured,
            "supported": self.supported,
            "needed": self.needed,
            "overlaps": self.overlaps,
        }


def group_support(
    table: PatternTable, group: str = "all", needed: int = MIN_RECAPTURES
) -> GroupSupport:
    """Recaptures and pairwise overlaps of one (pooled) table; ``needed`` recaptures support it."""
    pats = table.patterns.astype(bool)
    counts = np.round(table.counts).astype(np.int64)
    on = pats.sum(axis=1)
    sizes = {name: int(counts[pats[:, i]].sum()) for i, name in enumerate(table.lists)}
    pairs = {}
    for i, j in combinations(range(table.k), 2):
        a, b = table.lists[i], table.lists[j]
        pairs[f"{a}+{b}"] = int(counts[pats[:, i] & pats[:, j]].sum())
    # rank pairs by how much the two lists see of the group: the pair that "should" overlap
    ranked = dict(sorted(pairs.items(), key=lambda kv: -min(sizes[s] for s in kv[0].split("+"))))
    return GroupSupport(group, int(counts.sum()), int(counts[on >= 2].sum()), ranked, needed)


def check_support(table: PatternTable, covariate: str | None = None) -> list[GroupSupport]:
    """The groups whose overlap cannot support an estimate (empty: the table supports one).

    Without a covariate (or when the table lacks it) the whole table is one group; with one,
    every level holding at least ``MIN_GROUP_SHARE`` of the observed is checked on its own."""
    if covariate is None or covariate not in table.strata:
        whole = group_support(table.pooled())
        return [] if whole.supported else [whole]
    total = max(table.observed, 1)
    weak = []
    for (level,) in table.levels([covariate]):
        sub = table.stratum(**{covariate: level}).pooled()
        if sub.observed < MIN_GROUP_SHARE * total:
            continue
        g = group_support(sub, str(level))
        if not g.supported:
            weak.append(g)
    return weak
