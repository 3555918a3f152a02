"""A GeCo-style corruptor of personal identifiers, on a British population of our own drawing.

Why not a package: ``gecko-syndata`` (ul-mds/gecko, GeCo's successor) pins numpy < 2 and
pandas < 3, which the project's lock cannot take; ``pseudopeople`` (a simulated US population
with noise) is held out on purpose, as the kind of source the issue's hidden check uses. So this
module re-implements the corruption functions of GeCo (Tran, Vatsalan & Christen, "GeCo: an
online personal data generator and corruptor", CIKM 2013; Christen & Vatsalan, "Flexible and
extensible generation and corruption of personal data", CIKM 2013), each applied to a record
with its own configured probability (``Rates``):

* keyboard typos (GeCo ``CorruptValueKeyboard``: a QWERTY neighbour, or an inserted, deleted or
  transposed letter: GeCo's edit corruptor), OCR errors (``CorruptValueOCR``: GeCo's table of
  shapes read as others, e.g. m/rn, cl/d, h/li), phonetic variants (``CorruptValuePhonetic``: a
  subset of GeCo's rules, e.g. ph/f, c/k, ie/y, double letters), missing values
  (``CorruptMissingValue``), swapped given name and surname (GeCo's field swap);
* beyond GeCo, what registers carry (the issue's list): nicknames (the Apache-2.0 ``nicknames``
  package, carltonnorthern/nicknames), a later surname for women, placeholder names, the date
  of birth with day and month swapped, one digit wrong, wholly wrong or missing, sex missing or
  wrong, place of birth missing or misspelt, a move (another address), a misspelt street.

The population (``make_population``) is British, not Dutch: first names and surnames of Faker's
``en_GB`` provider (surnames by Faker's own weights, first names Zipf-weighted over a seeded
order, since Faker gives none), towns, streets and postcodes of Faker ``en_GB``; 12 % of people
share a household (surname, address) with an earlier one, 1.5 % are twins (also the date).
Everything is drawn from one seed, so the same seed gives the same records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np
from faker import Faker
from faker.providers.person.en_GB import Provider as GbPerson

KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
OCR = (("m", "rn"), ("rn", "m"), ("cl", "d"), ("d", "cl"), ("h", "li"), ("li", "h"))
OCR += (("w", "vv"), ("e", "c"), ("c", "e"), ("l", "i"), ("i", "l"), ("u", "v"), ("n", "h"))
OCR += (("a", "o"), ("o", "a"), ("g", "q"), ("b", "h"), ("f", "t"), ("t", "f"))
PHONETIC = (("ph", "f"), ("f", "ph"), ("ck", "k"), ("c", "k"), ("k", "c"), ("th", "t"))
PHONETIC += (("ie", "y"), ("y", "ie"), ("ey", "y"), ("ee", "ea"), ("ea", "ee"), ("ou", "ow"))
PHONETIC += (("ai", "ay"), ("ay", "ai"), ("mc", "mac"), ("mac", "mc"), ("s", "z"), ("z", "s"))
PHONETIC += (("ll", "l"), ("nn", "n"), ("tt", "t"), ("rr", "r"), ("ss", "s"), ("i", "y"))
PLACEHOLDERS = ("Unknown", "Baby", "Not Known", "NK", "X", "Child")
FIELDS = (
    "given_names",
    "surname",
    "date_of_birth",
    "sex",
    "place_of_birth",
    "street",
    "house_number",
    "postcode",
    "residence",
)


@dataclass(frozen=True)
class Rates:
    """Probability per record of each corruption (a record can get several)."""

    typo: float = 0.05
    ocr: float = 0.02
    phonetic: float = 0.04
    nickname: float = 0.08
    """Of the records whose first given name has a nickname."""
    name_swap: float = 0.02
    given_missing: float = 0.01
    surname_missing: float = 0.01
    surname_change: float = 0.03
    """Of the records of women: a later surname."""
    placeholder: float = 0.005
    dob_swap: float = 0.02
    """Of the records whose day and month are different and both <= 12."""
    dob_digit: float = 0.03
    dob_wrong: float = 0.01
    dob_missing: float = 0.02
    sex_missing: float = 0.02
    sex_wrong: float = 0.003
    pob_missing: float = 0.10
    pob_typo: float = 0.03
    address_moved: float = 0.15
    address_typo: float = 0.04
    address_missing: float = 0.05

    @staticmethod
    def kinds() -> tuple[str, ...]:
        return tuple(f.name for f in fields(Rates))


@dataclass(frozen=True)
class Person:
    pid: str
    given: str
    middle: str | None
    surname: str
    sex: str
    dob: dt.date
    pob: str
    street: str
    house_number: str
    postcode: str
    town: str


@lru_cache(maxsize=1)
def _nicknames() -> dict[str, tuple[str, ...]]:
    from nicknames import NickNamer

    namer = NickNamer()
    names = {*GbPerson.first_names_female, *GbPerson.first_names_male}
    found = {n.lower(): tuple(sorted(namer.nicknames_of(n))) for n in names}
    return {n: nicks for n, nicks in found.items() if nicks}


def nicknames_of(name: str) -> tuple[str, ...]:
    """The package's nicknames of a first name (lower case), empty when it has none."""
    return _nicknames().get(name, ())


def _zipf(rng: np.random.Generator, n: int, offset: float = 5.0) -> np.ndarray:
    w = 1.0 / (rng.permutation(n) + offset)
    return np.asarray(w / w.sum())


def make_population(n: int, seed: int) -> list[Person]:
    """``n`` British people; households and twins as the module says."""
    rng = np.random.default_rng(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    female, male = list(GbPerson.first_names_female), list(GbPerson.first_names_male)
    wf, wm = _zipf(rng, len(female)), _zipf(rng, len(male))
    surnames = list(GbPerson.last_names)
    ws = np.array(list(GbPerson.last_names.values()), dtype=float)
    ws /= ws.sum()
    towns = sorted({fake.city() for _ in range(400)})
    wt = _zipf(rng, len(towns), offset=3.0)
    streets = sorted({fake.street_name() for _ in range(3000)})
    start = dt.date(1935, 1, 1).toordinal()
    span = dt.date(2008, 12, 31).toordinal() - start
    people: list[Person] = []
    for i in range(n):
        sex = "female" if rng.random() < 0.5 else "male"
        pool, w = (female, wf) if sex == "female" else (male, wm)
        given = pool[int(rng.choice(len(pool), p=w))]
        middle = pool[int(rng.choice(len(pool), p=w))] if rng.random() < 0.35 else None
        kin = people[int(rng.integers(len(people)))] if people and rng.random() < 0.135 else None
        dob = dt.date.fromordinal(start + int(rng.integers(span)))
        town = towns[int(rng.choice(len(towns), p=wt))]
        home = (
            streets[int(rng.integers(len(streets)))],
            str(int(rng.integers(1, 200))),
            fake.postcode(),
            town,
        )
        surname = surnames[int(rng.choice(len(surnames), p=ws))]
        pob = towns[int(rng.choice(len(towns), p=wt))]
        if kin is not None:
            surname, home = kin.surname, (kin.street, kin.house_number, kin.postcode, kin.town)
            pob = kin.pob if rng.random() < 0.5 else pob
            if rng.random() < 1.5 / 13.5:  # twins: 1.5 % of everyone
                dob, pob = kin.dob, kin.pob
        people.append(Person(f"P{i:06d}", given, middle, surname, sex, dob, pob, *home))
    return people


def _keyboard_neighbours(c: str) -> str:
    for r, row in enumerate(KEYBOARD_ROWS):
        if c in row:
            col = row.index(c)
            near = [row[j] for j in (col - 1, col + 1) if 0 <= j < len(row)]
            near += [
                KEYBOARD_ROWS[k][col]
                for k in (r - 1, r + 1)
                if 0 <= k < 3 and col < len(KEYBOARD_ROWS[k])
            ]
            return "".join(near)
    return ""


def typo(rng: np.random.Generator, word: str) -> str:
    """One keyboard slip: a neighbouring key, or a letter inserted, deleted or transposed."""
    if len(word) < 2:
        return word + "e"
    i = int(rng.integers(1, len(word)))  # GeCo spares the first letter less often; so do we
    kind = int(rng.integers(4))
    c = word[i].lower()
    near = _keyboard_neighbours(c) or "e"
    new = near[int(rng.integers(len(near)))]
    if kind == 0:
        return word[:i] + new + word[i + 1 :]
    if kind == 1:
        return word[:i] + new + word[i:]
    if kind == 2 and len(word) > 3:
        return word[:i] + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _rule(rng: np.random.Generator, word: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """Apply one rule of ``table`` that matches (lower case), at a random place; None if none."""
    low = word.lower()
    hits = [(a, b, i) for a, b in table for i in range(len(low)) if low.startswith(a, i)]
    if not hits:
        return None
    a, b, i = hits[int(rng.integers(len(hits)))]
    out = low[:i] + b + low[i + len(a) :]
    return out[:1].upper() + out[1:]


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _digit(rng: np.random.Generator, dob: dt.date) -> dt.date:
    """One digit of YYYY-MM-DD other than the century changed, as a clerk's slip."""
    for _ in range(20):
        text = list(dob.strftime("%Y%m%d"))
        i = int(rng.choice([2, 3, 4, 5, 6, 7]))
        text[i] = str((int(text[i]) + int(rng.integers(1, 10))) % 10)
        s = "".join(text)
        found = _valid(int(s[:4]), int(s[4:6]), int(s[6:]))
        if found is not None and found != dob and found.year <= 2008:
            return found
    return dob.replace(day=1 + dob.day % 28)


def observe(
    rng: np.random.Generator,
    p: Person,
    rates: Rates,
    movers: list[Person],
    middle_initial: bool = False,
) -> tuple[dict[str, str | None], list[str]]:
    """One file's record of ``p``: the fields of ``FIELDS`` and the corruptions applied.

    ``movers``: people whose address a moved record takes. ``middle_initial``: the file keeps
    only the middle name's initial (a census form's box), else the full middle name.
    """
    r = rates
    done: list[str] = []

    def hit(kind: str, eligible: bool = True) -> bool:
        if eligible and rng.random() < getattr(r, kind):
            done.append(kind)
            return True
        return False

    def pick(pool: tuple[str, ...] | list[Person]) -> int:
        return int(rng.integers(len(pool)))

    nicks = nicknames_of(p.given.lower())
    given = nicks[pick(nicks)].capitalize() if hit("nickname", bool(nicks)) else p.given
    surname = p.surname
    if hit("surname_change", p.sex == "female"):
        surname = movers[pick(movers)].surname
    names = [given, surname]
    for kind, table in (("ocr", OCR), ("phonetic", PHONETIC)):
        if rng.random() < getattr(r, kind):
            k = int(rng.integers(2))
            if (changed := _rule(rng, names[k], table)) is not None:
                names[k] = changed
                done.append(kind)
    if hit("typo"):
        k = int(rng.integers(2))
        names[k] = typo(rng, names[k])
    middle = p.middle[0] if p.middle and middle_initial else p.middle
    out_given: str | None = " ".join([names[0], *([middle] if middle else [])])
    out_surname: str | None = names[1]
    if hit("placeholder"):
        if rng.random() < 0.5:
            out_given = PLACEHOLDERS[pick(PLACEHOLDERS)]
        else:
            out_surname = PLACEHOLDERS[pick(PLACEHOLDERS)]
    if hit("name_swap"):
        out_given, out_surname = out_surname, out_given
    if hit("given_missing"):
        out_given = None
    if hit("surname_missing"):
        out_surname = None
    dob: dt.date | None = p.dob
    if hit("dob_wrong"):
        dob = dt.date(1935, 1, 1) + dt.timedelta(int(rng.integers(27_000)))
    if hit("dob_swap", p.dob.day <= 12 and p.dob.day != p.dob.month):
        dob = dt.date(p.dob.year, p.dob.day, p.dob.month)
    if hit("dob_digit"):
        dob = _digit(rng, dob or p.dob)
    if hit("dob_missing"):
        dob = None
    sex: str | None = p.sex
    if hit("sex_wrong"):
        sex = "male" if p.sex == "female" else "female"
    if hit("sex_missing"):
        sex = None
    pob: str | None = p.pob
    if hit("pob_typo"):
        pob = typo(rng, p.pob)
    if hit("pob_missing"):
        pob = None
    home: tuple[str | None, ...] = (p.street, p.house_number, p.postcode, p.town)
    if hit("address_moved"):
        o = movers[pick(movers)]
        home = (o.street, o.house_number, o.postcode, o.town)
    if hit("address_typo"):
        home = (typo(rng, str(home[0])), *home[1:])
    if hit("address_missing"):
        home = (None, None, None, None)
    values = (out_given, out_surname, dob.isoformat() if dob else None, sex, pob, *home)
    return dict(zip(FIELDS, values, strict=True)), done
