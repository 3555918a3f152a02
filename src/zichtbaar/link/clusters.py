"""Clusters of matching registrations become persons."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def cluster_ids(
    ids: list[str],
    pairs: list[tuple[str, str]],
    weights: Sequence[float] | None = None,
    conflicts: Iterable[tuple[str, str]] = (),
    tiebreak: Sequence[float] | None = None,
) -> dict[str, str]:
    """Map every record id to a person id: clusters of the match graph.

    Without ``conflicts`` these are the connected components. With them, matching pairs are
    merged strongest first (``weights``) and a merge is refused when it would put a conflicting
    pair (different BSN tokens, or a pair the model itself scores as a clear non-match) into one
    person: one record without names that matches two different people equally well must not
    chain them together. Among equal weights the smaller ``tiebreak`` merges first (the run
    passes the days between the registrations), then the record ids. Written by hand (a
    union-find of a few lines) because splink's clustering is plain connected components and
    offers no cannot-link constraints.

    The person id is derived from the smallest record id in the cluster, so the same clusters
    give the same ids in every run.
    """
    index = {rid: i for i, rid in enumerate(ids)}
    n = len(ids)
    cannot: dict[int, set[int]] = {}
    for a, b in conflicts:
        ia, ib = index[a], index[b]
        cannot.setdefault(ia, set()).add(ib)
        cannot.setdefault(ib, set()).add(ia)
    if cannot:
        labels = _constrained(n, index, pairs, weights, cannot, tiebreak)
    else:
        if pairs:
            rows = np.fromiter((index[a] for a, _ in pairs), dtype=np.int64, count=len(pairs))
            cols = np.fromiter((index[b] for _, b in pairs), dtype=np.int64, count=len(pairs))
        else:
            rows = cols = np.zeros(0, dtype=np.int64)
        graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
        labels = connected_components(graph, directed=False)[1].tolist()
    anchor: dict[int, str] = {}
    for rid, label in zip(ids, labels, strict=True):
        if label not in anchor or rid < anchor[label]:
            anchor[label] = rid
    person = {
        label: "P" + hashlib.sha256(rid.encode()).hexdigest()[:12] for label, rid in anchor.items()
    }
    return {rid: person[label] for rid, label in zip(ids, labels, strict=True)}


def _constrained(
    n: int,
    index: dict[str, int],
    pairs: list[tuple[str, str]],
    weights: Sequence[float] | None,
    cannot: dict[int, set[int]],
    tiebreak: Sequence[float] | None = None,
) -> list[int]:
    """Union-find over pairs in descending weight, refusing merges across a cannot-link."""
    parent = list(range(n))
    members: dict[int, list[int]] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Strongest first; equal weights (to 1e-9: a re-run may sum EM's terms in another order) by
    # record ids, so the persons never depend on the order the engine hands the pairs over in.
    # (Sorted by weight alone, a re-run of the demo world put 7 registrations elsewhere.)
    w = weights if weights is not None else [0.0] * len(pairs)
    t = tiebreak if tiebreak is not None else [0.0] * len(pairs)
    order = sorted(range(len(pairs)), key=lambda k: (-round(w[k], 9), t[k], *sorted(pairs[k])))
    for k in order:
        a, b = pairs[k]
        ra, rb = find(index[a]), find(index[b])
        if ra == rb:
            continue
        ma, mb = members.get(ra, [ra]), members.get(rb, [rb])
        if len(ma) < len(mb):
            ra, rb, ma, mb = rb, ra, mb, ma
        blocked = {j for i in ma for j in cannot.get(i, ())}
        if any(j in blocked for j in mb):
            continue
        parent[rb] = ra
        members[ra] = ma + mb
        members.pop(rb, None)
    return [find(i) for i in range(n)]


def carry_over_ids(
    new: dict[str, str], previous: dict[str, str]
) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Give the clusters of a new run the person ids of a previous run, where they survive.

    A new cluster keeps the id of the previous person that shares most of its registrations
    (ties: the smaller id), provided no other new cluster shares more with that person; so a
    person whose registrations stay together keeps the id whatever is added. Returns the mapping
    and the changes ``(kind, previous_id, new_id)``: ``merge`` when a cluster unites registrations
    of several previous persons, ``split`` when a previous person's registrations end up in
    several clusters.
    """
    overlap: dict[tuple[str, str], int] = {}
    for rid, cluster in new.items():
        old = previous.get(rid)
        if old is not None:
            overlap[(cluster, old)] = overlap.get((cluster, old), 0) + 1
    # strongest claims first: each previous id goes to at most one new cluster
    claims = sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0]))
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for (cluster, old), _n in claims:
        if cluster not in chosen and old not in taken:
            chosen[cluster] = old
            taken.add(old)
    changes: list[tuple[str, str, str]] = []
    olds_of: dict[str, set[str]] = {}
    clusters_of: dict[str, set[str]] = {}
    for cluster, old in overlap:
        olds_of.setdefault(cluster, set()).add(old)
        clusters_of.setdefault(old, set()).add(cluster)
    final = {c: chosen.get(c, c) for c in set(new.values())}
    for cluster, olds in sorted(olds_of.items()):
        if len(olds) > 1:
            changes += [("merge", o, final[cluster]) for o in sorted(olds)]
    for old, clusters in sorted(clusters_of.items()):
        if len(clusters) > 1:
            changes += [("split", old, final[c]) for c in sorted(clusters)]
    return {rid: final[c] for rid, c in new.items()}, changes
