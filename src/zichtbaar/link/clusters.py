"""Clusters of matching registrations become persons."""

from __future__ import annotations

import hashlib

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def cluster_ids(ids: list[str], pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Map every record id to a person id via connected components of the match graph.

    The person id is derived from the smallest record id in the cluster, so the same clusters
    give the same ids in every run. (Stable ids across *changing* clusters come with the
    incremental linkage.)
    """
    index = {rid: i for i, rid in enumerate(ids)}
    n = len(ids)
    if pairs:
        rows = np.fromiter((index[a] for a, _ in pairs), dtype=np.int64, count=len(pairs))
        cols = np.fromiter((index[b] for _, b in pairs), dtype=np.int64, count=len(pairs))
    else:
        rows = cols = np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    anchor: dict[int, str] = {}
    for rid, label in zip(ids, labels.tolist(), strict=True):
        if label not in anchor or rid < anchor[label]:
            anchor[label] = rid
    person = {
        label: "P" + hashlib.sha256(rid.encode()).hexdigest()[:12] for label, rid in anchor.items()
    }
    return {rid: person[label] for rid, label in zip(ids, labels.tolist(), strict=True)}


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
