"""Blocking rules of the linkage model: which pairs splink scores (the prediction rules of the
dedupe and of the register linkage) and the first EM session's block. The LSH partner lists the
LSH rule blocks on are made in ``partners.py``."""

from __future__ import annotations

from typing import Any

from splink import block_on
from splink.blocking_rule_library import CustomRule

from zichtbaar.link.dialect import DUCKDB, Dialect
from zichtbaar.link.model import LinkModel

LSH_RULE = "l.lsh_partners = r.id"
"""LSH bands block only pairs in which a date of birth is missing, through the partner lists
``add_lsh_partners`` makes. Where both dates are known a date token finds every true pair the
bands find (100k bench world: all 212 true pairs that only the bands found lack a date), and
2.75 M of the bands' 2.93 M pairs were look-alikes with dates; at 1 M registrations that join no
longer fit in memory (docs/linkage.md)."""


def plausible_pair(model: LinkModel, dialect: Dialect = DUCKDB) -> str:
    """Blocking condition for the date rules: the names are at least at the lowest Dice level,
    or a name is missing, or the place agrees.

    A pair with the same (or swapped) date whose names are plainly different and whose places do
    not agree cannot reach the threshold in a large population: "same date" is worth less than a
    dissimilar name costs once the prior is counted (``PLAUSIBLE_FROM_PAIRS``). Such pairs were
    94 % of the date rules' candidates (100k bench world: 418 k of 463 k same-date pairs, 348 k
    of 353 k swapped) and grow with the square of the population (docs/linkage.md).
    """
    dice = dialect.dice_prepared("l.bloom_bits", "r.bloom_bits", "l.bloom_n", "r.bloom_n")
    return (
        f"(coalesce({dice} >= {min(model.dice_levels)}, true) "
        "OR coalesce(l.tok_pob_dob = r.tok_pob_dob, false))"
    )


PLAUSIBLE_FROM_PAIRS = 5_000_000
"""From this many same-date pairs on, the date rules block plausible pairs only. Below it every
same-date pair is scored: the time saved is small (100k registrations: 463 k same-date pairs,
prediction 1.4 s either way), and in a small link a high prior can let a shared date outweigh
dissimilar names (on FEBRL4, 5,000 x 5,000, the difference stayed within the spread of F1 over
keys, 0.921-0.927)."""


def blocking_rules(model: LinkModel, dialect: Dialect = DUCKDB, date_pairs: int = 0) -> list[Any]:
    """Token equality, the name key with part of the date (a typo in the other part) or with the
    place (no date), the address token (postcode and house number), LSH partners (a date
    missing, or a similar address), then the same and the swapped date for plausible pairs
    (``plausible_pair``).

    The order is for speed: splink excludes each earlier rule's pairs from a later rule by
    evaluating the earlier rule's condition on the later one's candidates, so the date rules,
    whose condition holds a Dice similarity, come last. An exploded rule (the partners) is not
    excluded that way, so the date rules leave its pairs out themselves.
    """
    plausible = (
        f" AND {plausible_pair(model, dialect)}" if date_pairs >= PLAUSIBLE_FROM_PAIRS else ""
    )
    not_partners = f"NOT {dialect.list_contains('l.lsh_partners', 'r.id')}"
    return [
        block_on("tok_bsn"),
        block_on("tok_name_dob"),
        block_on("tok_name_ym"),
        block_on("tok_name_yd"),
        block_on("tok_name_md"),
        block_on("tok_name_pob"),
        block_on("tok_address"),
        CustomRule(LSH_RULE, arrays_to_explode=["lsh_partners"]),
        CustomRule(f"l.tok_dob = r.tok_dob{plausible} AND {not_partners}"),
        CustomRule(f"l.tok_dob = r.tok_dob_swapped{plausible} AND {not_partners}"),
        CustomRule(f"l.tok_dob_swapped = r.tok_dob{plausible} AND {not_partners}"),
    ]


EM_DATE_PAIRS = 2_000_000
"""The first EM session reads about this many same-date pairs: above it, dates are sampled by
hash. Same-date pairs grow with the square of the population (about 46 M at 1 M registrations),
and EM learns m no better from more of them."""


def date_block(date_pairs: int, dialect: Dialect = DUCKDB) -> Any:
    """The first EM session's block: the same date, on a hash sample of dates at scale."""
    modulus = date_pairs // EM_DATE_PAIRS
    if modulus <= 1:
        return block_on("tok_dob")
    return CustomRule(f"l.tok_dob = r.tok_dob AND {dialect.hash_sample('l.tok_dob', modulus)}")
