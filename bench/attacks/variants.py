"""Encoder variants the bench measures but the encoder no longer ships (that lives in ``src/``).

``FilterSeededFlipEncoder``: ``bit_flip`` seeded by the filter alone, the way schema 3.0 ships it
(``flip_seed`` "filter") but for a v2 schema file, which has no ``flip_seed`` and so is seeded by
the whole identity. It shows what the identity salt bought under v2.

``LegacyTokeniser``: the token set of schemas 1.0 and 2.0, which sent year, month, day and place
of birth as tokens of their own (``tok_yob``, ``tok_mob``, ``tok_dob_day``, ``tok_pob``). Schema
3.0 dropped them because decoded by rank they named 31 % of records; the bench keeps them so
that the v1/v2 rows of the table stay measurable and comparable.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from zichtbaar.encode.bloom import BloomEncoder, BoolMatrix
from zichtbaar.encode.identity import Identity
from zichtbaar.encode.keys import LinkageKey
from zichtbaar.encode.tokens import Tokeniser, place_key

LEGACY_COLUMNS = ("tok_bsn", "tok_name_dob", "tok_dob", "tok_dob_swapped")
"""The columns schema 3.0 kept unchanged (same value, same sub-key purpose)."""
_LEGACY_PURPOSE = {
    "tok_yob": "token/yob",
    "tok_mob": "token/mob",
    "tok_dob_day": "token/dob_day",
    "tok_pob": "token/pob",
}


class FilterSeededFlipEncoder(BloomEncoder):
    """The shipped encoder with the per-record salt of the bit flip left out."""

    def harden(self, raw: BoolMatrix, salts: Sequence[bytes] | None = None) -> BoolMatrix:
        return super().harden(raw, None)


class LegacyTokeniser:
    """The token columns of schemas 1.0/2.0: the kept ones from the shipped ``Tokeniser``, the
    four stand-alone attribute tokens as HMAC of ``str(value)`` under their own sub-keys."""

    def __init__(self, key: LinkageKey) -> None:
        self._current = Tokeniser(key)
        self._keys = {column: key.subkey(purpose) for column, purpose in _LEGACY_PURPOSE.items()}

    def _token(self, column: str, value: object | None) -> str | None:
        if value is None:
            return None
        return hmac.digest(self._keys[column], str(value).encode("utf-8"), "sha256").hex()

    def tokens(self, person: Identity) -> dict[str, str | None]:
        kept = self._current.tokens(person)
        dob = person.dob
        return {
            **{c: kept[c] for c in LEGACY_COLUMNS},
            "tok_yob": self._token("tok_yob", dob.year if dob else None),
            "tok_mob": self._token("tok_mob", dob.month if dob and dob.month else None),
            "tok_dob_day": self._token("tok_dob_day", dob.day if dob and dob.day else None),
            "tok_pob": self._token("tok_pob", place_key(person.place_of_birth)),
        }
