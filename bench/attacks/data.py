"""The attack setting: the hub's encodings of one synthetic world and the attacker's plain text.

The target is every reporter and register row of a world, encoded with a fresh key exactly as an
organisation would (normalise, tokens, hardened Bloom filter). The attacker's population is the
plain text of the same rows of a *second* world with another seed: same name, date and place
distributions, other people ("a plausible plain-text population").
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from zichtbaar.encode.bloom import BloomEncoder, qgrams
from zichtbaar.encode.identity import Identity, identity
from zichtbaar.encode.keys import LinkageKey, Secret, new_key
from zichtbaar.encode.normalise import DateOfBirthError
from zichtbaar.encode.schema import default_schema
from zichtbaar.encode.tokens import Tokeniser
from zichtbaar.standard.package import EncodingSchema
from zichtbaar.synth import WorldConfig, build_world
from zichtbaar.synth.names import NamePool, name_pool
from zichtbaar.types import KeyId

BoolMatrix = npt.NDArray[np.bool_]
TODAY = dt.date(2024, 12, 31)
NAME_FIELDS = ("given_names", "surname")
"""The fields an identity is re-identified by (both hashed with 12 positions per bigram)."""


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

    @property
    def name(self) -> tuple[str, str] | None:
        if self.given_names is None or self.surname is None:
            return None
        return (self.given_names, self.surname)


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
    )


def world_identities(seed: int, scale: float, limit: int | None = None) -> list[Identity]:
    """Normalised identities of every reporter and register row of one world (shuffled)."""
    world = build_world(WorldConfig(seed=seed, scale=scale))
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


def schema_with(hardening: str, flip_probability: float | None = None) -> EncodingSchema:
    """The default schema with another hardening (and flip probability for ``bit_flip``)."""
    base = default_schema()
    params = dict(base.hardening_params)
    if flip_probability is not None:
        params["flip_probability"] = flip_probability
    return base.model_copy(update={"hardening": hardening, "hardening_params": params})


@dataclass
class Target:
    """What the hub holds (filters and tokens) and, beside it, the truth for scoring only."""

    filters: BoolMatrix  # (n, filter_bits), as stored: hardened and permuted
    tokens: dict[str, list[str | None]]
    truth: list[Person]
    schema: EncodingSchema


def fixed_key(seed: int) -> LinkageKey:
    """A reproducible key for tests: the attack's result depends on the key (the positions)."""
    secret = hashlib.sha256(f"attack-test-{seed}".encode()).digest()
    return LinkageKey(KeyId(f"test-{seed}"), Secret(secret), dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


def encode_target(
    people: list[Identity], schema: EncodingSchema, key: LinkageKey | None = None
) -> Target:
    """Encode ``people`` under ``key`` (default: a fresh one); rows without a filter are left out."""
    key = key or new_key()
    blooms = BloomEncoder(key, schema).encode(people)
    tokeniser = Tokeniser(key)
    keep = [i for i, b in enumerate(blooms) if b is not None]
    packed = np.frombuffer(b"".join(blooms[i] or b"" for i in keep), dtype=np.uint8)
    filters = np.unpackbits(packed.reshape(len(keep), -1), axis=1).astype(np.bool_)
    token_rows = [tokeniser.tokens(people[i]) for i in keep]
    tokens = {c: [r[c] for r in token_rows] for c in token_rows[0]} if token_rows else {}
    return Target(filters, tokens, [person(people[i]) for i in keep], schema)


def field_grams(p: Person, field: str) -> set[str]:
    """The padded bigrams ``field`` of ``p`` puts in the filter (as ``bloom.FIELD_VALUES``)."""
    values = {
        "given_names": p.given_names,
        "surname": p.surname,
        "dob_year": str(p.year) if p.year else None,
        "dob_month": f"{p.month:02d}" if p.month else None,
        "dob_day": f"{p.day:02d}" if p.day else None,
        "place_of_birth": p.place,
        "gender": p.gender,
    }
    return {g for word in (values[field] or "").split() for g in qgrams(word, 2)}


ALL_FIELDS = ("given_names", "surname", "dob_year", "dob_month", "dob_day", "place_of_birth")
"""The fields whose bigrams the attacker's population supplies (gender is near-universal)."""
