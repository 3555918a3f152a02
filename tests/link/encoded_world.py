"""Realistic encoded snapshots with known truth: Faker people, realistic keying faults, real encoder.

The hub never holds the encoder; tests and benchmarks do, so the linkage can be measured on what
organisations really send: HMAC tokens and hardened Bloom filters (default schema) of identities
with typos, swapped day/month, missing fields, name-order swaps and transliteration variants.
Names are drawn from Faker's locale lists with numpy (fast enough for a million rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from faker.providers.address.nl_NL import Provider as NlAddress
from faker.providers.person.en_US import Provider as EnPerson
from faker.providers.person.nl_NL import Provider as NlPerson
from faker.providers.person.pl_PL import Provider as PlPerson
from faker.providers.person.ro_RO import Provider as RoPerson

from tests.snapshot_factory import ORGS, FakeSnapshot
from zichtbaar.encode.bloom import BloomEncoder
from zichtbaar.encode.identity import Identity, identity
from zichtbaar.encode.keys import LinkageKey, new_key
from zichtbaar.encode.normalise import DateOfBirthError
from zichtbaar.encode.schema import default_schema
from zichtbaar.encode.tokens import TOKEN_COLUMNS, Tokeniser
from zichtbaar.standard.models import FILTER_COLUMNS
from zichtbaar.standard.package import EncodingSchema

FORMS = ("domestic_sexual", "crossborder_sexual", "labour", "criminal")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_TRANSLIT = (
    ("ij", "y"),
    ("ph", "f"),
    ("w", "v"),
    ("ch", "h"),
    ("ou", "u"),
    ("k", "c"),
    ("ee", "e"),
)


def _names(*providers: Any, attr: str) -> list[str]:
    out: list[str] = []
    for p in providers:
        values = getattr(p, attr, ())
        out.extend(values.keys() if isinstance(values, dict) else values)
    return sorted({str(v) for v in out if v})


FIRST = _names(NlPerson, PlPerson, RoPerson, EnPerson, attr="first_names_female") + _names(
    NlPerson, PlPerson, RoPerson, EnPerson, attr="first_names_male"
)
LAST = _names(NlPerson, PlPerson, RoPerson, EnPerson, attr="last_names")
CITIES = sorted(set(NlAddress.cities))


@dataclass(frozen=True)
class Faults:
    """Per-registration probabilities of keying faults (the "default error rates")."""

    typo: float = 0.10
    transliteration: float = 0.05
    name_order_swap: float = 0.01
    dob_swap: float = 0.03
    dob_typo: float = 0.03
    dob_missing: float = 0.02
    bsn_reported: float = 0.6
    pob_missing: float = 0.3
    gender_missing: float = 0.05


@dataclass
class Person:
    pid: str
    given: str
    last: str
    dob: dt.date
    pob: str
    bsn: str | None
    gender: str
    extra: dict[str, Any] = field(default_factory=dict)


def _valid_bsn(rng: np.random.Generator) -> str:
    while True:
        digits = [int(d) for d in rng.integers(0, 10, 8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(check)


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 3:
        return word + _LETTERS[int(rng.integers(26))]
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(4))
    c = _LETTERS[int(rng.integers(26))]
    if kind == 0:
        return word[:i] + c + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + c + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _translit(rng: np.random.Generator, word: str) -> str:
    for a, b in _TRANSLIT:
        if a in word.lower():
            return word.lower().replace(a, b)
    return word


def make_people(rng: np.random.Generator, n: int, prefix: str = "T") -> list[Person]:
    """``n`` distinct people; about 5 % are siblings (shared surname and place) of another."""
    people: list[Person] = []
    start = dt.date(1960, 1, 1).toordinal()
    span = dt.date(2010, 12, 31).toordinal() - start
    for i in range(n):
        sibling = people[int(rng.integers(len(people)))] if people and rng.random() < 0.05 else None
        dob = dt.date.fromordinal(start + int(rng.integers(span)))
        if sibling is not None and rng.random() < 0.05:
            dob = sibling.dob  # twins: same date, same surname, same place
        people.append(
            Person(
                pid=f"{prefix}{i:07d}",
                given=FIRST[int(rng.integers(len(FIRST)))],
                last=sibling.last if sibling else LAST[int(rng.integers(len(LAST)))],
                dob=dob,
                pob=sibling.pob if sibling else CITIES[int(rng.integers(len(CITIES)))],
                bsn=_valid_bsn(rng) if rng.random() < 0.6 else None,
                gender="female" if rng.random() < 0.7 else "male",
            )
        )
    return people


def observe(rng: np.random.Generator, p: Person, f: Faults) -> Identity:
    """One organisation's (faulty) record of person ``p``, normalised by the real encoder."""
    given, last = p.given, p.last
    if rng.random() < f.typo:
        if rng.random() < 0.5:
            given = _typo(rng, given)
        else:
            last = _typo(rng, last)
    if rng.random() < f.transliteration:
        given, last = _translit(rng, given), _translit(rng, last)
    if rng.random() < f.name_order_swap:
        given, last = last, given
    y, m, d = p.dob.year, p.dob.month, p.dob.day
    dob: str | None = f"{y:04d}-{m:02d}-{d:02d}"
    if rng.random() < f.dob_swap and d <= 12:
        dob = f"{y:04d}-{d:02d}-{m:02d}"
    elif rng.random() < f.dob_typo:
        dob = f"{y:04d}-{m:02d}-{1 + (d + int(rng.integers(1, 9))) % 28:02d}"
    if rng.random() < f.dob_missing:
        dob = None
    try:
        return identity(
            given_names=given,
            surname=last,
            date_of_birth=dob,
            place_of_birth=None if rng.random() < f.pob_missing else p.pob,
            bsn=p.bsn if rng.random() < f.bsn_reported else None,
            gender=None if rng.random() < f.gender_missing else p.gender,
        )
    except DateOfBirthError:
        return identity(given_names=given, surname=last, place_of_birth=p.pob, gender=p.gender)


class Encoder:
    """Tokens and hardened filters of identities under one key (default schema unless given)."""

    def __init__(self, key: LinkageKey | None = None, schema: EncodingSchema | None = None) -> None:
        key = key or new_key()
        schema = schema or default_schema()
        self.tokens = Tokeniser(key)
        self.bloom = BloomEncoder(key, schema)
        self.address = BloomEncoder(key, schema, "bloom_address")

    def encode(self, people: list[Identity]) -> list[dict[str, Any]]:
        filters = self.bloom.encode(people)
        homes = self.address.encode(people)
        return [
            {**self.tokens.tokens(p), "bloom": b, "bloom_address": h}
            for p, b, h in zip(people, filters, homes, strict=True)
        ]


def make_encoded_snapshot(
    out: Path,
    n_persons: int = 1000,
    seed: int = 0,
    n_events: int = 0,
    faults: Faults | None = None,
    encoder: Encoder | None = None,
    stats_only_rate: float = 0.15,
) -> FakeSnapshot:
    """Write ``registrations.parquet`` (+ ``register_events.parquet``) with known truth.

    Every person has 1-3 registrations at random organisations; ``n_events`` register events
    belong to persons of the snapshot and as many again to people who are not in it.
    """
    f = faults or Faults()
    rng = np.random.default_rng(seed)
    enc = encoder or Encoder()
    out.mkdir(parents=True, exist_ok=True)
    people = make_people(rng, n_persons)
    meta: list[dict[str, Any]] = []
    ids: list[Identity] = []
    truth: dict[str, str] = {}
    stats_only: set[str] = set()
    for p in people:
        basis_none = rng.random() < stats_only_rate
        if basis_none:
            stats_only.add(p.pid)
        year = int(rng.integers(2016, 2021))
        form = FORMS[int(rng.integers(len(FORMS)))]
        for k in range(int(rng.integers(1, 4))):
            org, rtype = ORGS[int(rng.integers(len(ORGS)))]
            rid = f"R{len(meta):07d}"
            truth[rid] = p.pid
            ids.append(observe(rng, p, f))
            meta.append(
                {
                    "registration_id": rid,
                    "org": org,
                    "reporter_type": rtype,
                    "record_id": f"{org}-{len(meta)}",
                    "registration_date": dt.date(year, 1 + k, 10),
                    "gender": p.gender,
                    "nationality": "NLD",
                    "nationality_group": "NL",
                    "age_group": "18-22",
                    "form": form,
                    "region": "amsterdam",
                    "legal_basis": "none"
                    if basis_none
                    else ("legal_basis" if rtype == "police" else "explicit_consent"),
                    "statistics_only": basis_none,
                }
            )
    _write(out / "registrations.parquet", meta, enc.encode(ids))
    events: list[dict[str, Any]] = []
    ev_ids: list[Identity] = []
    event_truth: dict[str, str] = {}
    outsiders = make_people(rng, n_events, prefix="X")
    for e in range(2 * n_events):
        p = people[int(rng.integers(n_persons))] if e < n_events else outsiders[e - n_events]
        eid = f"E{e:07d}"
        if e < n_events:
            event_truth[eid] = p.pid
        ev_ids.append(observe(rng, p, f))
        events.append(
            {
                "event_id": eid,
                "org": "register-shelter",
                "record_id": f"s-{e}",
                "event_date": dt.date(2021, 6, 1),
                "event_type": "shelter",
                "gender": p.gender,
                "nationality_group": "NL",
                "dublin_status": "not_applicable",
                "prosecution_decision": None,
                "legal_basis": "legal_duty",
            }
        )
    if n_events:
        _write(out / "register_events.parquet", events, enc.encode(ev_ids))
    return FakeSnapshot(out, truth, event_truth, stats_only)


def _write(path: Path, meta: list[dict[str, Any]], encoded: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(meta)
    codes = pd.DataFrame(encoded, columns=[*TOKEN_COLUMNS, *FILTER_COLUMNS])
    pd.concat([frame, codes], axis=1).to_parquet(path, index=False)
