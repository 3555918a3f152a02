"""Simulated capture histories shared by the simulation tests and bench/ (one generator, so a
bench's figure and a test's assertion are about the same population)."""

from __future__ import annotations

import numpy as np


def two_class_patterns(
    rng: np.random.Generator, n: int, lists: int, share_low: float, p_high: float, p_low: float
) -> tuple[np.ndarray, np.ndarray]:
    """Observed patterns and counts of n people in two classes of visibility: a share
    ``share_low`` recorded by each list with probability ``p_low``, the rest with ``p_high``,
    each list's rates scaled by U(0.8, 1.2)."""
    low = rng.binomial(n, share_low)
    p = np.vstack([np.full((n - low, lists), p_high), np.full((low, lists), p_low)])
    p = p * rng.uniform(0.8, 1.2, size=lists)
    x = (rng.random(p.shape) < p).astype(np.int8)
    pats, counts = np.unique(x[x.any(axis=1)], axis=0, return_counts=True)
    return pats, counts
