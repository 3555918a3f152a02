"""Bloom filters of the name, keyed and hardened (encoding schema 2.0; 1.0 was a record-level CLK).

Each field contributes its q-grams (padded, per word, so word order does not matter) to ONE bit
array; a field's weight is the number of bits each of its q-grams sets. The default schema holds
the name only (all name words as one bag, plus their transliteration skeletons): date, place and
gender are tokens, so each is counted once by the linkage. Bit positions come from HMAC-SHA256
under a sub-key of the linkage secret ("random hashing": independent positions per q-gram, not
double hashing, whose structure pattern-mining attacks exploit), so the hub cannot build a filter
for a name it guesses. Hardening then hides the frequency patterns of common q-grams, and a keyed
permutation hides which bit came from where.

Speed: the positions of a (field, value) pair depend only on the key, so they are computed once
and cached; a filter is the OR of cached bit masks; hardening
works on one numpy boolean matrix per batch, packed with ``np.packbits`` (big-endian bit order: bit 0 is the most significant bit of byte 0).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from typing import cast

import numpy as np
import numpy.typing as npt

from zichtbaar.encode import normalise
from zichtbaar.encode.identity import Identity
from zichtbaar.encode.keys import LinkageKey
from zichtbaar.errors import EncodeError
from zichtbaar.standard.package import EncodingSchema

BoolMatrix = npt.NDArray[np.bool_]

DEFAULT_FLIP_PROBABILITY = 0.08

FLIP_SEEDS = frozenset({"filter", "record"})
"""What seeds the noise of ``bit_flip`` besides the key (``hardening_params["flip_seed"]``):

* ``filter`` (schema 3.0): the raw filter alone, so everyone of one name gets the same filter.
  The hub can count namesakes, but a typo in the date no longer changes the noise of the name,
  which keeps linkage close to the unhardened filter. The hub can count namesakes; what the
  frequency attack this opens achieves is measured in docs/attacks.md.
* ``record`` (schema 2.0, and the default when the parameter is absent): the whole normalised
  identity (``identity_salt``).
"""


def _words(value: str | None) -> list[str]:
    return value.split() if value else []


def _two(value: int | None) -> list[str]:
    return [f"{value:02d}"] if value else []


def _skeletons_of(words: list[str]) -> list[str]:
    """The consonant skeleton of every word (``normalise.name_skeleton``), empty ones dropped."""
    return [s for s in map(normalise.name_skeleton, words) if s]


def _skeletons(p: Identity) -> list[str]:
    return _skeletons_of(p.name_words)


def _given_part(p: Identity) -> list[str]:
    """The first given name whole, the others by their initial (schema 3.3).

    Registers write further given names in full, as initials or not at all; reduced to initials
    a middle initial agrees with the full middle name, and a missing one costs only its initial.
    """
    words = _words(p.given_names)
    return words[:1] + [w[0] for w in words[1:]]


def _given_skeleton(p: Identity) -> list[str]:
    return _skeletons_of(_words(p.given_names)[:1])


def _surname_part(p: Identity) -> list[str]:
    return _words(p.surname.core if p.surname else None)


FIELD_VALUES: dict[str, Callable[[Identity], list[str]]] = {
    "name": lambda p: p.name_words,
    "name_skeleton": _skeletons,
    "given_names": lambda p: _words(p.given_names),
    "given_part": _given_part,
    "given_skeleton": _given_skeleton,
    "surname_part": _surname_part,
    "surname_skeleton": lambda p: _skeletons_of(_surname_part(p)),
    "surname": _surname_part,
    "surname_full": lambda p: [p.surname.full.replace(" ", "")] if p.surname else [],
    "dob_year": lambda p: [str(p.dob.year)] if p.dob else [],
    "dob_month": lambda p: _two(p.dob.month if p.dob else None),
    "dob_day": lambda p: _two(p.dob.day if p.dob else None),
    "place_of_birth": lambda p: _words(p.place_of_birth),
    "gender": lambda p: [p.gender] if p.gender else [],
    "address_street": lambda p: _words(p.address.street if p.address else None),
    "address_number": lambda p: _words(p.address.house_number if p.address else None),
    "address_postcode": lambda p: [p.address.postcode] if p.address and p.address.postcode else [],
    "address_residence": lambda p: _words(p.address.residence if p.address else None),
}
"""How each Bloom field reads its words from a normalised identity."""

HASH_LABEL = {
    "given_part": "name_part",
    "surname_part": "name_part",
    "given_skeleton": "name_part_skeleton",
    "surname_skeleton": "name_part_skeleton",
}
"""Fields that hash their q-grams under one shared label: the given names' and the surname's
filters (schema 3.3) set the same bits for the same word, so that the linkage can see a given
name and a surname swapped (``link/comparisons.py``). Every other field hashes under its own name."""

SUBKEY_COLUMN = {"bloom_given": "bloom_parts", "bloom_surname": "bloom_parts"}
"""Filter columns that share their sub-keys (hash, flip, permutation), for the same reason."""


def qgrams(word: str, q: int) -> list[str]:
    """Padded q-grams of one word ("ab" -> "_a", "ab", "b_" for q=2; no padding for q=1)."""
    if q == 1:
        return list(word)
    padded = "_" * (q - 1) + word + "_" * (q - 1)
    return [padded[i : i + q] for i in range(len(padded) - q + 1)]


def dice(a: bytes, b: bytes) -> float:
    """Dice similarity of two filters of equal length: 2|a∧b| / (|a|+|b|); 0.0 for two empty ones."""
    if len(a) != len(b):
        raise ValueError("filters differ in length")
    x, y = int.from_bytes(a, "big"), int.from_bytes(b, "big")
    total = x.bit_count() + y.bit_count()
    return 0.0 if total == 0 else 2 * (x & y).bit_count() / total


def _keyed_stream(key: bytes, label: bytes, n_words: int) -> npt.NDArray[np.uint64]:
    """``n_words`` pseudo-random 64-bit words: HMAC-SHA256 in counter mode."""
    blocks = b"".join(
        hmac.digest(key, label + i.to_bytes(4, "big"), "sha256") for i in range((n_words + 3) // 4)
    )
    return np.frombuffer(blocks, dtype=">u8")[:n_words].astype(np.uint64)


def _dob_text(person: Identity) -> str:
    """The date of birth as the salts write it (an unknown month or day as 0), or ""."""
    dob = person.dob
    return f"{dob.year}-{dob.month or 0}-{dob.day or 0}" if dob else ""


def identity_salt(person: Identity) -> bytes:
    """Every normalised identifier of a record, unambiguously joined: the seed of its bit flip."""
    surname = person.surname.full if person.surname else ""
    parts = (
        person.given_names or "",
        surname,
        _dob_text(person),
        person.place_of_birth or "",
        person.gender or "",
        person.bsn or "",
    )
    return "\x1f".join(parts).encode("utf-8")


PART_FLIP_SEEDS = frozenset({"filter", "date"})
"""What seeds the noise of the name parts' filters (``hardening_params["part_flip_seed"]``,
schema 3.3). ``filter`` (the default) as the whole name's: the hub can count the rows of each
surname, and a frequency attack learns the surname of 1.4 % of rows (docs/encoding.md).
``date``: the part and the date of birth, so only people sharing the part *and* the date share
a filter, as the name-and-date token already lets the hub count. Measured and not the default:
the part levels' u then holds the date as well (random pairs share a part's filter only with
the date), so the date counts twice and twins link (gb, 8,000 records: F1 0.922 against 0.933
with ``filter`` and 0.937 without parts)."""


def date_salt(person: Identity) -> bytes:
    """The date of birth as the seed of a name part's noise (empty when it is unknown)."""
    return _dob_text(person).encode("utf-8")


def keyed_permutation(key: bytes, n: int) -> npt.NDArray[np.int64]:
    """A permutation of ``range(n)`` determined by ``key`` (Fisher-Yates on an HMAC stream).

    Written by hand because numpy's generators promise no stream stability across versions, and
    two organisations with different numpy versions must produce the same permutation.
    """
    stream = _keyed_stream(key, b"permutation", n)
    perm = list(range(n))
    for i in range(n - 1, 0, -1):
        j = int(stream[i]) % (i + 1)  # bias below 2**-50 for n <= 8192
        perm[i], perm[j] = perm[j], perm[i]
    return np.asarray(perm, dtype=np.int64)


class BloomEncoder:
    """Builds hardened Bloom filters under one key and one schema.

    ``column``: which filter of the schema, the name filter (``bloom``, the schema's ``fields``),
    the address filter (``bloom_address``, its ``address_fields``; schema 3.2) or the filters of
    the name's parts (``bloom_given`` and ``bloom_surname``; schema 3.3).
    """

    def __init__(self, key: LinkageKey, schema: EncodingSchema, column: str = "bloom") -> None:
        fields_of = {
            "bloom": schema.fields,
            "bloom_address": schema.address_fields,
            "bloom_given": schema.given_fields,
            "bloom_surname": schema.surname_fields,
        }
        if column not in fields_of:
            raise EncodeError(f"unknown filter column: {column}")
        self.fields = fields_of[column]
        unknown = [f.field for f in self.fields if f.field not in FIELD_VALUES]
        if unknown:
            raise EncodeError(f"encoding schema names unknown Bloom field(s): {', '.join(unknown)}")
        self.schema = schema
        m = schema.filter_bits
        if m % 8:
            raise EncodeError("filter_bits must be a multiple of 8")
        # hardening may change the length of the raw filter; the output is always filter_bits
        self.raw_bits = {"balance": m // 2, "xor_fold": 2 * m}.get(schema.hardening, m)
        if self.raw_bits % 8:
            raise EncodeError("filter_bits must be a multiple of 16 for balance hardening")
        # the column names the sub-keys: the address filter hashes, flips and permutes under keys
        # of its own, so its bit positions say nothing about the name filter's (the two name
        # parts share theirs: ``SUBKEY_COLUMN``)
        keyed = SUBKEY_COLUMN.get(column, column)
        self._hash_key = key.subkey(f"{keyed}/hash")
        self._flip_key = key.subkey(f"{keyed}/flip")
        self._permutation = keyed_permutation(key.subkey(f"{keyed}/permute"), m)
        try:
            self._flip = float(
                schema.hardening_params.get("flip_probability", DEFAULT_FLIP_PROBABILITY)
            )
        except ValueError:
            raise EncodeError("hardening parameter flip_probability must be a number") from None
        if not 0.0 <= self._flip <= 1.0:
            raise EncodeError("hardening parameter flip_probability must lie in [0, 1]")
        seed = schema.hardening_params.get("flip_seed", "record")
        if seed not in FLIP_SEEDS:
            raise EncodeError(
                f"hardening parameter flip_seed must be one of: {', '.join(sorted(FLIP_SEEDS))}"
            )
        self._seed_by_record = seed == "record"
        part_seed = schema.hardening_params.get("part_flip_seed", "filter")
        if part_seed not in PART_FLIP_SEEDS:
            raise EncodeError(
                "hardening parameter part_flip_seed must be one of: "
                f"{', '.join(sorted(PART_FLIP_SEEDS))}"
            )
        self._seed_by_date = column in SUBKEY_COLUMN and part_seed == "date"
        self._cache: dict[tuple[int, str], int] = {}
        self._gram_cache: dict[tuple[int, str], int] = {}

    # ----------------------------------------------------------------- positions
    def _gram_mask(self, field_index: int, gram: str) -> int:
        cache_key = (field_index, gram)
        mask = self._gram_cache.get(cache_key)
        if mask is None:
            spec = self.fields[field_index]
            field = HASH_LABEL.get(spec.field, spec.field)
            label = field.encode("utf-8") + b"\x1f" + gram.encode("utf-8")
            stream = _keyed_stream(self._hash_key, label, spec.hashes)
            mask = 0
            for position in (stream % np.uint64(self.raw_bits)).tolist():
                mask |= 1 << (self.raw_bits - 1 - position)  # position 0 = first (leftmost) bit
            self._gram_cache[cache_key] = mask  # the q-gram vocabulary is small
        return mask

    def _word_mask(self, field_index: int, word: str) -> int:
        cache_key = (field_index, word)
        mask = self._cache.get(cache_key)
        if mask is None:
            mask = 0
            for gram in qgrams(word, self.fields[field_index].q):
                mask |= self._gram_mask(field_index, gram)
            if len(self._cache) < 1 << 18:  # bound memory: words are many, q-grams few
                self._cache[cache_key] = mask
        return mask

    # ----------------------------------------------------------------- filters
    def raw_matrix(self, people: Sequence[Identity]) -> BoolMatrix:
        """Unhardened, unpermuted filters of ``people`` as an (n, raw_bits) boolean matrix.

        A filter is the OR of cached per-word bit masks, held as Python ints (a 1024-bit OR is a
        few machine words), so the per-record work is a handful of dictionary look-ups.
        """
        fields = [(i, FIELD_VALUES[spec.field]) for i, spec in enumerate(self.fields)]
        m = self.raw_bits
        rows = []
        for person in people:
            mask = 0
            for i, values in fields:
                for word in values(person):
                    mask |= self._word_mask(i, word)
            rows.append(mask.to_bytes(m // 8, "big"))
        packed = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), m // 8)
        return np.unpackbits(packed, axis=1).astype(np.bool_)

    def harden(self, raw: BoolMatrix, salts: Sequence[bytes] | None = None) -> BoolMatrix:
        """Apply the schema's hardening; the result has ``filter_bits`` columns.

        ``salts`` (one per row) seed the bit flip together with the filter: see ``_bit_flip``.
        """
        method = self.schema.hardening
        if method == "none":
            return raw
        if method == "balance":
            return np.concatenate([raw, ~raw], axis=1)
        if method == "xor_fold":
            half = raw.shape[1] // 2
            return raw[:, :half] ^ raw[:, half:]
        if method == "rule90":
            return np.roll(raw, 1, axis=1) ^ np.roll(raw, -1, axis=1)
        return self._bit_flip(raw, salts)

    def _bit_flip(self, raw: BoolMatrix, salts: Sequence[bytes] | None = None) -> BoolMatrix:
        """Permanent randomised response (RAPPOR/BLIP-like), keyed and deterministic per record.

        Each bit is, with probability f, replaced by a random bit. The randomness comes from
        SHAKE-256 over the flip sub-key, the record's salt and the filter (a prefix-keyed SHAKE is
        a PRF; no length extension), so an identical record always gets the identical filter --
        exact duplicates still match exactly and output stays deterministic -- while the hub,
        lacking the key, cannot tell which bits are noise. The salt is the whole normalised
        identity (``identity_salt``) or nothing (``FLIP_SEEDS``).
        """
        n, m = raw.shape
        if n == 0 or self._flip == 0.0:
            return raw
        packed = np.packbits(raw, axis=1)
        if salts is None:
            salts = [b""] * n
        noise = (
            np.frombuffer(
                b"".join(
                    hashlib.shake_256(
                        self._flip_key + len(salt).to_bytes(4, "big") + salt + row.tobytes()
                    ).digest(2 * m)
                    for salt, row in zip(salts, packed, strict=True)
                ),
                dtype=">u2",
            )
            .reshape(n, m)
            .astype(np.uint16)
        )
        # u < T randomises the bit; with T even, the low bit of such a u is itself a fair coin
        threshold = 2 * round(self._flip * 32768)
        randomise = noise < threshold
        random_bits = (noise & 1).astype(np.bool_)
        return np.where(randomise, random_bits, raw)

    def encode(self, people: Sequence[Identity]) -> list[bytes | None]:
        """One hardened, permuted filter of ``filter_bits/8`` bytes per person.

        None for a person without any identifier that feeds the filter (an all-zero filter would
        make every such record look alike). Only the others are hardened: hardening works row by
        row, and a file without addresses should not pay a SHAKE-256 per row for address filters
        it never sends.
        """
        raw = self.raw_matrix(people)
        has_bits = raw.any(axis=1)
        present = cast(list[bool], has_bits.tolist())
        kept = [p for p, ok in zip(people, present, strict=True) if ok]
        salts: list[bytes] | None = None
        if self._seed_by_date:
            salts = [date_salt(p) for p in kept]
        elif self._seed_by_record:
            salts = [identity_salt(p) for p in kept]
        final = self.harden(raw[has_bits], salts)[:, self._permutation]
        filters = iter(np.packbits(final, axis=1))
        return [next(filters).tobytes() if ok else None for ok in present]
