"""The address (encoding schema 3.2): normalisation, the address token and the address filter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zichtbaar.encode import normalise
from zichtbaar.encode.bloom import BloomEncoder, dice
from zichtbaar.encode.identity import Address, address, identity
from zichtbaar.encode.keys import new_key
from zichtbaar.encode.schema import default_schema
from zichtbaar.encode.tokens import Tokeniser

KEY = new_key()
digits = st.integers(min_value=1, max_value=99999)
letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=0, max_size=3)
separators = st.sampled_from(["", " ", "-", "  ", " - "])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1234 AB", "1234ab"), ("1234ab", "1234ab"), (" 1234-AB ", "1234ab"), ("SW1A 1AA", "sw1a1aa")],
)
def test_postcode(raw: str, expected: str) -> None:
    assert normalise.postcode(raw) == expected


@given(number=digits, suffix=letters, sep=separators, zeros=st.integers(0, 2), upper=st.booleans())
def test_house_number_writings_agree(
    number: int, suffix: str, sep: str, zeros: int, upper: bool
) -> None:
    written = "0" * zeros + str(number) + sep + (suffix.upper() if upper else suffix)
    found = normalise.house_number(written)
    assert found == (f"{number} {suffix}" if suffix else str(number))
    assert normalise.house_number_digits(found) == str(number)


def test_house_number_without_digits_is_text_without_digits() -> None:
    assert normalise.house_number("bis") == "bis"
    assert normalise.house_number_digits("bis") is None
    assert normalise.house_number("  ") is None
    assert normalise.house_number_digits(None) is None


@given(st.text(max_size=40))
def test_postcode_and_house_number_never_fail(raw: str) -> None:
    for value in (normalise.postcode(raw), normalise.house_number(raw)):
        assert value is None or (value.strip() == value and value != "")


def test_address_is_none_without_any_part() -> None:
    assert address() is None
    assert address(street="  ", postcode="") is None
    assert address(residence="Delft") == Address(residence="delft")


def test_address_key_needs_postcode_and_number() -> None:
    assert address("Kerkstraat", "12a", "1234 AB").exact_key == "1234ab|12"  # type: ignore[union-attr]
    assert address("Kerkstraat", None, "1234 AB").exact_key is None  # type: ignore[union-attr]
    assert address("Kerkstraat", "12", None).exact_key is None  # type: ignore[union-attr]


def _person(**parts: str | None) -> object:
    return identity("Anna", "Jansen", "1990-04-03", home=address(**parts))


def test_address_token_ignores_writing_and_addition() -> None:
    t = Tokeniser(KEY)
    a = t.tokens(identity("Anna", "Jansen", home=address("Kerkstraat", "12", "1234 AB")))
    b = t.tokens(identity("Anne", "Smit", home=address("Kerkstr.", "12-II", "1234ab", "Delft")))
    c = t.tokens(identity("Anna", "Jansen", home=address("Kerkstraat", "14", "1234 AB")))
    assert a["tok_address"] is not None and a["tok_address"] == b["tok_address"]
    assert c["tok_address"] != a["tok_address"]
    # a different key gives a different token: the hub cannot compute it
    assert Tokeniser(new_key()).tokens(identity(home=address("Kerkstraat", "12", "1234 AB")))[
        "tok_address"
    ] not in (None, a["tok_address"])


def test_address_filter_compares_addresses_and_nothing_else() -> None:
    enc = BloomEncoder(KEY, default_schema(), "bloom_address")
    home = address("Kerkstraat", "12", "1234 AB", "Utrecht")
    typo = address("Kerkstrat", "12", "1234 AB", "Utrecht")
    other = address("Stationsweg", "381", "9876 ZX", "Groningen")
    same, elsewhere_named, with_typo, different, none = enc.encode(
        [
            identity("Anna", "Jansen", "1990-04-03", home=home),
            identity("Piet", "de Vries", "1961-01-01", home=home),
            identity("Anna", "Jansen", "1990-04-03", home=typo),
            identity("Anna", "Jansen", "1990-04-03", home=other),
            identity("Anna", "Jansen", "1990-04-03"),
        ]
    )
    assert same == elsewhere_named  # the filter holds the address only
    assert none is None  # no address: no filter, never an empty one
    assert same is not None and with_typo is not None and different is not None
    assert dice(same, with_typo) > 0.6 > 0.45 > dice(same, different)


def test_address_filter_is_keyed_apart_from_the_name_filter() -> None:
    schema = default_schema()
    names = BloomEncoder(KEY, schema)
    homes = BloomEncoder(KEY, schema, "bloom_address")
    person = identity("Anna", "Jansen", home=address("Kerkstraat", "12", "1234 AB"))
    # one key, two filters: their bits come from other sub-keys and permutations
    name_filter, home_filter = names.encode([person])[0], homes.encode([person])[0]
    assert name_filter is not None and home_filter is not None
    assert (names._permutation != homes._permutation).any()
    assert BloomEncoder(new_key(), schema, "bloom_address").encode([person])[0] != home_filter


def test_schema_without_address_fields_has_no_address_filter() -> None:
    schema = default_schema().model_copy(update={"address_fields": ()})
    enc = BloomEncoder(KEY, schema, "bloom_address")
    assert enc.encode([identity("Anna", home=address("Kerkstraat", "12", "1234 AB"))]) == [None]
