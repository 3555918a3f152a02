"""Hierarchical log-linear models on a capture table: terms, parsing, design matrices.

Cells are the 2^k - 1 observable capture patterns, numbered 1 .. 2^k-1 by bit mask (bit j set:
on list j); cell 0 (on no list) is the one to estimate. A term is a tuple of list indices; the
model always has the intercept and all main effects, plus the interaction terms it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np
import numpy.typing as npt

from zichtbaar.errors import EstimationError

Term = tuple[int, ...]


def cell_bits(k: int) -> npt.NDArray[np.int64]:
    """(2^k - 1, k) 0/1 matrix of the observable cells."""
    cells = np.arange(1, 2**k)
    out: npt.NDArray[np.int64] = ((cells[:, None] >> np.arange(k)) & 1).astype(np.int64)
    return out


def term_column(bits: npt.NDArray[np.int64], term: Term) -> npt.NDArray[np.float64]:
    col: npt.NDArray[np.float64] = np.prod(bits[:, list(term)], axis=1).astype(np.float64)
    return col


def all_pairs(k: int) -> list[Term]:
    return list(combinations(range(k), 2))


def closure(terms: Iterable[Term]) -> tuple[Term, ...]:
    """Add every lower-order interaction a term implies (hierarchical models only)."""
    out: set[Term] = set()
    for t in terms:
        t = tuple(sorted(t))
        for r in range(2, len(t) + 1):
            out.update(combinations(t, r))
    return tuple(sorted(out, key=lambda t: (len(t), t)))


def design(k: int, terms: Sequence[Term]) -> npt.NDArray[np.float64]:
    """Design matrix on the observable cells: intercept, main effects, then ``terms``."""
    bits = cell_bits(k)
    cols = [np.ones(2**k - 1), *(bits[:, j].astype(np.float64) for j in range(k))]
    cols += [term_column(bits, t) for t in terms]
    return np.stack(cols, axis=1)


def term_names(lists: Sequence[str], terms: Sequence[Term]) -> list[str]:
    return [":".join(lists[i] for i in t) for t in terms]


def parse_terms(spec: str, lists: Sequence[str]) -> tuple[Term, ...]:
    """Parse ``main`` or ``A:B,C:D`` (list names as in the table) into hierarchical terms."""
    spec = spec.strip()
    if spec.lower() in ("main", ""):
        return ()
    terms: list[Term] = []
    for part in spec.split(","):
        names = [n.strip() for n in part.split(":")]
        if len(names) < 2:
            raise EstimationError(f"model term '{part.strip()}' is not an interaction (A:B)")
        unknown = [n for n in names if n not in lists]
        if unknown:
            raise EstimationError(f"model term '{part.strip()}' names an unknown list")
        idx = tuple(sorted(lists.index(n) for n in names))
        if len(set(idx)) != len(idx):
            raise EstimationError(f"model term '{part.strip()}' repeats a list")
        terms.append(idx)
    out = closure(terms)
    if any(len(t) == len(lists) for t in out):
        raise EstimationError(
            "the model includes the interaction of all lists: it is saturated and the hidden "
            "count is not identifiable"
        )
    return out
