"""Engine-specific SQL, written once per dialect, in this one place.

Only the Bloom-filter arithmetic differs between engines: the filters arrive as binary columns;
each engine prepares them once per record (its bit type and the popcount) so that the Dice
similarity of a pair is one AND and one popcount. Everything else in the link stage is plain SQL.

DuckDB casts the binary to ``BIT``. Spark has no bitwise AND on binary, so a filter becomes an
``array<bigint>`` of 64-bit words (``conv(..., 16, -10)`` reads a word as a signed long, so the
top bit survives) and the AND is ``zip_with`` over the words followed by a sum of ``bit_count``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str
    """Also the name splink gives the engine's SQL (a settings' ``sql_dialect``)."""

    def bloom_bits(self, column: str) -> str:
        """SQL turning a binary Bloom filter into the engine's bit-string type (per record)."""
        if self.name == "duckdb":
            return f"{column}::BIT"
        if self.name == "spark":
            # 8-byte words; a shorter last word still carries its own bits (popcount unchanged)
            return (
                f"transform(sequence(0, (octet_length({column}) + 7) div 8 - 1), "
                f"zw_i -> cast(conv(hex(substring({column}, zw_i * 8 + 1, 8)), 16, -10) "
                "as bigint))"
            )
        raise NotImplementedError(f"no Bloom SQL for dialect '{self.name}'")

    def list_contains(self, array: str, value: str) -> str:
        """SQL: does the array column hold the value."""
        if self.name == "duckdb":
            return f"list_contains({array}, {value})"
        if self.name == "spark":
            return f"array_contains({array}, {value})"
        raise NotImplementedError(f"no array SQL for dialect '{self.name}'")

    def days_from(self, start: str, end: str) -> str:
        """SQL: the days from date ``start`` to date ``end`` (negative if ``end`` is earlier)."""
        if self.name == "duckdb":
            return f"date_diff('day', {start}, {end})"
        if self.name == "spark":
            return f"datediff({end}, {start})"
        raise NotImplementedError(f"no date SQL for dialect '{self.name}'")

    def days_apart(self, left: str, right: str) -> str:
        """SQL: the number of days between two dates, whichever is later."""
        return f"abs({self.days_from(left, right)})"

    def hash_sample(self, column: str, modulus: int) -> str:
        """SQL condition keeping about one value of ``column`` in ``modulus`` (by its hash)."""
        if self.name == "duckdb":
            return f"hash({column}) % {modulus} = 0"
        if self.name == "spark":
            return f"pmod(hash({column}), {modulus}) = 0"
        raise NotImplementedError(f"no hash SQL for dialect '{self.name}'")

    def bloom_count(self, column: str) -> str:
        """SQL for the number of set bits of a binary Bloom filter (per record)."""
        if self.name == "duckdb":
            return f"bit_count({column}::BIT)"
        if self.name == "spark":
            return f"bitmap_count({column})"
        raise NotImplementedError(f"no Bloom SQL for dialect '{self.name}'")

    def dice_prepared(self, bits_l: str, bits_r: str, n_l: str, n_r: str) -> str:
        """Dice of two prepared filters (bit strings and their popcounts), NULL if both empty."""
        if self.name == "duckdb":
            return f"(2.0 * bit_count({bits_l} & {bits_r}) / nullif({n_l} + {n_r}, 0))"
        if self.name == "spark":
            common = (
                f"aggregate(zip_with({bits_l}, {bits_r}, (zw_a, zw_b) -> bit_count(zw_a & zw_b)),"
                " 0, (zw_s, zw_c) -> zw_s + zw_c)"
            )
            return f"(cast(2 * {common} as double) / nullif({n_l} + {n_r}, 0))"
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
SPARK = Dialect("spark")
