"""How far two engines' linkage decisions agree: pairwise decisions and clusters.

Shared by the agreement test and ``bench/bench_link_spark.py``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import combinations

import pyarrow as pa

from zichtbaar.link.clusters import cluster_ids

Pair = tuple[str, str]


def scored(predictions: pa.Table) -> dict[Pair, float]:
    """Match probability per unordered pair."""
    cols = [predictions[c].to_pylist() for c in ("id_l", "id_r", "match_probability")]
    return {(min(a, b), max(a, b)): float(p) for a, b, p in zip(*cols, strict=True)}


def _co_clustered(mapping: dict[str, str]) -> set[Pair]:
    members: dict[str, list[str]] = {}
    for rid, person in mapping.items():
        members.setdefault(person, []).append(rid)
    return {(a, b) for group in members.values() for a, b in combinations(sorted(group), 2)}


@dataclass(frozen=True)
class Agreement:
    candidate_pairs_a: int
    candidate_pairs_b: int
    candidate_pairs_common: int
    matches_a: int
    matches_b: int
    decision_agreement: float
    """Share of all pairs scored by either engine that both decide alike."""
    match_agreement: float
    """Matches of both engines / matches of either (the stricter figure)."""
    cluster_pair_agreement: float
    """Co-clustered pairs of both / of either."""
    same_cluster_share: float
    """Share of records whose cluster (as a set of records) is the same on both engines."""
    max_probability_difference: float
    """Largest difference in match probability over pairs scored by both."""

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def agreement(ids: list[str], a: pa.Table, b: pa.Table, threshold: float) -> Agreement:
    sa, sb = scored(a), scored(b)
    union = sa.keys() | sb.keys()
    common = sa.keys() & sb.keys()
    ma = {k for k, p in sa.items() if p >= threshold}
    mb = {k for k, p in sb.items() if p >= threshold}
    alike = sum((k in ma) == (k in mb) for k in union)
    ca, cb = cluster_ids(ids, sorted(ma)), cluster_ids(ids, sorted(mb))
    pa_, pb_ = _co_clustered(ca), _co_clustered(cb)
    members_a: dict[str, frozenset[str]] = {}
    members_b: dict[str, frozenset[str]] = {}
    for mapping, out in ((ca, members_a), (cb, members_b)):
        groups: dict[str, set[str]] = {}
        for rid, person in mapping.items():
            groups.setdefault(person, set()).add(rid)
        for group in groups.values():
            frozen = frozenset(group)
            for rid in group:
                out[rid] = frozen
    same = sum(members_a[r] == members_b[r] for r in ids)
    return Agreement(
        candidate_pairs_a=len(sa),
        candidate_pairs_b=len(sb),
        candidate_pairs_common=len(common),
        matches_a=len(ma),
        matches_b=len(mb),
        decision_agreement=alike / len(union) if union else 1.0,
        match_agreement=len(ma & mb) / len(ma | mb) if ma | mb else 1.0,
        cluster_pair_agreement=len(pa_ & pb_) / len(pa_ | pb_) if pa_ | pb_ else 1.0,
        same_cluster_share=same / len(ids) if ids else 1.0,
        max_probability_difference=max((abs(sa[k] - sb[k]) for k in common), default=0.0),
    )
