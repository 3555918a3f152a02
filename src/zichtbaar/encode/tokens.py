"""Keyed tokens: HMAC-SHA256 of normalised exact keys, one HKDF sub-key per token type.

A plain hash of a BSN or a date of birth protects nothing (all ~91 million valid BSNs hash in
seconds); the HMAC key is the linkage secret, which the hub never holds.
"""

from __future__ import annotations

import hmac
from functools import lru_cache

from zichtbaar.encode import normalise
from zichtbaar.encode.identity import Identity
from zichtbaar.encode.keys import LinkageKey

TOKEN_COLUMNS: tuple[str, ...] = (
    "tok_bsn",
    "tok_name_dob",
    "tok_dob",
    "tok_dob_swapped",
    "tok_yob",
    "tok_mob",
    "tok_dob_day",
    "tok_pob",
)
"""The token columns of ``standard.models.EncodedIdentity``, in order."""

# tok_dob and tok_dob_swapped share a purpose on purpose: a swapped date must equal the other
# record's plain date token.
_PURPOSE = {
    "tok_bsn": "token/bsn",
    "tok_name_dob": "token/name_dob",
    "tok_dob": "token/dob",
    "tok_dob_swapped": "token/dob",
    "tok_yob": "token/yob",
    "tok_mob": "token/mob",
    "tok_dob_day": "token/dob_day",
    "tok_pob": "token/pob",
}


def place_key(place: str | None) -> str | None:
    """The place of birth as its words' consonant skeletons: "Kharkiv" and "Charkiw" (German
    habit) are one place, while a place of vowels only keeps its folded spelling."""
    if place is None:
        return None
    return " ".join(normalise.name_skeleton(w) or w for w in place.split())


class Tokeniser:
    """Computes the token columns for identities under one linkage key."""

    def __init__(self, key: LinkageKey) -> None:
        self.key_id = key.key_id
        self._keys = {column: key.subkey(purpose) for column, purpose in _PURPOSE.items()}
        # small vocabularies (years, months, days, places) repeat constantly: cache them
        self._cached = lru_cache(maxsize=1 << 16)(self._token)

    def _token(self, column: str, value: str) -> str:
        return hmac.digest(self._keys[column], value.encode("utf-8"), "sha256").hex()

    def token(self, column: str, value: str | None) -> str | None:
        """The token of one normalised value for one column; None for a missing value."""
        if value is None:
            return None
        if column in ("tok_bsn", "tok_name_dob"):  # unique values: caching would only cost memory
            return self._token(column, value)
        return self._cached(column, value)

    def tokens(self, person: Identity) -> dict[str, str | None]:
        """All token columns for one identity (null where an input is missing)."""
        dob = person.dob
        complete = dob.complete if dob else None
        swapped = dob.swapped if dob else None
        name = person.full_name
        return {
            "tok_bsn": self.token("tok_bsn", person.bsn),
            "tok_name_dob": self.token("tok_name_dob", f"{name}|{complete.isoformat()}")
            if name and complete
            else None,
            "tok_dob": self.token("tok_dob", complete.isoformat() if complete else None),
            "tok_dob_swapped": self.token(
                "tok_dob_swapped", swapped.isoformat() if swapped else None
            ),
            "tok_yob": self.token("tok_yob", str(dob.year) if dob else None),
            "tok_mob": self.token("tok_mob", str(dob.month) if dob and dob.month else None),
            "tok_dob_day": self.token("tok_dob_day", str(dob.day) if dob and dob.day else None),
            "tok_pob": self.token("tok_pob", place_key(person.place_of_birth)),
        }
