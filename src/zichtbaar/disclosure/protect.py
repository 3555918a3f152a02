"""Protect one table by a method: suppression (+ audit), rounding to a base, or DP noise.

Every method returns the same shape: the table's items (interior cells and margins, ``_total``
where a dim is summed) with ``value`` (nullable, None where suppressed) and ``suppressed``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import numpy as np
import pandas as pd

from zichtbaar.disclosure.audit import attacker_intervals, audit
from zichtbaar.disclosure.repair import repair
from zichtbaar.disclosure.rules import Protection, Rules, protection
from zichtbaar.disclosure.secondary import suppress
from zichtbaar.disclosure.structure import LinearTable, build_tables
from zichtbaar.errors import DisclosureError

METHODS = ("suppression", "rounding", "dp")


def _frame(table: LinearTable, value: np.ndarray, suppressed: np.ndarray) -> pd.DataFrame:
    out = table.labels.copy()
    out["value"] = pd.array(
        [None if s else int(v) for v, s in zip(value, suppressed, strict=True)], dtype="Int64"
    )
    out["suppressed"] = suppressed.astype(bool)
    return out


def _concat(parts: list[pd.DataFrame], dims: Sequence[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(
            {
                **{d: pd.Series(dtype=object) for d in dims},
                "value": pd.array([], dtype="Int64"),
                "suppressed": pd.Series(dtype=bool),
            }
        )
    return pd.concat(parts, ignore_index=True)


def suppress_table(
    cells: pd.DataFrame,
    dims: Sequence[str],
    strata: Sequence[str] = ("year",),
    hierarchy: Mapping[str, str] | None = None,
    rules: Rules | None = None,
    time_limit: float = 30.0,
) -> pd.DataFrame:
    """Primary and secondary suppression, then the audit: raises if the audit fails."""
    rules = rules or Rules()
    parts = []
    for table in build_tables(cells, dims, strata, hierarchy):
        prot = protection(table, rules)
        mask = suppress(table, prot, time_limit=time_limit)
        mask = repair(table, mask, partial(_narrowed, table, prot=prot, rules=rules))
        audit(table, mask, prot, rules)
        parts.append(_frame(table, table.values, mask))
    return _concat(parts, dims)


def _narrowed(table: LinearTable, mask: np.ndarray, prot: Protection, rules: Rules) -> list[int]:
    return [i.item for i in attacker_intervals(table, mask, prot, rules).failures]


def round_table(
    cells: pd.DataFrame,
    dims: Sequence[str],
    base: int = 5,
    strata: Sequence[str] = ("year",),
    hierarchy: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Round every cell and margin independently to the nearest multiple of ``base``.

    Each published number is within ``base/2`` of the truth, so small cells are hidden among
    0 and ``base``; additivity is lost (a margin need not equal the sum of its rounded cells),
    which the release's rules record.
    """
    if base < 2:
        raise DisclosureError("the rounding base must be at least 2")
    parts = []
    for table in build_tables(cells, dims, strata, hierarchy):
        # Half up, written out: numpy's round() rounds halves to even, which is not the rule.
        rounded = ((table.values + base // 2) // base) * base
        parts.append(_frame(table, rounded, np.zeros(table.n_items, dtype=bool)))
    return _concat(parts, dims)


def noisy_table(
    cells: pd.DataFrame,
    dims: Sequence[str],
    epsilon: float,
    strata: Sequence[str] = ("year",),
    hierarchy: Mapping[str, str] | None = None,
    contributions: int = 1,
) -> pd.DataFrame:
    """Differentially private counts: OpenDP's Laplace noise on the interior cells only.

    A unit (person) is in at most ``contributions`` interior cells, so the cell vector has L1
    sensitivity ``contributions`` and the table costs ``epsilon``. Margins are sums of the noisy cells (post-processing, no extra cost), so the
    table stays additive; negative noisy counts are clipped to zero, also post-processing.
    """
    import opendp.prelude as dp  # imported here: a heavy import only the DP method needs

    if epsilon <= 0 or contributions < 1:
        raise DisclosureError("a DP epsilon and the contributions must be positive")
    dp.enable_features("contrib")
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    measurement = space >> dp.m.then_laplace(scale=contributions / epsilon)
    if measurement.map(contributions) > epsilon * (1 + 1e-9):  # OpenDP's own accounting
        raise DisclosureError("the DP measurement costs more than its epsilon")
    tables = build_tables(cells, dims, strata, hierarchy)
    # One measurement over all strata: contributions bound a unit over the whole table.
    interior = [int(v) for t in tables for v in t.values[: t.n_cells]]
    noisy = np.clip(np.asarray(measurement(interior), dtype=np.int64), 0, None)
    parts, start = [], 0
    for table in tables:
        cell_values = noisy[start : start + table.n_cells]
        start += table.n_cells
        margins = [int(cell_values[g].sum()) for g in table.groups]
        values = np.concatenate([cell_values, np.array(margins, dtype=np.int64)])
        parts.append(_frame(table, values, np.zeros(table.n_items, dtype=bool)))
    return _concat(parts, dims)
