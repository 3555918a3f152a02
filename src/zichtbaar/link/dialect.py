"""Engine-specific SQL, written once per dialect.

Only the Bloom-filter arithmetic differs between engines; everything else in the link stage is
plain SQL. The Spark dialect joins here when the scale-out lands.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str

    def dice(self, left: str, right: str) -> str:
        """SQL for the Dice similarity of two Bloom filters stored as binary columns."""
        if self.name == "duckdb":
            a, b = f"{left}::BIT", f"{right}::BIT"
            return f"(2.0 * bit_count({a} & {b}) / nullif(bit_count({a}) + bit_count({b}), 0))"
        raise NotImplementedError(f"no Dice SQL for dialect '{self.name}'")


DUCKDB = Dialect("duckdb")
