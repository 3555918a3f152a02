"""Decomposable graphical models on k lists: their cliques and separators.

Madigan & York (1997) average over the decomposable (chordal) graphs, whose likelihood and
hyper-Dirichlet marginal likelihood factorise over cliques and separators. The R package dga
ships the 3-, 4- and 5-list graphs as data; here they are enumerated (all 2^(k(k-1)/2) graphs,
the chordal ones kept, with networkx for chordality, cliques and the junction tree), so the same
code serves every k and nothing is copied from dga.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import networkx as nx

Edge = tuple[int, int]


@dataclass(frozen=True)
class Decomposable:
    """One decomposable model: its edges, and the cliques and non-empty separators as bit masks.

    Empty separators (between connected components) are left out: their marginal likelihood is 1.
    """

    edges: tuple[Edge, ...]
    cliques: tuple[int, ...]
    separators: tuple[int, ...]

    def names(self, lists: Sequence[str]) -> list[str]:
        return [f"{lists[a]}:{lists[b]}" for a, b in self.edges]


def _mask(nodes: frozenset[int]) -> int:
    return sum(1 << int(v) for v in nodes)


def _decompose(k: int, edges: tuple[Edge, ...]) -> Decomposable | None:
    g = nx.Graph()
    g.add_nodes_from(range(k))
    g.add_edges_from(edges)
    if not nx.is_chordal(g):
        return None
    cliques = [frozenset(c) for c in nx.chordal_graph_cliques(g)]
    # A maximum-weight spanning tree of the clique graph (weight: size of the intersection) is a
    # junction tree; its edges' intersections are the separators (a multiset, the same for all).
    cg = nx.Graph()
    cg.add_nodes_from(range(len(cliques)))
    for i, j in combinations(range(len(cliques)), 2):
        cg.add_edge(i, j, weight=len(cliques[i] & cliques[j]))
    tree = nx.maximum_spanning_tree(cg)
    seps = [cliques[i] & cliques[j] for i, j in tree.edges()]
    return Decomposable(
        edges,
        tuple(sorted(_mask(c) for c in cliques)),
        tuple(sorted(_mask(s) for s in seps if s)),
    )


@cache
def decomposable_graphs(k: int) -> tuple[Decomposable, ...]:
    """Every decomposable graph on k labelled vertices (822 for k = 5), sparsest first."""
    pairs = list(combinations(range(k), 2))
    out = []
    for m in range(2 ** len(pairs)):
        edges = tuple(p for i, p in enumerate(pairs) if m >> i & 1)
        d = _decompose(k, edges)
        if d is not None:
            out.append(d)
    return tuple(sorted(out, key=lambda d: (len(d.edges), d.edges)))
