"""Prototype encoder variants measured by the bench, not shipped (the encoder lives in ``src/``).

``FilterSeededFlipEncoder``: ``bit_flip`` seeded by the filter alone, as the encoder did before
it seeded the noise with the whole identity (``bloom.identity_salt``). Under v2 (a name-only
filter) it gives everyone with the same name the same filter, which is what the frequency
attack aligns; the bench keeps it to show what the identity salt buys.
"""

from __future__ import annotations

from collections.abc import Sequence

from bench.attacks.data import BoolMatrix

from zichtbaar.encode.bloom import BloomEncoder


class FilterSeededFlipEncoder(BloomEncoder):
    """The shipped encoder with the per-record salt of the bit flip left out."""

    def harden(self, raw: BoolMatrix, salts: Sequence[bytes] | None = None) -> BoolMatrix:
        return super().harden(raw, None)
