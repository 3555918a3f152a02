"""The attack setting: the hub's encodings of one synthetic world and the attacker's plain text.

The target is every reporter and register row of a world, encoded with a fresh key exactly as an
organisation would (normalise, tokens, hardened Bloom filter). The attacker's population is the
plain text of the same rows of a *second* world with another seed: same name, date and place
distributions, other people ("a plausible plain-text population").
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
from bench.attacks.variants import LegacyTokeniser

from zichtbaar.encode.bloom import FIELD_VALUES, BloomEncoder, qgrams
from zichtbaar.encode.identity import Identity, identity
from zichtbaar.encode.keys import LinkageKey, Secret, new_key
from zichtbaar.encode.normalise import DateOfBirth, DateOfBirthError, Surname
from zichtbaar.encode.schema import default_schema
from zichtbaar.encode.tokens import Tokeniser
from zichtbaar.standard.package import EncodingSchema
from zichtbaar.synth import WorldConfig, build_world
from zichtbaar.synth.names import NamePool, name_pool
from zichtbaar.types import KeyId

BoolMatrix = npt.NDArray[np.bool_]
TODAY = dt.date(2024, 12, 31)
NAME_FIELDS = ("name", "name_skeleton", "given_names", "surname")
"""Bloom fields that carry the name: v2 hashes one bag of name words (and, if the schema says
so, their consonant skeletons), v1 given names and surname as two fields."""
WORD_FIELDS = ("name", "given_names", "surname")
"""The name fields ``schema_with(hashes=...)`` changes (v2's skeleton field keeps its weight)."""
IDENTITY = ("given_names", "surname", "particles", "year", "month", "day", "place", "gender", "bsn")
"""Every identifier of a Person: what the shipped ``bit_flip`` seeds its noise with
(``bloom.identity_salt``), so equal identities, not equal filters, give equal noise."""


@dataclass(frozen=True)
class Person:
    """The plain text an attacker compares with: normalised, as the encoder sees it."""

    given_names: str | None
    surname: str | None  # particle-free core
    year: int | None
    month: int | None
    day: int | None
    place: str | None
    gender: str | None
    particles: str | None = None  # surname particles ("van der"), for v1's surname_full
    bsn: str | None = None  # only to group plain text as the flip salt does; never scored

    @property
    def name(self) -> tuple[str, str] | None:
        if self.given_names is None or self.surname is None:
            return None
        return (self.given_names, self.surname)

    @cached_property
    def identity(self) -> Identity:
        """Back to the encoder's input, so the words per Bloom field come from the encoder's
        own ``FIELD_VALUES`` (the attacker knows the scheme) rather than a copy that could drift."""
        surname = Surname(self.surname, self.particles or "") if self.surname else None
        dob = DateOfBirth(self.year, self.month, self.day) if self.year else None
        return Identity(self.given_names, surname, dob, self.place, self.bsn, self.gender)


def _text(v: Any) -> str | None:
    return None if v is None or pd.isna(v) or str(v).strip() == "" else str(v)


def _identity(row: dict[str, Any]) -> Identity:
    given, sur = _text(row.get("given_names")), _text(row.get("surname"))
    place, gender = _text(row.get("place_of_birth")), _text(row.get("gender"))
    try:
        return identity(given, sur, _text(row.get("date_of_birth")), place, None, gender, TODAY)
    except DateOfBirthError:
        return identity(given, sur, None, place, None, gender)


def person(ident: Identity) -> Person:
    dob = ident.dob
    return Person(
        ident.given_names,
        ident.surname.core if ident.surname else None,
        dob.year if dob else None,
        dob.month if dob and dob.month else None,
        dob.day if dob and dob.day else None,
        ident.place_of_birth,
        ident.gender,
        ident.surname.particles if ident.surname else None,
        ident.bsn,
    )


def world_identities(seed: int, scale: float, limit: int | None = None) -> list[Identity]:
    """Normalised identities of every reporter and register row of one world (shuffled)."""
    # the hard scenario: the world every figure in docs/attacks.md was measured on (the default
    # one, calibrated to Ned since 7 Dec 2026, has other rows; the attacks were not re-run on it)
    world = build_world(WorldConfig(seed=seed, scale=scale, scenario="hard"))
    frames = [*world.reporters.values(), *world.registers.values()]
    rows = [
        {str(k): v for k, v in r.items()}
        for r in pd.concat(frames, ignore_index=True).to_dict("records")
    ]
    order = np.random.default_rng(seed).permutation(len(rows))
    if limit is not None:
        order = order[:limit]
    return [_identity(rows[i]) for i in order]


def attacker_population(world_seed: int, people_seed: int, scale: float) -> list[Person]:
    """Plain text of the rows of *another* world drawn from the target world's name laws.

    The synthetic world draws its name pools per seed (300 given names and 500 surnames per
    locale out of Faker's lists), so a world with another seed has other names, not the same
    distribution. A real attacker holds national name-frequency tables, i.e. the distribution
    the people are drawn from; so the attacker's world is built with another seed (other people,
    dates, places, other register mix draws) but the target world's name pools.
    """
    from unittest import mock

    import zichtbaar.synth.world as world_module

    def same_pools(locale: str, seed: int) -> NamePool:
        return name_pool(locale, world_seed)

    with mock.patch.object(world_module, "name_pool", same_pools):
        people = world_identities(people_seed, scale)
    return [person(p) for p in people]


def informed_population(target: Target, seed: int = 99) -> list[Person]:
    """The target's own plain text, shuffled: the attacker knows who is in the store, not where.

    Shuffling matters: frequency ranks break ties by first occurrence, and a population in the
    target's row order would break them exactly as the target does, leaking the alignment.
    """
    order = np.random.default_rng(seed).permutation(len(target.truth))
    return [target.truth[i] for i in order]


def shipped_schema(file: str) -> EncodingSchema:
    """An encoding schema file shipped in ``zichtbaar.encode`` (v1 stays there for reference)."""
    text = resources.files("zichtbaar.encode").joinpath(file).read_text("utf-8")
    return EncodingSchema.model_validate_json(text)


def schema_with(
    hardening: str,
    flip_probability: float | None = None,
    base: EncodingSchema | None = None,
    hashes: int | None = None,
) -> EncodingSchema:
    """``base`` (default: the shipped default) with another hardening, flip probability for
    ``bit_flip``, or number of positions per q-gram of the name words (``WORD_FIELDS``)."""
    base = base or default_schema()
    params = dict(base.hardening_params) if hardening == base.hardening else {}
    if flip_probability is not None:
        params["flip_probability"] = flip_probability
    fields = base.fields
    if hashes is not None:
        fields = tuple(
            f.model_copy(update={"hashes": hashes}) if f.field in WORD_FIELDS else f for f in fields
        )
    return base.model_copy(
        update={"hardening": hardening, "hardening_params": params, "fields": fields}
    )


def unhardened(schema: EncodingSchema) -> EncodingSchema:
    """The same encoding without hardening: the linkage baseline of ``schema``."""
    return schema.model_copy(update={"hardening": "none", "hardening_params": {}})


EncoderFactory = Callable[[LinkageKey, EncodingSchema], BloomEncoder]


class TokenSet(Protocol):
    def tokens(self, person: Identity) -> dict[str, str | None]: ...


def tokeniser_for(schema: EncodingSchema, key: LinkageKey) -> TokenSet:
    """The token set ``schema`` shipped with: schema 3.0 the current ``Tokeniser``, schemas
    1.0 and 2.0 the stand-alone attribute tokens they sent (``variants.LegacyTokeniser``)."""
    major = int(schema.version.split(".")[0])
    return Tokeniser(key) if major >= 3 else LegacyTokeniser(key)


@dataclass
class Target:
    """What the hub holds (filters and tokens) and, beside it, the truth for scoring only."""

    filters: BoolMatrix  # (n, filter_bits), as stored: hardened and permuted
    tokens: dict[str, list[str | None]]
    truth: list[Person]
    schema: EncodingSchema
    salt: tuple[str, ...] = ()  # Person attributes that also seed the flip noise (a variant)


def fixed_key(seed: int) -> LinkageKey:
    """A reproducible key for tests: the attack's result depends on the key (the positions)."""
    secret = hashlib.sha256(f"attack-test-{seed}".encode()).digest()
    return LinkageKey(KeyId(f"test-{seed}"), Secret(secret), dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def encode_target(
    people: list[Identity],
    schema: EncodingSchema,
    key: LinkageKey | None = None,
    encoder: EncoderFactory = BloomEncoder,
    salt: tuple[str, ...] = (),
) -> Target:
    """Encode ``people`` under ``key`` (default: a fresh one); rows without a filter are left out.

    ``encoder`` lets the bench try a variant of the Bloom encoder (see ``variants``); the token
    columns are those ``schema.version`` shipped with (``tokeniser_for``)."""
    key = key or new_key()
    blooms = encoder(key, schema).encode(people)
    tokeniser = tokeniser_for(schema, key)
    keep = [i for i, b in enumerate(blooms) if b is not None]
    packed = np.frombuffer(b"".join(blooms[i] or b"" for i in keep), dtype=np.uint8)
    filters = np.unpackbits(packed.reshape(len(keep), -1), axis=1).astype(np.bool_)
    token_rows = [tokeniser.tokens(people[i]) for i in keep]
    tokens = {c: [r[c] for r in token_rows] for c in token_rows[0]} if token_rows else {}
    return Target(filters, tokens, [person(people[i]) for i in keep], schema, salt)


@lru_cache(maxsize=1 << 20)
def field_grams(p: Person, field: str, q: int = 2) -> frozenset[str]:
    """The padded q-grams Bloom field ``field`` of ``p`` puts in the filter (``bloom.FIELD_VALUES``)."""
    return frozenset(g for word in FIELD_VALUES[field](p.identity) for g in qgrams(word, q))


def attacked_fields(schema: EncodingSchema) -> tuple[str, ...]:
    """The Bloom fields whose q-grams the attacker's population supplies as features.

    Gender is left out (near-universal, it co-occurs with everything) and so is v1's
    ``surname_full`` (4 positions per bigram, a weak copy of ``surname``).
    """
    return tuple(f.field for f in schema.fields if f.field not in ("gender", "surname_full"))


def field_q(schema: EncodingSchema, field: str) -> int:
    return next(f.q for f in schema.fields if f.field == field)


def name_hashes(schema: EncodingSchema) -> list[int]:
    """Positions per name q-gram, largest first: the footprint sizes the pattern miner seeks."""
    return sorted({f.hashes for f in schema.fields if f.field in NAME_FIELDS}, reverse=True) or [12]


def flip_salt(schema: EncodingSchema) -> tuple[str, ...]:
    """What the shipped encoder seeds ``schema``'s bit flip with besides the filter, as Person
    attributes: the whole identity for ``flip_seed`` "record" (the default when absent, as in
    v1/v2), nothing for "filter" (v3)."""
    return IDENTITY if schema.hardening_params.get("flip_seed", "record") == "record" else ()


def filter_content(
    p: Person, schema: EncodingSchema, salt: tuple[str, ...] = ()
) -> tuple[frozenset[tuple[str, str]], tuple[object, ...]]:
    """Everything that decides ``p``'s stored filter under ``schema``: its q-grams per field and,
    when ``bit_flip`` is on, the ``salt`` attributes its noise is seeded with. Equal content,
    equal filter."""
    grams = features(p, tuple((f.field, f.q) for f in schema.fields))
    seeded = salt if schema.hardening == "bit_flip" else ()
    return grams, tuple(getattr(p, a) for a in seeded)


@lru_cache(maxsize=1 << 20)
def features(p: Person, fields: tuple[tuple[str, int], ...]) -> frozenset[tuple[str, str]]:
    """The (field, q-gram) pairs ``p`` puts in the filter for ``fields`` ((field, q) pairs);
    cached, because every attack on every setting asks again for the same people."""
    return frozenset((f, g) for f, q in fields for g in field_grams(p, f, q))
