"""Schema 3.3: the filters of the given names and of the surname, each its own evidence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zichtbaar.encode.bloom import BloomEncoder, dice, qgrams
from zichtbaar.encode.identity import identity
from zichtbaar.encode.keys import new_key
from zichtbaar.encode.schema import default_schema

KEY = new_key()
SCHEMA = default_schema()
GIVEN = BloomEncoder(KEY, SCHEMA, "bloom_given")
SURNAME = BloomEncoder(KEY, SCHEMA, "bloom_surname")
WHOLE = BloomEncoder(KEY, SCHEMA)


def _plain(word: str) -> bool:
    """A word the normaliser keeps as it is, as a given name and as a surname (not a title, a
    particle or a placeholder such as "nn")."""
    person = identity(word, word)
    return person.given_names == word and person.surname is not None and person.surname.full == word


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9).filter(_plain)


def _one(encoder: BloomEncoder, given_names: str | None, surname: str | None) -> bytes | None:
    return encoder.encode([identity(given_names, surname, "1990-03-04")])[0]


@settings(max_examples=60, deadline=None)
@given(first=_word, middle=_word, surname=_word)
def test_a_middle_initial_agrees_with_the_full_middle_name(
    first: str, middle: str, surname: str
) -> None:
    """One register writes "John Robert", another "John R.": the given-name filter keeps the
    first name whole and the others by their initial, so the two filters are identical."""
    if identity(f"{first} {middle}").given_names != f"{first} {middle}":
        return  # a title ("ing", "dr"): dropped beside another given name
    full = _one(GIVEN, f"{first} {middle}", surname)
    assert full is not None and full == _one(GIVEN, f"{first} {middle[0]}", surname)


@settings(max_examples=60, deadline=None)
@given(first=_word, surname=_word, other=_word)
def test_each_part_is_its_own_evidence(first: str, surname: str, other: str) -> None:
    """A changed surname leaves the given-name filter as it was (and the other way round),
    where the whole-name filter drops for both."""
    if identity(first, other).surname == identity(first, surname).surname:
        return  # the same surname once normalised (a particle, a placeholder)
    assert _one(GIVEN, first, surname) == _one(GIVEN, first, other)
    assert _one(SURNAME, surname, first) == _one(SURNAME, other, first)
    whole, changed = _one(WHOLE, first, surname), _one(WHOLE, first, other)
    assert whole is not None and changed is not None
    if set(qgrams(surname, 2)) != set(qgrams(other, 2)):  # "aa" and "aaa" have one bigram set
        assert dice(whole, changed) < 1.0


def test_a_missing_part_has_no_filter_and_a_swap_is_visible() -> None:
    assert _one(GIVEN, None, "jansen") is None and _one(SURNAME, "jan", None) is None
    # the same word as a given name and as a surname gives the same filter (shared sub-keys),
    # so a given name and surname written the other way round can be compared crosswise
    assert _one(GIVEN, "jansen", "x") == _one(SURNAME, "x", "jansen")
    assert _one(GIVEN, "jansen", "x") != _one(WHOLE, "jansen", None)
    assert _one(GIVEN, "jan", "de vries") == _one(GIVEN, "Jan", "Vries, de")
    assert _one(SURNAME, "jan", "de vries") == _one(SURNAME, "piet", "vries")  # particles go


def test_a_package_of_schema_3_2_has_no_part_filters() -> None:
    old = SCHEMA.model_copy(update={"version": "3.2", "given_fields": (), "surname_fields": ()})
    assert BloomEncoder(KEY, old, "bloom_given").encode([identity("jan", "jansen")]) == [None]


def test_a_part_can_share_its_filter_only_with_the_same_date_of_birth() -> None:
    """``part_flip_seed`` "date" (not the default, docs/encoding.md): the hub cannot count a
    surname's rows, only those of a surname with one date of birth."""
    dated = SCHEMA.model_copy(
        update={"hardening_params": {**SCHEMA.hardening_params, "part_flip_seed": "date"}}
    )
    encoder = BloomEncoder(KEY, dated, "bloom_given")
    one = encoder.encode(
        [identity("jan", "smit", "1990-03-04"), identity("jan", "bos", "1990-03-04")]
    )
    other = encoder.encode([identity("jan", "smit", "1991-03-04")])
    assert one[0] == one[1] and one[0] != other[0]
    assert one[0] is not None and other[0] is not None and 0.3 < dice(one[0], other[0]) < 0.9
    # by default a part's filter is the same whatever the date
    assert _one(GIVEN, "jan", "smit") == GIVEN.encode([identity("jan", "bos", "1991-03-04")])[0]
    # the whole-name filter keeps the schema's own seed
    whole = BloomEncoder(KEY, dated)
    assert whole.encode([identity("jan", "smit", "1990-03-04")]) == whole.encode(
        [identity("jan", "smit", "1991-03-04")]
    )
