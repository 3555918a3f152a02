"""Synthetic citizen service numbers (BSN) that pass the official 11-check.

The check: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11. Drawn vectorised; numbers
are unique within one draw and never start with 0, so they survive spreadsheets.
"""

from __future__ import annotations

import numpy as np

_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2])


def is_valid(bsn: str) -> bool:
    if len(bsn) != 9 or not bsn.isdigit() or bsn == "000000000":
        return False
    digits = [int(c) for c in bsn]
    total = sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True))
    return (total - digits[8]) % 11 == 0


def draw(n: int, rng: np.random.Generator, exclude: frozenset[str] = frozenset()) -> list[str]:
    """``n`` distinct valid BSNs, none of them in ``exclude``."""
    out: list[str] = []
    seen = set(exclude)
    while len(out) < n:
        k = (n - len(out)) * 2 + 16
        head = rng.integers(0, 10, size=(k, 8))
        head[:, 0] = rng.integers(1, 7, size=k)
        check = (head @ _WEIGHTS) % 11
        ok = check < 10
        for row, c in zip(head[ok], check[ok], strict=True):
            s = "".join(map(str, row.tolist())) + str(int(c))
            if s not in seen:
                seen.add(s)
                out.append(s)
                if len(out) == n:
                    break
    return out
