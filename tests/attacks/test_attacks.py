"""Attacks on our own encodings, small scale (the full run over many keys is bench/bench_attacks.py).

The easy setting is the informed attacker (it holds the target's own plain text, shuffled): if
the pattern-mining attack cannot re-identify unhardened filters there, it is broken, and the
bound on the hardened filters would prove nothing. Keys are fixed so results are reproducible:
the attack's success varies with the key (the bit positions) and grows with the number of rows.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pytest
from bench.attacks import frequency, pattern_mining, token_alignment
from bench.attacks.data import (
    IDENTITY,
    Person,
    Target,
    encode_target,
    filter_content,
    fixed_key,
    informed_population,
    name_hashes,
    person,
    schema_with,
    world_identities,
)
from bench.attacks.score import summarise
from bench.attacks.settings import BY_LABEL, SETTINGS, V2, is_default
from bench.attacks.variants import FilterSeededFlipEncoder
from hypothesis import given, settings
from hypothesis import strategies as st

from zichtbaar.encode.bloom import FIELD_VALUES, BloomEncoder
from zichtbaar.encode.identity import Identity, identity
from zichtbaar.encode.schema import default_schema
from zichtbaar.standard.package import EncodingSchema

SCALE = 0.03  # about 3,000 rows


@functools.cache
def _people() -> list[Identity]:
    return world_identities(1, SCALE)


@functools.cache
def _attacked(schema_json: str, key: int) -> dict[str, float | int]:
    """Cached per worker: the comparison and the default tests share the default under key 1."""
    return _attack(_people(), EncodingSchema.model_validate_json(schema_json), key)


def _attack(people: list[Identity], schema: EncodingSchema, key: int) -> dict[str, float | int]:
    """Pattern mining, token alignment and the frequency attack, informed attacker."""
    target = encode_target(people, schema, fixed_key(key), salt=IDENTITY)
    informed = informed_population(target)
    footprints = pattern_mining.mine(target)
    pattern = pattern_mining.attack(target, informed, footprints=footprints)
    tokens = token_alignment.attack(target, informed)
    freq = frequency.attack(target, informed, tokens.guesses)
    return summarise(target, footprints, pattern, tokens, freq, informed)


@pytest.fixture(scope="module")
def v2_attacked() -> tuple[dict[str, float | int], dict[str, float | int]]:
    """Every attack on v2 unhardened and on the shipped default, under fixed key 1."""
    none = schema_with("none", base=V2).model_dump_json()
    return _attacked(none, 1), _attacked(default_schema().model_dump_json(), 1)


def test_pattern_mining_reidentifies_unhardened_filters(
    v2_attacked: tuple[dict[str, float | int], dict[str, float | int]],
) -> None:
    # if it cannot re-identify unhardened filters, the attack is broken and proves nothing
    assert v2_attacked[0]["reid_name"] >= 0.10


def test_unhardened_filter_is_attacked_at_least_as_successfully_as_hardened(
    v2_attacked: tuple[dict[str, float | int], dict[str, float | int]],
) -> None:
    none, hardened = v2_attacked
    for result in (none, hardened):
        shares = {k: v for k, v in result.items() if isinstance(v, float)}
        assert shares and all(0.0 <= v <= 1.0 for v in shares.values())
    # noise can only hide bigrams; one point of slack for ties that noise happens to break
    assert none["reid_name"] >= hardened["reid_name"] - 0.01
    assert none["reid_filter"] >= hardened["reid_filter"] - 0.01


@pytest.fixture(scope="module")
def default_attacked() -> list[dict[str, float | int]]:
    """Every attack on the shipped default schema under fixed keys 1, 2 and 3."""
    return [_attacked(default_schema().model_dump_json(), key) for key in (1, 2, 3)]


@pytest.mark.xfail(
    strict=True,
    reason="issue 8: the shipped default (v2, bit_flip f=0.08) does NOT meet the 1 % target: "
    "pattern mining is down to 0.00 %, 0.14 %, 0.00 % here (fixed keys 1-3, 2,923 rows; max "
    "2.23 % over 10 keys at 8,682 rows), but the frequency attack, tie-broken with the decoded "
    "tokens, names 15.6 % of records on every key; see docs/attacks.md",
)
def test_default_hardening_keeps_reidentification_at_most_one_percent(
    default_attacked: list[dict[str, float | int]],
) -> None:
    # every filter attack (pattern mining or frequency), the worst of three keys
    assert max(r["reid_filter"] for r in default_attacked) <= 0.01


def test_default_hardening_defeats_pattern_mining_at_small_scale(
    default_attacked: list[dict[str, float | int]],
) -> None:
    """A guard, not the target: at 8,682 rows one key in ten still gave 2.23 % (bench)."""
    assert max(r["reid_name"] for r in default_attacked) <= 0.01


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


def test_tokens_name_a_record_whose_decoded_attributes_are_unique() -> None:
    truth = [
        Person("an", "bos", 1990, 1, 2, "lagos", None),
        Person("bo", "dam", 1990, 1, 2, "lagos", None),
        Person("cor", "ek", 1985, 3, 4, "sofia", None),
    ]
    result = token_alignment.TokenResult(
        {
            "tok_pob": ["lagos", "lagos", "sofia"],
            "tok_yob": [1990, 1990, 1985],
            "tok_mob": [1, 1, 3],
            "tok_dob_day": [2, 2, 4],
        },
        {},
        1.0,
        1 / 3,
    )
    # the first two share every attribute: no unique name; the third is named
    assert token_alignment.name_by_tokens(result, truth) == [None, None, ("cor", "ek")]


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


def test_frequency_attack_breaks_equal_sizes_with_decoded_tokens() -> None:
    a = Person("an", "bos", 1980, None, None, None, None)
    b = Person("bo", "dam", 1990, None, None, None, None)
    target = _toy_target([a, a, b, b], {})
    target.filters[2:, 0] = True  # two filter groups of two
    population = [b, b, a, a]  # rank order alone pairs the groups the wrong way round
    assert frequency.attack(target, population) == [b.name, b.name, a.name, a.name]
    decoded: dict[str, list[object | None]] = {"tok_yob": [1980, 1980, 1990, 1990]}
    assert frequency.attack(target, population, decoded) == [a.name] * 2 + [b.name] * 2


def test_filter_content_predicts_equal_filters_under_the_shipped_flip() -> None:
    """The attacker's model of the encoder (Kerckhoffs) must be right: equal content, equal
    filter. The shipped flip is seeded by the whole identity, so namesakes differ."""
    one = identity("Jan Piet", "de Vries", "1990-01-02", "Lagos", None, "male")
    twin = identity("Jan Piet", "de Vries", "1990-01-02", "Lagos", None, "male")
    namesake = identity("Jan Piet", "de Vries", "1985-05-06", "Sofia", None, "male")
    shipped = encode_target([one, twin, namesake], V2, fixed_key(1), salt=IDENTITY)
    content = [filter_content(p, V2, IDENTITY) for p in shipped.truth]
    assert content[0] == content[1] != content[2]
    assert (shipped.filters[0] == shipped.filters[1]).all()
    assert (shipped.filters[0] != shipped.filters[2]).any()
    old = encode_target([one, namesake], V2, fixed_key(1), FilterSeededFlipEncoder, ())
    assert filter_content(old.truth[0], V2) == filter_content(old.truth[1], V2)
    assert (old.filters[0] == old.filters[1]).all()  # a name-only filter, seeded by itself


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    given_names=st.lists(words, min_size=1, max_size=3).map(" ".join),
    surname=st.sampled_from(["", "van ", "van der ", "de "]).flatmap(
        lambda particle: words.map(lambda w: particle + w)
    ),
    date=st.dates(dt.date(1930, 1, 1), dt.date(2020, 12, 31)),
    place=st.none() | words,
    gender=st.sampled_from([None, "female", "male"]),
)
def test_person_gives_the_encoder_the_same_words_per_field(
    given_names: str, surname: str, date: dt.date, place: str | None, gender: str | None
) -> None:
    """The attacker's plain text round-trips to the encoder's input, field by field."""
    ident = identity(given_names, surname, date.isoformat(), place, None, gender)
    back = person(ident).identity
    for field, values in FIELD_VALUES.items():
        assert values(back) == values(ident), field


def test_settings_are_valid_schemas_for_the_encoder() -> None:
    assert len({s.label for s in SETTINGS}) == len(SETTINGS)
    assert [s.label for s in SETTINGS if is_default(s)] == ["v2 f=0.08"]  # the shipped default
    for s in SETTINGS:
        BloomEncoder(fixed_key(1), s.schema)  # raises on an unknown field
        assert s.baseline.hardening == "none"
    h6 = BY_LABEL["v2 h6 f=0.04"].schema
    assert {f.field: f.hashes for f in h6.fields}["name"] == 6
    assert name_hashes(h6)[-1] == 6  # the miner looks for footprints of 6 positions too
