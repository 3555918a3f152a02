"""Blocking and match rules of the first linkage model.

A pair of records is a candidate when it agrees on at least one blocking token; it is a match when
it agrees on an exact strong key (BSN, name + date of birth) or, inside a date-of-birth block, when
the Bloom filters are similar enough. The probabilistic (splink) model replaces the match rule;
the blocking tokens stay the same.
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCKING_TOKENS: tuple[str, ...] = ("tok_bsn", "tok_name_dob", "tok_dob", "tok_dob_swapped")
"""Pairs that share one of these tokens are compared."""

STRONG_TOKENS: tuple[str, ...] = ("tok_bsn", "tok_name_dob")
"""Agreement on one of these alone makes a match."""


@dataclass(frozen=True)
class MatchRule:
    """Thresholds of the rule-based matcher."""

    dice_threshold: float = 0.80
    """Minimum Dice similarity of the Bloom filters within a date-of-birth block."""
    swapped_dice_threshold: float = 0.88
    """Stricter threshold when only the day/month-swapped date agrees."""
