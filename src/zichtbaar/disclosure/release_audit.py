"""The LP audit re-run from the outside over every table of a published release.

Independent of how the release was made: the true counts are recomputed from the run and the
suppression pattern is read from what was published. The attacker knows the release's rule
(``audit.attacker_intervals`` with ``rules``). Strata a release republished as an earlier
release had them (``rules["differencing"]["as_published"]``) and that no longer match the run are
skipped: they were audited with the earlier release's run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import numpy as np

from zichtbaar.disclosure.audit import attacker_intervals
from zichtbaar.disclosure.differencing import align
from zichtbaar.disclosure.rules import Rules, protection
from zichtbaar.disclosure.structure import build_tables
from zichtbaar.errors import DisclosureError

if TYPE_CHECKING:
    from zichtbaar.disclosure.release import Release
    from zichtbaar.stats.registry import TableRegistry


@dataclass(frozen=True)
class TableAudit:
    """The attacker's view of one published table, checked against the true counts."""

    table: str
    items: int
    suppressed: int
    checked: int  # sensitive suppressed items whose interval was computed
    exposed: int  # sensitive items published (must be 0)
    narrowed: int  # intervals narrower than the protection range (must be 0)
    slack: float  # least room left over a protection range (inf when nothing was checked)

    @property
    def passed(self) -> bool:
        return self.exposed == 0 and self.narrowed == 0


def release_rules(meta: Mapping[str, object]) -> Rules:
    """The rule a release was made under (one without ``zeros`` predates the zero rule)."""
    return Rules(
        min_cell=int(str(meta["min_cell"])),
        group_disclosure=bool(meta.get("group_disclosure", False)),
        zeros=str(meta.get("zeros", "publish")),
    )


def audit_published(
    con: duckdb.DuckDBPyConnection, release: Release, registry: TableRegistry
) -> list[TableAudit]:
    """Re-run the LP audit over every suppressed table of a published release.

    Independent of how the release was made: the true counts are recomputed from the run and the
    suppression pattern is read from what was published, so a release edited or made by another
    path is checked the same way.
    """
    if release.rules.get("method") != "suppression":
        return []
    rules = release_rules(release.rules)
    listed = list(release.rules.get("differencing", {}).get("as_published", []))
    out = []
    for name, published in release.tables.items():
        definition = registry[name]
        raw = definition.compute(con, release.year_from, release.year_to)
        dims = definition.dims
        items = suppressed = checked = exposed = narrowed = 0
        slack = np.inf
        for table in build_tables(raw, dims, definition.strata, definition.hierarchy):
            present, pub, val = align(table, dims, published.data)
            if not present.all() or not np.array_equal(val[pub], table.values[pub]):
                stratum = {s: str(table.labels.iloc[0][s]) for s in definition.strata}
                if any(
                    h["table"] == name and all(str(h.get(s)) == v for s, v in stratum.items())
                    for h in listed
                ):
                    continue  # held as an earlier release published it: audited with that run
                raise DisclosureError(f"table '{name}' does not match the run it was made from")
            mask = ~pub
            prot = protection(table, rules)
            result = attacker_intervals(table, mask, prot, rules)
            items += table.n_items
            suppressed += int(mask.sum())
            checked += len(result.intervals)
            exposed += int((prot.sensitive & pub).sum())
            narrowed += len(result.failures)
            for iv in result.intervals:
                room = min(iv.value - iv.needed_low - iv.low, iv.high - iv.value - iv.needed_high)
                slack = min(slack, room)
        out.append(TableAudit(name, items, suppressed, checked, exposed, narrowed, float(slack)))
    return out
