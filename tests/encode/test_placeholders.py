"""Placeholder names are sent as missing (``encode/placeholders.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zichtbaar.encode import normalise
from zichtbaar.encode.bloom import BloomEncoder
from zichtbaar.encode.identity import identity
from zichtbaar.encode.keys import new_key
from zichtbaar.encode.placeholders import ALL_PLACEHOLDERS, PLACEHOLDERS, is_placeholder
from zichtbaar.encode.schema import default_schema
from zichtbaar.encode.tokens import Tokeniser

TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    "raw",
    [
        "Baby",
        "BABY BOY",
        "Child",
        "Doe",
        "John Doe",
        "Unknown",
        "Not Known",
        "NK",
        "Onbekend",
        "onbekende",
        "N.N.",
        "NN",
        "Last Name",
        "Apellido",
        "Desconocido",
        "Necunoscut",
        "Неизвестно",
        "مجهول",
        "X",
        "J.",
        "j. a.",
        "  -  ",
        "Mr X",
    ],
)
def test_placeholder_is_missing(raw: str) -> None:
    assert normalise.given_names(raw) is None
    assert normalise.surname(raw) is None


@pytest.mark.parametrize(
    ("raw", "given"),
    [
        ("Babette", "babette"),
        ("Baby Ann", "baby ann"),
        ("John A", "john a"),
        ("Anne-Marie", "anne marie"),
        ("Li", "li"),
        ("Kindra", "kindra"),
        ("Nona", "nona"),
    ],
)
def test_real_names_kept(raw: str, given: str) -> None:
    assert normalise.given_names(raw) == given


def test_surname_with_particles_only_is_kept() -> None:
    s = normalise.surname("van der")
    assert s is not None and s.core == "van der"


def test_every_language_listed_and_folded() -> None:
    assert "nl" in PLACEHOLDERS and len(PLACEHOLDERS) >= 10
    for phrase in ALL_PLACEHOLDERS:
        assert normalise.fold(phrase) == phrase  # listed as fold leaves them
        assert is_placeholder(phrase)


@given(st.sampled_from(sorted(ALL_PLACEHOLDERS)), st.sampled_from(["", " ", ".", "-", "  "]))
def test_placeholder_any_case_and_punctuation(phrase: str, noise: str) -> None:
    raw = noise + phrase.upper().replace(" ", f" {noise}") + noise
    assert normalise.given_names(raw) is None
    assert normalise.surname(raw) is None


@given(
    st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10).filter(
            lambda w: w not in normalise.TITLES
        ),
        min_size=1,
        max_size=3,
    )
)
def test_only_listed_phrases_or_initials_dropped(words: list[str]) -> None:
    text = " ".join(words)
    expected = None if text in ALL_PLACEHOLDERS else text
    got = normalise.given_names(text)
    assert got == expected


def test_placeholder_name_reaches_the_hub_as_null() -> None:
    key = new_key()
    both = identity("Unknown", "NN", "2001-02-03", today=TODAY)
    assert both.given_names is None and both.surname is None
    assert BloomEncoder(key, default_schema()).encode([both]) == [
        None
    ]  # no filter, not an empty one
    tokens = Tokeniser(key).tokens(both)
    assert tokens["tok_name_dob"] is None and tokens["tok_name_ym"] is None
    assert tokens["tok_dob"] is not None
    one = identity("Baby", "Jansen", "2001-02-03", today=TODAY)
    assert one.given_names is None and one.surname is not None
    assert BloomEncoder(key, default_schema()).encode([one])[0] is not None
    empty = identity("", "", "2001-02-03", today=TODAY)
    assert BloomEncoder(key, default_schema()).encode([empty]) == [None]
