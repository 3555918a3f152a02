from __future__ import annotations

import contextlib
import datetime as dt
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from zichtbaar.encode import normalise
from zichtbaar.encode.normalise import DateOfBirth, DateOfBirthError

TODAY = dt.date(2025, 6, 1)
names = st.text(
    alphabet=st.characters(categories=("L", "Zs", "Pd", "Po", "Mn")), min_size=1, max_size=30
)


# --------------------------------------------------------------------------- names
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Владимир", "vladimir"),
        ("Αλέξανδρος", "alexandros"),
        ("Ñúñez-García", "nunez garcia"),
        ("Dr. Anne-Marie", "anne marie"),
        ("  JOSÉ   maría ", "jose maria"),
        ("王小明", "wangxiaoming"),
        ("Łukasz", "lukasz"),
        ("Dr", "dr"),  # a title that is the whole name is kept
    ],
)
def test_given_names(raw: str, expected: str) -> None:
    assert normalise.given_names(raw) == expected


@pytest.mark.parametrize(
    ("raw", "core", "particles"),
    [
        ("van der Berg", "berg", "van der"),
        ("Berg, van der", "berg", "van der"),
        ("VAN DEN BROEK", "broek", "van den"),
        ("in 't Veld", "veld", "in t"),
        ("op de Beek", "beek", "op de"),
        ("ter Horst", "horst", "ter"),
        ("Jansen-van der Berg", "jansen berg", "van der"),
        ("de Vries", "vries", "de"),
        ("Dijk", "dijk", ""),
        ("O'Brien", "obrien", ""),
        ("Van", "van", ""),  # only particles: kept as the core
        ("El-Amrani", "amrani", "el"),
    ],
)
def test_surname_particles(raw: str, core: str, particles: str) -> None:
    s = normalise.surname(raw)
    assert s is not None
    assert (s.core, s.particles) == (core, particles)


def test_surname_particle_variants_share_core() -> None:
    forms = ["van der Berg", "Berg", "v.d. Berg", "Berg, van der", "VAN DER BERG", "vd Berg"]
    cores = {s.core for f in forms if (s := normalise.surname(f))}
    assert cores == {"berg"}


@given(names)
def test_fold_idempotent(text: str) -> None:
    once = normalise.fold(text)
    assert normalise.fold(once) == once


@given(names)
def test_names_idempotent(text: str) -> None:
    g = normalise.given_names(text)
    if g is not None:
        assert normalise.given_names(g) == g
    s = normalise.surname(text)
    if s is not None:
        again = normalise.surname(s.full)
        assert again == s


@given(names)
def test_invariant_to_case_whitespace_punctuation(text: str) -> None:
    base = normalise.given_names(text)
    assert normalise.given_names(text.upper()) == normalise.given_names(text.lower()) or (
        # a few letters (e.g. dotless i, ß) fold differently under upper(); compare folded forms
        normalise.fold(text.upper()) != normalise.fold(text.lower())
    )
    assert normalise.given_names(f"  {text}\t ") == base
    assert normalise.given_names(text.replace(" ", " . ")) == base


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20))
def test_invariant_to_diacritics(text: str) -> None:
    accented = "".join(c + "\u0301" if c.isalpha() else c for c in text)  # combining acute
    assert normalise.fold(unicodedata.normalize("NFC", accented)) == normalise.fold(text)
    assert normalise.fold(text.upper()) == normalise.fold(text)


@given(names)
def test_output_is_plain_ascii(text: str) -> None:
    out = normalise.fold(text)
    assert all(c.isascii() and (c.isalnum() or c == " ") for c in out)
    assert "  " not in out


def test_place() -> None:
    assert normalise.place("Lagos (Nigeria)") == normalise.place("LAGOS, Nigeria") == "lagos"
    assert normalise.place("'s-Hertogenbosch") == "s hertogenbosch"
    assert normalise.place("  ") is None


# --------------------------------------------------------------------------- BSN
def _valid_bsn(prefix: int) -> str | None:
    digits = f"{prefix:08d}"
    total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    last = total % 11
    return None if last == 10 else digits + str(last)


@given(st.integers(min_value=1_000_000, max_value=99_999_999))
def test_bsn_round_trip(prefix: int) -> None:
    bsn = _valid_bsn(prefix)
    assume(bsn is not None)
    assert bsn is not None
    assert normalise.bsn(bsn) == bsn
    assert normalise.bsn(f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}") == bsn
    assert normalise.bsn(f" {bsn[:3]} {bsn[3:6]} {bsn[6:]} ") == bsn
    # a single changed digit always breaks the 11-check
    wrong = bsn[:-1] + str((int(bsn[-1]) + 1) % 10)
    assert normalise.bsn(wrong) is None


def test_bsn_invalid_and_leading_zero() -> None:
    assert normalise.bsn("111222333") == "111222333"
    assert normalise.bsn("123456789") is None
    assert normalise.bsn("000000000") is None
    assert normalise.bsn("12345") is None
    assert normalise.bsn("abcdefghi") is None
    # spreadsheets drop a leading zero
    zero = _valid_bsn(1234567)
    assert zero is not None and zero.startswith("0")
    assert normalise.bsn(zero.lstrip("0")) == zero


# --------------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    "raw",
    [
        "1990-03-04",
        "04-03-1990",
        "4-3-1990",
        "04/03/1990",
        "04.03.1990",
        "19900304",
        "04031990",
        "1990/03/04",
        "4 maart 1990",
        "4 March 1990",
        "04-03-90",
        "1990-03-04 00:00:00",
    ],
)
def test_date_formats(raw: str) -> None:
    assert normalise.date_of_birth(raw, TODAY) == DateOfBirth(1990, 3, 4)


def test_date_ambiguity_day_first_and_unambiguous_month_first() -> None:
    assert normalise.date_of_birth("03/04/1990", TODAY) == DateOfBirth(1990, 4, 3)
    assert normalise.date_of_birth("04/25/1990", TODAY) == DateOfBirth(1990, 4, 25)


def test_partial_dates() -> None:
    assert normalise.date_of_birth("00-00-1990", TODAY) == DateOfBirth(1990)
    assert normalise.date_of_birth("00-07-1990", TODAY) == DateOfBirth(1990, 7)
    assert normalise.date_of_birth("1990", TODAY) == DateOfBirth(1990)
    assert normalise.date_of_birth("", TODAY) is None
    assert normalise.date_of_birth(None, TODAY) is None


@pytest.mark.parametrize(
    "raw",
    [
        "31-02-1990",
        "30/02/2000",
        "1990-13-01",
        "32-01-1990",
        "01-01-2030",
        "01-01-1850",
        "yesterday",
        "12-00-1990",
        "1990-3",
        "29-02-2001",
    ],
)
def test_impossible_dates_rejected_without_value_in_message(raw: str) -> None:
    with pytest.raises(DateOfBirthError) as info:
        normalise.date_of_birth(raw, TODAY)
    assert raw not in str(info.value)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_date_round_trips(date: dt.date) -> None:
    expected = DateOfBirth(date.year, date.month, date.day)
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%Y%m%d", "%d.%m.%Y", "%d/%m/%Y"):
        assert normalise.date_of_birth(date.strftime(fmt), TODAY) == expected
    assert normalise.date_of_birth(f"{date.day}-{date.month}-{date.year}", TODAY) == expected
    # the normalised form parses back to itself (idempotence)
    assert normalise.date_of_birth(expected.iso(), TODAY) == expected
    assert expected.complete == date


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_swapped(date: dt.date) -> None:
    dob = DateOfBirth(date.year, date.month, date.day)
    if date.day <= 12:
        assert dob.swapped == dt.date(date.year, date.day, date.month)
    else:
        assert dob.swapped is None


@given(st.text(max_size=40))
def test_never_crash_on_arbitrary_text(text: str) -> None:
    normalise.given_names(text)
    normalise.surname(text)
    normalise.place(text)
    normalise.bsn(text)
    try:
        result = normalise.date_of_birth(text, TODAY)
    except DateOfBirthError as exc:
        assert text.strip() not in str(exc) or len(text.strip()) < 4
    else:
        assert result is None or isinstance(result, DateOfBirth)


@given(st.text(alphabet="0123456789-/. ", max_size=12))
def test_dates_from_digit_soup_are_real_or_rejected(text: str) -> None:
    try:
        result = normalise.date_of_birth(text, TODAY)
    except DateOfBirthError:
        return
    if result is not None and result.complete is not None:
        assert dt.date(1900, 1, 1) <= result.complete <= TODAY


@given(st.text(alphabet=st.characters(categories=("Nd", "No", "Pd", "Zs")), max_size=12))
def test_any_script_digits_never_crash(text: str) -> None:
    assert normalise.bsn(text) is None or len(normalise.bsn(text) or "") == 9
    with contextlib.suppress(DateOfBirthError):
        normalise.date_of_birth(text, TODAY)


def test_digits_of_other_scripts() -> None:
    assert normalise.bsn("१११२२२३३३") == "111222333"  # Devanagari
    assert normalise.date_of_birth("١٩٩٠-٠٣-٠٤", TODAY) == DateOfBirth(1990, 3, 4)  # Arabic-Indic
