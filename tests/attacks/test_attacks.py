"""Attacks on our own encodings, small scale (the full run over many keys is bench/bench_attacks.py).

Two attackers (docs/attacks.md): the informed one holds the target's own plain text, shuffled
(the worst case); the plausible one, the issue's attacker, holds name tables and a population
of other people. Each must re-identify unhardened filters, or the bound on the hardened ones
proves nothing. Keys are fixed so results are reproducible: the attack's success varies with
the key (the bit positions) and grows with the number of rows.
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
    attacker_population,
    encode_target,
    features,
    filter_content,
    fixed_key,
    flip_salt,
    informed_population,
    name_hashes,
    person,
    schema_with,
    tokeniser_for,
    world_identities,
)
from bench.attacks.score import share, summarise
from bench.attacks.settings import BY_LABEL, SETTINGS, V2, V3, is_default
from bench.attacks.variants import LEGACY_COLUMNS, FilterSeededFlipEncoder, LegacyTokeniser
from hypothesis import given, settings
from hypothesis import strategies as st

from zichtbaar.encode.bloom import FIELD_VALUES, BloomEncoder
from zichtbaar.encode.identity import Identity, identity
from zichtbaar.encode.schema import default_schema
from zichtbaar.encode.tokens import TOKEN_COLUMNS, Tokeniser
from zichtbaar.standard.package import EncodingSchema

SCALE = 0.03  # about 3,000 rows


@functools.cache
def _people() -> list[Identity]:
    return world_identities(1, SCALE)


@functools.cache
def _plausible() -> tuple[list[Person], pattern_mining.NameTables]:
    """The plausible attacker: another world's rows (twice the target's scale) for the count
    attacks and the alignment, name tables read off a world of six times the target's scale."""
    tables = pattern_mining.NameTables.of(attacker_population(1, 3, 6 * SCALE))
    return attacker_population(1, 2, 2 * SCALE), tables


@functools.cache
def _attacked_plausible(schema_json: str, key: int) -> dict[str, float | int]:
    """Every attack, plausible attacker (as ``bench_attacks.attack_once`` runs it)."""
    schema = EncodingSchema.model_validate_json(schema_json)
    target = encode_target(_people(), schema, fixed_key(key), salt=flip_salt(schema))
    population, tables = _plausible()
    footprints = pattern_mining.mine(target)
    pattern = pattern_mining.attack(target, population, footprints=footprints, tables=tables)
    tokens = token_alignment.attack(target, population)
    freq = frequency.attack(target, population, tokens.decoded)
    signature = frequency.signature(target, population, tokens.shadow)
    return summarise(target, footprints, pattern, tokens, freq, population, signature=signature)


def test_plausible_attacker_reidentifies_unhardened_filters() -> None:
    """The issue's attacker is live: without the key or anyone's plain text it names a real
    share of unhardened v3 filters (here 59 % under key 1, 200 of 206 bigrams labelled right)."""
    result = _attacked_plausible(schema_with("none", base=V3).model_dump_json(), 1)
    assert result["reid_filter"] >= 0.30
    assert result["reid_name"] >= 0.30  # pattern mining, not the frequency attacks
    assert result["bigrams_labelled_correctly"] >= 0.8 * result["bigrams_labelled"]


def test_default_hardening_holds_the_plausible_attacker_at_small_scale() -> None:
    """A guard, not the verdict: on 2,923 rows the plausible attacker names nothing of the
    shipped default under keys 1-3, by any attack. At bench scale (8,682 rows) it named 47 % of
    the previous default's (f = 0.08) records on two keys of four (docs/attacks.md)."""
    default = default_schema().model_dump_json()
    results = [_attacked_plausible(default, key) for key in (1, 2, 3)]
    assert max(r["reid_filter"] for r in results) <= 0.01
    assert max(r["reid_name_by_tokens_any"] for r in results) <= 0.01


@functools.cache
def _attacked(schema_json: str, key: int) -> dict[str, float | int]:
    """Cached per worker: the comparison and the default tests share the default under key 1."""
    return _attack(_people(), EncodingSchema.model_validate_json(schema_json), key)


def _attack(people: list[Identity], schema: EncodingSchema, key: int) -> dict[str, float | int]:
    """Every attack (pattern mining, tokens, frequency, count signature), informed attacker."""
    target = encode_target(people, schema, fixed_key(key), salt=flip_salt(schema))
    informed = informed_population(target)
    footprints = pattern_mining.mine(target)
    pattern = pattern_mining.attack(target, informed, footprints=footprints)
    tokens = token_alignment.attack(target, informed)
    freq = frequency.attack(target, informed, tokens.decoded)
    signature = frequency.signature(target, informed, tokens.shadow)
    return summarise(target, footprints, pattern, tokens, freq, informed, signature=signature)


@pytest.fixture(scope="module")
def v3_attacked() -> tuple[dict[str, float | int], dict[str, float | int]]:
    """Every attack on v3 unhardened and on the shipped default, under fixed key 1."""
    none = schema_with("none", base=V3).model_dump_json()
    return _attacked(none, 1), _attacked(default_schema().model_dump_json(), 1)


def test_pattern_mining_reidentifies_unhardened_filters(
    v3_attacked: tuple[dict[str, float | int], dict[str, float | int]],
) -> None:
    # if it cannot re-identify unhardened filters, the attack is broken and proves nothing
    assert v3_attacked[0]["reid_name"] >= 0.10


def test_unhardened_filter_is_attacked_at_least_as_successfully_as_hardened(
    v3_attacked: tuple[dict[str, float | int], dict[str, float | int]],
) -> None:
    none, hardened = v3_attacked
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
    reason="issue 8, the informed attacker (the store's own plain text, the worst case; the "
    "verdict is judged against the plausible one): the shipped default does NOT keep it under "
    "1 %: the count signature (attack d: the pattern of equal tokens and filters) names "
    "several per cent of records. See docs/attacks.md",
)
def test_default_hardening_keeps_reidentification_at_most_one_percent(
    default_attacked: list[dict[str, float | int]],
) -> None:
    # every filter attack, and the tokens alone (decoded or by count signature): worst of 3 keys
    assert max(r["reid_filter"] for r in default_attacked) <= 0.01
    assert max(r["reid_name_by_tokens_any"] for r in default_attacked) <= 0.01


def test_default_hardening_defeats_pattern_mining_at_small_scale(
    default_attacked: list[dict[str, float | int]],
) -> None:
    """A guard, not the target: at 8,682 rows the seeded aligner named 95-96 % of the previous
    default's (f = 0.08) records for the informed attacker on four keys of four (bench)."""
    assert max(r["reid_name"] for r in default_attacked) <= 0.01


def test_v3_tokens_name_far_fewer_records_than_the_v2_token_set() -> None:
    """Schema 3.0 dropped the stand-alone year, month, day and place tokens: on the same people
    under the same key, decoding the v3 tokens must name a small fraction of what v2's did, and
    so must their count signature. Only the token set differs (v2 and v3 hash the same filter)."""
    people = _people()
    shares: dict[str, dict[str, float]] = {}
    for label, schema in (("v2", V2), ("v3", V3)):
        target = encode_target(people, schema, fixed_key(1))
        informed = informed_population(target)
        result = token_alignment.attack(target, informed)
        names = [p.name for p in target.truth]
        shares[label] = {
            "decoded": share(result.names, names),
            "signature": share(result.by_counts, names),
        }
    assert shares["v2"]["decoded"] >= 0.10  # the leak schema 3.0 closes (31 % at scale 0.1)
    assert shares["v3"]["decoded"] <= shares["v2"]["decoded"] / 10
    assert shares["v3"]["signature"] <= shares["v2"]["signature"] / 10


def _toy_target(truth: list[Person], schema: EncodingSchema = V3) -> Target:
    """Rows with the real tokens of ``schema``'s token set and one empty filter each."""
    tokeniser = tokeniser_for(schema, fixed_key(5))
    rows = [tokeniser.tokens(p.identity) for p in truth]
    tokens = {c: [r[c] for r in rows] for c in rows[0]}
    return Target(np.zeros((len(truth), 64), dtype=np.bool_), tokens, truth, schema)


def test_token_alignment_recovers_a_skewed_attribute() -> None:
    places = ["amsterdam"] * 6 + ["lagos"] * 3 + ["sofia"]
    truth = [Person(f"a{i}", "bos", None, None, None, pl, "female") for i, pl in enumerate(places)]
    population = [Person("x", "y", None, None, None, pl, None) for pl in places * 3]
    result = token_alignment.attack(_toy_target(truth, V2), population)
    assert result.correct["place"] == 1.0  # v2's tok_pob: counts 6, 3, 1 align by rank
    assert result.correct["year"] == 0.0  # no year tokens, no year guesses
    # v3 only has the place together with a name key: the population's names differ, so no
    # tok_name_pob of the store finds its plain value
    assert token_alignment.attack(_toy_target(truth, V3), population).correct["place"] < 0.5


def test_tokens_name_a_record_whose_decoded_attributes_are_unique() -> None:
    a = Person("an", "bos", 1990, 1, 2, "lagos", None)
    b = Person("bo", "dam", 1985, 3, 4, "sofia", None)
    c1 = Person("cor", "ek", 1970, 5, 6, "gouda", None)
    c2 = Person("dik", "fok", 1970, 5, 6, "gouda", None)  # c1's place and date, another name
    truth = [a] * 3 + [b] * 4 + [c1, c2]
    result = token_alignment.attack(_toy_target(truth, V2), list(reversed(truth)))
    # v2's place and year tokens have counts 3, 4 and 2: all decode, and a's and b's place and
    # date fit one name each
    assert result.correct["place"] == result.correct["year"] == 1.0
    assert result.names[:7] == [a.name] * 3 + [b.name] * 4
    # c1 and c2 share every attribute and their tok_name_dob counts tie: at most a blind guess,
    # and never the same name twice (rank alignment maps tokens one to one)
    assert result.names[7] is None or result.names[7] != result.names[8]


def test_a_decoded_name_key_names_a_record() -> None:
    """Rule (ii) under v3: a name-keyed token with a distinctive count decodes the name key and
    its date parts, which fit exactly one name."""
    often = Person("jan", "bos", 1990, 1, 2, "lagos", None)
    once = [Person(f"p{c}", f"q{c}", 1980 + i, 5, 6, "sofia", None) for i, c in enumerate("bcd")]
    truth = [often] * 3 + once
    result = token_alignment.attack(_toy_target(truth, V3), list(reversed(truth)))
    assert result.correct["name_key"] >= 3 / 6
    assert result.names[:3] == [("jan", "bos")] * 3
    # count-1 tokens tie: rank is a blind guess, one to one, so never one name for all three
    assert len({g for g in result.names[3:] if g is not None}) == sum(
        g is not None for g in result.names[3:]
    )


def test_count_signature_names_rows_whose_sharing_pattern_is_unique() -> None:
    a = Person("an", "bos", 1990, 1, 2, "lagos", None)
    b = Person("bo", "dam", 1990, 1, 2, "lagos", None)  # shares a's date and place
    c = Person("cor", "ek", 1985, 3, 4, "sofia", None)
    d = Person("dik", "fok", 1970, 5, 6, "gouda", None)  # c and d: one row each, nothing shared
    truth = [a, a, b, c, d]
    target = _toy_target(truth, V3)
    population = list(reversed(truth))
    shadow = [tokeniser_for(V3, fixed_key(-1)).tokens(p.identity) for p in population]
    store, plain = token_alignment.token_columns(target, shadow)
    named = token_alignment.name_by_signature(store, plain, population)
    assert named == [a.name, a.name, b.name, None, None]
    # without refinement b is already told apart by its counts; c and d never are
    assert token_alignment.name_by_signature(store, plain, population, rounds=0)[3:] == [None] * 2


def test_frequency_attack_names_repeated_filters_only() -> None:
    truth = [Person("jan", "jansen", None, None, None, None, None)] * 3 + [
        Person("piet", "bakker", None, None, None, None, None)
    ]
    target = _toy_target(truth)
    target.filters[3, 0] = True  # the fourth record has a filter of its own
    population = [Person("jan", "jansen", None, None, None, None, None)] * 2 + [
        Person("piet", "bakker", None, None, None, None, None)
    ]
    guesses = frequency.attack(target, population)
    assert guesses == [("jan", "jansen")] * 3 + [None]


def test_frequency_attack_breaks_equal_sizes_with_decoded_tokens() -> None:
    a = Person("an", "bos", 1980, None, None, None, None)
    b = Person("bo", "dam", 1990, None, None, None, None)
    target = _toy_target([a, a, b, b])
    target.filters[2:, 0] = True  # two filter groups of two
    population = [b, b, a, a]  # rank order alone pairs the groups the wrong way round
    assert frequency.attack(target, population) == [b.name, b.name, a.name, a.name]
    decoded: dict[str, list[object | None]] = {"year": [1980, 1980, 1990, 1990]}
    assert frequency.attack(target, population, decoded) == [a.name] * 2 + [b.name] * 2


def test_legacy_tokeniser_keeps_the_shared_columns_and_adds_the_attribute_tokens() -> None:
    ident = identity("Jan Piet", "de Vries", "1990-01-02", "Lagos", None, "male")
    other = identity("Kees", "Bakker", "1990-03-04", "Sofia", None, "male")
    key = fixed_key(1)
    legacy, current = LegacyTokeniser(key).tokens(ident), Tokeniser(key).tokens(ident)
    assert set(current) == set(TOKEN_COLUMNS)
    assert set(legacy) == {*LEGACY_COLUMNS, "tok_yob", "tok_mob", "tok_dob_day", "tok_pob"}
    assert all(legacy[c] == current[c] for c in LEGACY_COLUMNS)
    other_legacy = LegacyTokeniser(key).tokens(other)
    assert legacy["tok_yob"] == other_legacy["tok_yob"]  # the same year, the same token
    assert legacy["tok_mob"] != other_legacy["tok_mob"]
    assert legacy["tok_yob"] != LegacyTokeniser(fixed_key(2)).tokens(ident)["tok_yob"]
    assert isinstance(tokeniser_for(V2, key), LegacyTokeniser)
    assert isinstance(tokeniser_for(V3, key), Tokeniser)


def test_filter_content_predicts_equal_filters_under_every_flip_seed() -> None:
    """The attacker's model of the encoder (Kerckhoffs) must be right: equal content, equal
    filter. v2's flip is seeded by the whole identity, so namesakes differ; v3's by the filter
    alone, so namesakes share a filter."""
    one = identity("Jan Piet", "de Vries", "1990-01-02", "Lagos", None, "male")
    twin = identity("Jan Piet", "de Vries", "1990-01-02", "Lagos", None, "male")
    namesake = identity("Jan Piet", "de Vries", "1985-05-06", "Sofia", None, "male")
    assert flip_salt(V2) == IDENTITY and flip_salt(V3) == ()
    v2 = encode_target([one, twin, namesake], V2, fixed_key(1), salt=flip_salt(V2))
    content = [filter_content(p, V2, IDENTITY) for p in v2.truth]
    assert content[0] == content[1] != content[2]
    assert (v2.filters[0] == v2.filters[1]).all()
    assert (v2.filters[0] != v2.filters[2]).any()
    v3 = encode_target([one, namesake], V3, fixed_key(1), salt=flip_salt(V3))
    assert filter_content(v3.truth[0], V3) == filter_content(v3.truth[1], V3)
    assert (v3.filters[0] == v3.filters[1]).all()  # a name-only filter, seeded by itself
    old = encode_target([one, namesake], V2, fixed_key(1), FilterSeededFlipEncoder, ())
    assert (old.filters[0] == old.filters[1]).all()


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
    assert [s.label for s in SETTINGS if is_default(s)] == ["v3 (shipped default)"]
    for s in SETTINGS:
        BloomEncoder(fixed_key(1), s.schema)  # raises on an unknown field
        assert s.baseline.hardening == "none"
        assert s.baseline.version == s.schema.version
        if s.encoder is BloomEncoder and s.schema.hardening == "bit_flip":
            # the attacker groups its plain text as the encoder seeds the flip
            assert s.salt == flip_salt(s.schema), s.label
    record = BY_LABEL["v3 f=0.08 record-seeded"].schema
    assert record.hardening_params["flip_seed"] == "record"
    assert BY_LABEL["v3 f=0.06 filter"].schema.hardening_params["flip_seed"] == "filter"
    h6 = BY_LABEL["v2 h6 f=0.04"].schema
    assert {f.field: f.hashes for f in h6.fields}["name"] == 6
    assert name_hashes(h6)[-1] == 6  # the miner looks for footprints of 6 positions too


def _incidence(names: list[tuple[str, str]], feats: list[tuple[str, str]]) -> np.ndarray:
    """Which of ``feats`` (v3 name and skeleton bigrams) each name puts in its filter."""
    fields = tuple((f.field, f.q) for f in V3.fields)
    have = [features(Person(g, s, None, None, None, None, None), fields) for g, s in names]
    return np.array([[f in h for f in feats] for h in have], dtype=np.bool_)


def test_name_tables_name_a_combination_the_population_never_holds() -> None:
    """Given names and surnames are scored apart, so a record is named even when no one in
    the attacker's population carries its whole name; two given names come out in the order
    of their frequency (a bag-of-words filter has none)."""
    population = [
        Person("jan", "bakker", None, None, None, None, None),
        Person("jan", "smit", None, None, None, None, None),
        Person("piet", "jansen", None, None, None, None, None),
        Person("kees", "visser", None, None, None, None, None),
        Person("piet kees", "de boer", None, None, None, None, None),
    ]
    tables = pattern_mining.NameTables.of(population)
    assert tables.given["jan"] == 2 and tables.surname["jansen"] == 1
    assert tables.two_given == 1 / 5
    truth = [("jan", "jansen"), ("piet", "visser"), ("kees jan", "smit")]
    fields = tuple((f.field, f.q) for f in V3.fields)
    feats = sorted({f for g, s in truth for f in features(Person(g, s, *[None] * 5), fields)})
    matched = dict(enumerate(feats))
    guesses = pattern_mining.reidentify_by_parts(_incidence(truth, feats), matched, tables, V3)
    assert guesses == [("jan", "jansen"), ("piet", "visser"), ("jan kees", "smit")]


def test_relabel_recovers_footprint_labels_from_guessed_names() -> None:
    people = [p.name for p in informed_population(encode_target(_people()[:400], V3, fixed_key(1)))]
    names = [n for n in people if n is not None]
    fields = tuple((f.field, f.q) for f in V3.fields)
    feats = sorted({f for g, s in names for f in features(Person(g, s, *[None] * 5), fields)})
    inc = _incidence(names, feats)
    order = np.random.default_rng(1).permutation(len(feats))
    labels = pattern_mining.relabel(inc[:, order], list(names), V3)
    # a bigram is recovered unless another one is held by exactly the same names (then the
    # tie goes either way: 595-605 right of 601 distinct over string hash seeds)
    distinct = {inc[:, j].tobytes() for j in range(len(feats))}
    right = sum(labels[i] == feats[j] for i, j in enumerate(order))
    assert right >= 0.95 * len(distinct)


def test_seeded_alignment_matches_footprints_to_a_population_of_other_people() -> None:
    """Footprints are the bigrams of one world's names, features another world's: the seeded
    aligner matches most of the frequent ones (149 of 150 here)."""
    population, _ = _plausible()
    target_names = [p.name for p in encode_target(_people(), V3, fixed_key(1)).truth]
    feats, pop_inc = pattern_mining.population_features(population, V3, 0.002)
    frequent = feats[:150]  # the footprints: bigrams frequent enough to be mined
    fp_inc = _incidence([n for n in target_names if n is not None], frequent)
    match = pattern_mining.align(fp_inc, pop_inc)
    assert sum(feats[j] == frequent[i] for i, j in match.items()) >= 0.7 * len(frequent)
