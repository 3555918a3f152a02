"""The floors put on m and u after (and during) EM, so that no level learnt as about 0 is a veto.

EM learns m only from the pairs its blocks hold. Data in which EM's blocks show no true pair
disagreeing on a field teaches m = 0 for that field's disagreement level: a veto (about -20
bits) that no other evidence outweighs. Every m and u is floored at ``M_U_FLOOR`` for EM's
sake; the date's disagreement levels and the name filter's "dissimilar" get the least m of
``LinkModel`` (``floor_disagreement``; the figures and the data that set them are in
docs/linkage.md, "Disagreement floors"), and "registered further apart" its own floor.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from splink import Linker
from splink.internals import expectation_maximisation as splink_em

M_U_FLOOR = 1e-6
"""EM can drive a level's m to exactly 0 (a level seen only among non-matches shrinks
geometrically until it underflows); splink then refuses the value mid-training, and a weight of
minus infinity is not evidence anyway. Every m and u is therefore floored, during EM (below) and
after it."""


_EM_LOOKUP = "m_u_records_to_lookup_dict"


@contextmanager
def _floored_em() -> Iterator[None]:
    """Floor the m/u values of each EM iteration.

    splink 5 offers no hook for this, so the one pure function that turns EM's SQL results into
    parameters is wrapped for the duration of training.
    """
    namespace = vars(splink_em)
    original = namespace[_EM_LOOKUP]

    def floored(records: list[dict[str, Any]]) -> Any:
        for record in records:
            for key in ("m_probability", "u_probability"):
                value = record.get(key)
                if isinstance(value, int | float) and value < M_U_FLOOR:
                    record[key] = M_U_FLOOR
        return original(records)

    namespace[_EM_LOOKUP] = floored
    try:
        yield
    finally:
        namespace[_EM_LOOKUP] = original


def _floor_probabilities(linker: Linker, m_floor: float) -> None:
    for comparison in linker._settings_obj.comparisons:  # splink has no public setter
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            if level.m_probability is not None and level.m_probability < m_floor:
                level.m_probability = m_floor
            if level.u_probability is not None and level.u_probability < M_U_FLOOR:
                level.u_probability = M_U_FLOOR


NEUTRAL_AGREEMENT = (("nationality", "same"),)
"""Levels whose agreement is no evidence beyond the other comparisons (weight 0: u = m)."""


def _neutral_agreement(linker: Linker) -> None:
    """Give the ``NEUTRAL_AGREEMENT`` levels weight 0; their comparison still counts when the
    values differ."""
    for comparison in linker._settings_obj.comparisons:  # splink has no public setter
        for level in comparison.comparison_levels:
            key = (comparison.output_column_name, level.label_for_charts)
            if key in NEUTRAL_AGREEMENT and level.m_probability is not None:
                level.u_probability = level.m_probability


REGISTERED_APART = ("registered", "further apart")


def _floor_registered_apart(linker: Linker, least: float) -> None:
    """Keep m of "registered further apart" at ``least`` or more, the other levels' m scaled to
    leave the sum 1.

    Whatever EM learns of it is the data's pattern of repeat registrations, and a world (or a
    year's extract) in which no victim was registered twice more than a year apart teaches
    m = 0: a veto on every later re-registration (a victim exploited again, or reported by a
    care organisation years after the police). The floor leaves a penalty, not a veto.
    """
    for comparison in linker._settings_obj.comparisons:  # splink has no public setter
        if comparison.output_column_name != REGISTERED_APART[0]:
            continue
        levels = [x for x in comparison.comparison_levels if not x.is_null_level]
        apart = next(x for x in levels if x.label_for_charts == REGISTERED_APART[1])
        if apart.m_probability is None or apart.m_probability >= least:
            return
        others = [(x, x.m_probability) for x in levels if x is not apart]
        rest = sum(m for _, m in others if m is not None)
        for x, m in others:
            if m is not None and rest > 0:
                x.m_probability = m * (1 - least) / rest
        apart.m_probability = least


def floor_disagreement(linker: Linker, floors: Mapping[tuple[str, str], float]) -> None:
    """Raise m of each (comparison, level) in ``floors`` to its least value.

    The other levels keep their m: EM's m of a comparison need not sum to 1 across its two
    sessions (gb's name levels summed to 1.23), and rescaling them would cost every agreement
    a fraction of a bit for a level that is rare among matches. A floor of 0 leaves the level
    as EM learnt it.
    """
    for comparison in linker._settings_obj.comparisons:  # splink has no public setter
        for level in comparison.comparison_levels:
            least = floors.get((comparison.output_column_name, level.label_for_charts), 0.0)
            if level.is_null_level or level.m_probability is None:
                continue
            if level.m_probability < least:
                level.m_probability = least
