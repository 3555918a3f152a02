"""Keyed tokens: HMAC-SHA256 of normalised exact keys, one HKDF sub-key per token type.

A plain hash of a BSN or a date of birth protects nothing (all ~91 million valid BSNs hash in
seconds); the HMAC key is the linkage secret, which the hub never holds.

But a keyed token is still deterministic, so its frequency in the hub's store is its value's
frequency. Encoding schema 2.0 sent year, month, day and place of birth as tokens of their own:
an attacker holding the population's plain text decoded them by rank and named 31 % of records
from them alone (docs/attacks.md). Since schema 3.0 every token therefore has many values with
small counts: the full date, the place with the full date, or a part of the date (or the place)
*together with a name key*, the sorted consonant skeletons of the name words. The parts keep what
the linkage needs (a typo in the day, month or year; the place) for records whose names agree on
their skeletons or whose dates agree.

Schema 3.2 adds the address token: postcode and house number (its digits). An address is shared
by the few people living there, so its counts are small too, except at shelters and other
addresses many victims are registered at; what the hub learns from those is in docs/attacks.md.
"""

from __future__ import annotations

import hmac
from functools import lru_cache

from zichtbaar.encode import normalise
from zichtbaar.encode.identity import Identity
from zichtbaar.encode.keys import LinkageKey
from zichtbaar.standard.models import TOKEN_COLUMNS

__all__ = ["TOKEN_COLUMNS", "Tokeniser", "joined_full_name", "name_key", "place_key"]

# tok_dob and tok_dob_swapped share a purpose on purpose: a swapped date must equal the other
# record's plain date token.
_PURPOSE = {
    "tok_bsn": "token/bsn",
    "tok_name_dob": "token/name_dob",
    "tok_dob": "token/dob",
    "tok_dob_swapped": "token/dob",
    "tok_name_ym": "token/name_ym",
    "tok_name_yd": "token/name_yd",
    "tok_name_md": "token/name_md",
    "tok_name_pob": "token/name_pob",
    "tok_pob_dob": "token/pob_dob",
    "tok_address": "token/address",
}


def _joined_skeleton(text: str) -> str:
    """The consonant skeleton of a phrase with its word breaks removed (vowels only: its letters).

    Word breaks are a writing habit, not a property of the name: one organisation writes
    "GuangZhou", another "Guang Zhou" or "Guang-Zhou", and per word the skeletons differ ("gngs"
    against "gng s"). Schema 3.1; in the 14k-row demo world 25 true pairs with the same date were
    missed on this alone.
    """
    joined = "".join(text.split())
    return normalise.name_skeleton(joined) or joined


def place_key(place: str | None) -> str | None:
    """The place of birth as one consonant skeleton: "Shang Hai", "ShangHai" and "Shanghai"
    are one place. (German "ch" for Cyrillic x stays a known miss: "Charkiw" is not "Kharkiv".)"""
    if not place:
        return None
    return _joined_skeleton(place)


def name_key(person: Identity) -> str | None:
    """The consonant skeletons of the given names and of the surname core, each part joined
    across its word breaks, sorted.

    A swapped name order, a transliteration variant, a typo in a vowel or the word breaks of a
    two-syllable given name ("XiuHua", "Xiu Hua", "Xiu-Hua") leave it unchanged; a typo in a
    consonant or a missing word changes it (the Bloom filter still sees those). None without any
    name word.
    """
    parts = [p for p in (person.given_names, person.surname.core if person.surname else None) if p]
    return " ".join(sorted(_joined_skeleton(p) for p in parts)) if parts else None


def joined_full_name(person: Identity) -> str | None:
    """Given names and surname core, each without word breaks: the name of ``tok_name_dob``."""
    if person.given_names is None or person.surname is None:
        return None
    return f"{''.join(person.given_names.split())} {''.join(person.surname.core.split())}"


class Tokeniser:
    """Computes the token columns for identities under one linkage key."""

    def __init__(self, key: LinkageKey) -> None:
        self.key_id = key.key_id
        self._keys = {column: key.subkey(purpose) for column, purpose in _PURPOSE.items()}
        self._cached = lru_cache(maxsize=1 << 16)(self._token)

    def _token(self, column: str, value: str) -> str:
        return hmac.digest(self._keys[column], value.encode("utf-8"), "sha256").hex()

    def token(self, column: str, value: str | None) -> str | None:
        """The token of one normalised value for one column; None for a missing value."""
        if value is None:
            return None
        if column in ("tok_dob", "tok_dob_swapped"):  # dates repeat: cache them
            return self._cached(column, value)
        return self._token(column, value)

    def _keyed(self, column: str, key: str | None, *parts: str | None) -> str | None:
        """A name-keyed token: None unless the name key and every part are known."""
        if key is None or None in parts:
            return None
        return self._token(column, "|".join((key, *(p for p in parts if p is not None))))

    def tokens(self, person: Identity) -> dict[str, str | None]:
        """All token columns for one identity (null where an input is missing)."""
        dob = person.dob
        complete = dob.complete if dob else None
        swapped = dob.swapped if dob else None
        name = joined_full_name(person)
        key = name_key(person)
        year = str(dob.year) if dob else None
        month = str(dob.month) if dob and dob.month else None
        day = str(dob.day) if dob and dob.day else None
        place = place_key(person.place_of_birth)
        return {
            "tok_bsn": self.token("tok_bsn", person.bsn),
            "tok_name_dob": self.token("tok_name_dob", f"{name}|{complete.isoformat()}")
            if name and complete
            else None,
            "tok_dob": self.token("tok_dob", complete.isoformat() if complete else None),
            "tok_dob_swapped": self.token(
                "tok_dob_swapped", swapped.isoformat() if swapped else None
            ),
            "tok_name_ym": self._keyed("tok_name_ym", key, year, month),
            "tok_name_yd": self._keyed("tok_name_yd", key, year, day),
            "tok_name_md": self._keyed("tok_name_md", key, month, day),
            "tok_name_pob": self._keyed("tok_name_pob", key, place),
            "tok_pob_dob": self.token("tok_pob_dob", f"{place}|{complete.isoformat()}")
            if place and complete
            else None,
            "tok_address": self.token(
                "tok_address", person.address.exact_key if person.address else None
            ),
        }
