"""Normalisation of identifiers before encoding.

Two organisations write the same person differently ("Dr. Anne-Marie van der Berg", "BERG, Anne
Marie vd", "Анна Берг"); a keyed encoding can only match what normalisation made equal. The rules
follow Dutch registration practice: surname particles (voorvoegsels) are split off because they are
recorded inconsistently, dates are read day-first, a BSN must pass the 11-check, and every script is
transliterated to Latin so the q-grams of the Bloom filter are comparable across alphabets.

Every function here is idempotent: normalising a normalised value returns it unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from zichtbaar.encode.placeholders import is_placeholder

# Titles and honorifics carry no identity; dropped only when other words remain, so that a person
# whose name *is* one of these words keeps it.
TITLES = frozenset(
    [
        "dr",
        "drs",
        "mr",
        "ir",
        "ing",
        "prof",
        "ds",
        "dhr",
        "mevr",
        "mw",
        "mevrouw",
        "heer",
        "jhr",
        "jkvr",
        "bc",
        "msc",
        "bsc",
        "phd",
        "llm",
        "llb",
        "jr",
        "sr",
        "mrs",
        "mister",
        "miss",
        "ms",
    ]
)

# Dutch (and neighbouring) surname particles; "t" and "s" are "'t" and "'s" after apostrophe removal.
PARTICLES = frozenset(
    [
        "van",
        "de",
        "der",
        "den",
        "het",
        "t",
        "s",
        "ter",
        "ten",
        "te",
        "in",
        "op",
        "aan",
        "bij",
        "uit",
        "onder",
        "over",
        "voor",
        "vd",
        "v",
        "d",
        "la",
        "le",
        "les",
        "du",
        "des",
        "da",
        "di",
        "del",
        "della",
        "dello",
        "dos",
        "das",
        "do",
        "von",
        "vom",
        "zu",
        "zum",
        "zur",
        "am",
        "al",
        "el",
    ]
)

_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PARENTHESES = re.compile(r"\([^)]*\)")


def fold(text: str) -> str:
    """NFKC, transliterate any script to ASCII, fold case and diacritics, drop punctuation.

    anyascii does the transliteration (Cyrillic, Greek, Arabic, CJK, ...) and folds diacritics;
    apostrophes are removed without a space so that "O'Brien" equals "OBrien".
    """
    text = unicodedata.normalize("NFKC", text)
    text = anyascii(text).lower()
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_ALNUM.sub(" ", text).split())


@lru_cache(maxsize=1 << 16)
def given_names(raw: str | None) -> str | None:
    """Normalised given names: folded words, titles removed, hyphenated names split into words;
    None for a placeholder ("Baby", "Onbekend", a single letter: ``placeholders.py``)."""
    if raw is None:
        return None
    text = " ".join(_without_titles(fold(raw).split()))
    return None if is_placeholder(text) else text


@dataclass(frozen=True)
class Surname:
    """A surname split Dutch-style into its particles and its core ("van der" + "berg")."""

    core: str
    particles: str

    @property
    def full(self) -> str:
        """Particles and core as one string, as the name is usually written."""
        return f"{self.particles} {self.core}".strip()


@lru_cache(maxsize=1 << 16)
def surname(raw: str | None) -> Surname | None:
    """Split a surname into particles and core.

    Handles the register form "Berg, van der", double surnames ("Jansen-van der Berg": every
    particle goes to the particle part, so the core is "jansen berg") and a surname that consists
    of particles only (kept as the core).
    """
    if raw is None:
        return None
    text = raw
    if "," in text:
        # "Berg, van der" -> "van der Berg"; a trailing part that is not all particles is kept.
        head, _, tail = text.partition(",")
        tail_words = fold(tail).split()
        text = f"{tail} {head}" if all(w in PARTICLES for w in tail_words) else f"{head} {tail}"
    words = _without_titles(fold(text).split())
    if is_placeholder(" ".join(words)):  # also no words at all
        return None
    core = [w for w in words if w not in PARTICLES]
    if not core:
        return Surname(core=" ".join(words), particles="")
    particles = [w for w in words if w in PARTICLES]
    return Surname(core=" ".join(core), particles=" ".join(particles))


@lru_cache(maxsize=1 << 14)
def place(raw: str | None) -> str | None:
    """Normalised place of birth: parenthetical remarks and anything after a comma dropped.

    "Lagos (Nigeria)" and "Lagos, Nigeria" both become "lagos".
    """
    if raw is None:
        return None
    text = _PARENTHESES.sub(" ", raw).split(",", 1)[0]
    return fold(text) or None


def postcode(raw: str | None) -> str | None:
    """A postcode without spaces or punctuation: "1234 AB", "1234ab" and "1234-AB" are one."""
    if raw is None:
        return None
    return fold(raw).replace(" ", "") or None


_HOUSE_NUMBER = re.compile(r"^(\d+)\s*(.*)$")


def house_number(raw: str | None) -> str | None:
    """A house number as its digits without leading zeros, then any addition as one word.

    "12A", "12 a", "12-a" and "012a" are all "12 a"; a number without digits is kept as folded
    text (the address filter still compares it, ``house_number_digits`` has none).
    """
    if raw is None:
        return None
    text = fold(_ascii_digits(raw))
    found = _HOUSE_NUMBER.match(text)
    if not found:
        return text or None
    digits, addition = found.groups()
    digits = digits.lstrip("0") or "0"
    addition = addition.replace(" ", "")
    return f"{digits} {addition}" if addition else digits


def house_number_digits(number: str | None) -> str | None:
    """The digits of a normalised house number: additions ("a", "2hoog", "bis") are written
    too inconsistently to be part of the exact address token."""
    if number is None:
        return None
    head = number.split(" ", 1)[0]
    return head if head.isdigit() else None


def street(raw: str | None) -> str | None:
    """A street (and any further address line) folded to words."""
    return None if raw is None else fold(raw) or None


def residence(raw: str | None) -> str | None:
    """Place of residence: as a place of birth (parenthetical remarks, text after a comma go)."""
    return place(raw)


_KH = re.compile(r"kh")
_T_BEFORE_SIBILANT = re.compile(r"t+(?=s)")
_SKELETON_MAP = str.maketrans({"c": "s", "z": "s", "w": "v", "h": None})
_VOWEL_LIKE = re.compile(r"[aeiouyj]")
_RUNS = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def name_skeleton(word: str) -> str:
    """A folded word's consonant skeleton, equal across the usual Latin transliterations.

    One Cyrillic name reaches the hub as "Shcherbakova" (passport), "Schtscherbakowa" (German) or
    "Chtcherbakova" (French); their q-grams barely overlap. The skeleton keeps what the habits
    agree on: "kh" becomes "k", other "h" go, the sibilants c/s/z become "s", "w" becomes "v",
    vowels and the glides j/y go, a "t" before a sibilant merges into it, and doubled letters
    collapse -- all three spellings above become "srbkv". Known misses: German "ch" for х, French
    "j" for ж. Hand-written because phonetic libraries (Soundex, Metaphone) target English
    spelling, not transliteration habits. Empty for a word of vowels only.
    """
    text = _VOWEL_LIKE.sub("", _KH.sub("k", word).translate(_SKELETON_MAP))
    return _RUNS.sub(r"\1", _T_BEFORE_SIBILANT.sub("", text))


def _without_titles(words: list[str]) -> list[str]:
    kept = [w for w in words if w not in TITLES]
    return kept if kept else words


# --------------------------------------------------------------------------- BSN
def bsn_is_valid(digits: str) -> bool:
    """The 11-check ("elfproef") of a 9-digit citizen service number."""
    if len(digits) != 9 or not (digits.isascii() and digits.isdigit()) or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def bsn(raw: str | None) -> str | None:
    """The 9 digits of a valid BSN, or None when missing or invalid.

    Spaces, dots and dashes are removed; an 8-digit number gets its leading zero back, because
    spreadsheets drop it.
    """
    if raw is None:
        return None
    digits = re.sub(r"[\s.\-]", "", _ascii_digits(raw))
    if len(digits) == 8 and digits.isascii() and digits.isdigit():
        digits = "0" + digits
    return digits if bsn_is_valid(digits) else None


# --------------------------------------------------------------------------- dates
class DateOfBirthError(ValueError):
    """A date of birth that cannot be read or cannot exist (the message never holds the value)."""


@dataclass(frozen=True, order=True)
class DateOfBirth:
    """A possibly partial date of birth: Dutch registers write an unknown day or month as 00."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def complete(self) -> dt.date | None:
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    @property
    def swapped(self) -> dt.date | None:
        """Day and month swapped, when that is a real date (the commonest keying error)."""
        if self.month is None or self.day is None:
            return None
        try:
            return dt.date(self.year, self.day, self.month)
        except ValueError:
            return None

    def iso(self) -> str:
        """YYYY-MM-DD with 00 for unknown parts (the normalised form; parses back to itself)."""
        return f"{self.year:04d}-{self.month or 0:02d}-{self.day or 0:02d}"


MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
        )
    },
    **{
        m: i
        for i, m in enumerate(
            ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"], 1
        )
    },
    "maa": 3,
    "sept": 9,
}

_SEP = r"[-/. ]"
_ISO = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})$", re.ASCII)
_DMY = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{2}}|\d{{4}})$", re.ASCII)
_TEXT_MONTH = re.compile(r"^(\d{1,2}) ([a-z]+) (\d{4})$", re.ASCII)
_TIME_SUFFIX = re.compile(r"[ T]00:00(:00(\.0+)?)?$", re.ASCII)
EARLIEST_YEAR = 1900


def date_of_birth(raw: str | None, today: dt.date | None = None) -> DateOfBirth | None:
    """Parse a date of birth in the usual Dutch and international forms.

    Accepted: YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, DD-MM-YYYY, D-M-YYYY, DD/MM/YYYY, DD.MM.YYYY,
    DDMMYYYY, two-digit years (pivot on ``today``), "12 maart 1990" / "12 March 1990", a bare year,
    00 for an unknown day or month, and a spreadsheet's "1990-03-04 00:00:00". An ambiguous
    day/month order is read day-first (Dutch); month-first only when day-first is impossible.

    Raises ``DateOfBirthError`` for a form it cannot read or a date that cannot exist (31 February,
    the future, before 1900). Returns None for an empty value.
    """
    if raw is None:
        return None
    today = today or dt.date.today()
    text = _TIME_SUFFIX.sub("", _ascii_digits(unicodedata.normalize("NFKC", raw)).strip())
    if not text:
        return None
    return _checked(_read(text, today), today)


def _ascii_digits(text: str) -> str:
    """Decimal digits of any script (Arabic-Indic, Devanagari, ...) as ASCII digits."""
    return "".join(str(d) if (d := unicodedata.decimal(c, None)) is not None else c for c in text)


def _read(text: str, today: dt.date) -> tuple[int, int, int]:
    if text.isascii() and text.isdigit():
        if len(text) == 4:
            return int(text), 0, 0
        if len(text) == 8:
            if EARLIEST_YEAR <= int(text[:4]) <= today.year:
                return int(text[:4]), int(text[4:6]), int(text[6:])
            return int(text[4:]), int(text[2:4]), int(text[:2])
        raise DateOfBirthError("unreadable date")
    if m := _ISO.match(text):
        return int(m[1]), int(m[2]), int(m[3])
    if m := _DMY.match(text):
        first, second, year = int(m[1]), int(m[2]), _full_year(m[3], today)
        if second > 12 and first <= 12:  # only month-first can be right
            return year, first, second
        return year, second, first
    if m := _TEXT_MONTH.match(fold(text)):
        month = MONTHS.get(m[2][:4]) or MONTHS.get(m[2][:3])
        if month is None:
            raise DateOfBirthError("unknown month name")
        return int(m[3]), month, int(m[1])
    raise DateOfBirthError("unreadable date")


def _full_year(text: str, today: dt.date) -> int:
    if len(text) == 4:
        return int(text)
    yy = int(text)
    return 2000 + yy if 2000 + yy <= today.year else 1900 + yy


def _checked(ymd: tuple[int, int, int], today: dt.date) -> DateOfBirth:
    year, month, day = ymd
    if not EARLIEST_YEAR <= year <= today.year:
        raise DateOfBirthError("year out of range")
    if month == 0:
        if day != 0:
            raise DateOfBirthError("day given without month")
        return DateOfBirth(year)
    if day == 0:
        if not 1 <= month <= 12 or (year, month) > (today.year, today.month):
            raise DateOfBirthError("impossible date")
        return DateOfBirth(year, month)
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise DateOfBirthError("impossible date") from None
    if date > today:
        raise DateOfBirthError("date in the future")
    return DateOfBirth(year, month, day)
