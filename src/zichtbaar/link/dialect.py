"""Engine-specific SQL, written once per dialect, in this one place.

Only the Bloom-filter arithmetic differs between engines: the filters arrive as binary columns;
each engine prepares them once per record (a bit string and its popcount) so that the Dice
similarity of a pair is one AND and one popcount. Everything else in the link stage is plain SQL.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str

    def bloom_bits(self, column: str) -> str:
        """SQL turning a binary Bloom filter into the engine's bit-string type (per record)."""
        if self.name == "duckdb":
            return f"{column}::BIT"
        raise NotImplementedError(f"no Bloom SQL for dialect '{self.name}'")

    def bloom_count(self, column: str) -> str:
        """SQL for the number of set bits of a binary Bloom filter (per record)."""
        if self.name == "duckdb":
            return f"bit_count({column}::BIT)"
        raise NotImplementedError(f"no Bloom SQL for dialect '{self.name}'")

    def dice_prepared(self, bits_l: str, bits_r: str, n_l: str, n_r: str) -> str:
        """Dice of two prepared filters (bit strings and their popcounts), NULL if both empty."""
        if self.name == "duckdb":
            return f"(2.0 * bit_count({bits_l} & {bits_r}) / nullif({n_l} + {n_r}, 0))"
        raise NotImplementedError(f"no Dice SQL for dialect '{self.name}'")

    def dice(self, left: str, right: str) -> str:
        """SQL for the Dice similarity of two Bloom filters stored as binary columns."""
        return self.dice_prepared(
            self.bloom_bits(left),
            self.bloom_bits(right),
            self.bloom_count(left),
            self.bloom_count(right),
        )


DUCKDB = Dialect("duckdb")
