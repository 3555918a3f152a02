"""Attacks on our own encodings, small scale (the full run is bench/bench_attacks.py).

The easy setting is the informed attacker (it holds the target's own plain text, shuffled): if
the pattern-mining attack cannot re-identify unhardened filters there, it is broken, and the
bound on the hardened filters would prove nothing. The key is fixed so the result is
reproducible: the attack's success varies with the key (the bit positions) and grows with the
number of records.
"""

from __future__ import annotations

import numpy as np
import pytest
from bench.attacks import frequency, pattern_mining, token_alignment
from bench.attacks.data import (
    Person,
    Target,
    encode_target,
    fixed_key,
    informed_population,
    schema_with,
    world_identities,
)
from bench.attacks.score import share

from zichtbaar.encode.schema import default_schema

SCALE = 0.05  # about 5,000 rows


@pytest.fixture(scope="module")
def people() -> list[object]:
    return list(world_identities(1, SCALE))


def _name_reid(people: list[object], hardening: str, flip: float | None) -> float:
    target = encode_target(people, schema_with(hardening, flip), fixed_key(1))  # type: ignore[arg-type]
    informed = informed_population(target)
    result = pattern_mining.attack(target, informed)
    return share(result.guesses, [p.name for p in target.truth])


def test_pattern_mining_reidentifies_unhardened_filters(people: list[object]) -> None:
    assert _name_reid(people, "none", None) >= 0.10


@pytest.mark.xfail(
    strict=True,
    reason="issue 8: the default bit_flip f=0.04 does NOT meet the 1 % target: 1.35 % here "
    "(fixed key 1; 0-1.4 % over three keys at this scale) and 13-22 % at 8,861 rows in "
    "bench_attacks; see docs/attacks.md",
)
def test_default_hardening_keeps_reidentification_at_most_one_percent(
    people: list[object],
) -> None:
    schema = default_schema()
    flip = schema.hardening_params.get("flip_probability")
    assert _name_reid(people, schema.hardening, flip) <= 0.01


def _toy_target(truth: list[Person], tokens: dict[str, list[str | None]]) -> Target:
    filters = np.zeros((len(truth), 64), dtype=np.bool_)
    return Target(filters, tokens, truth, schema_with("none"))


def test_token_alignment_recovers_a_skewed_attribute() -> None:
    places = ["amsterdam"] * 6 + ["lagos"] * 3 + ["sofia"]
    truth = [Person("a", "b", 1990, 1, 1, pl, "female") for pl in places]
    tokens: dict[str, list[str | None]] = {c: [None] * len(truth) for c in token_alignment.COLUMNS}
    tokens["tok_pob"] = [f"t-{pl}" for pl in places]
    population = [Person("x", "y", None, None, None, pl, None) for pl in places * 3]
    result = token_alignment.attack(_toy_target(truth, tokens), population)
    assert result.correct["tok_pob"] == 1.0
    assert result.correct["tok_yob"] == 0.0  # no year tokens, no year guesses


def test_frequency_attack_names_repeated_filters_only() -> None:
    truth = [Person("jan", "jansen", None, None, None, None, None)] * 3 + [
        Person("piet", "bakker", None, None, None, None, None)
    ]
    target = _toy_target(truth, {})
    target.filters[3, 0] = True  # the fourth record has a filter of its own
    population = [Person("jan", "jansen", None, None, None, None, None)] * 2 + [
        Person("piet", "bakker", None, None, None, None, None)
    ]
    guesses = frequency.attack(target, population)
    assert guesses == [("jan", "jansen")] * 3 + [None]
