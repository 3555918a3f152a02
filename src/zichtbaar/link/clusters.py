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
