"""Suggest a mapping profile from an export's header names and contents (Dutch and English).

Each (column, field) pair is scored by its header (a known Dutch or English name scores 1, a
name containing one 0.7) and by its values (dates that read as dates, BSNs that pass the 11-check,
Dutch postcodes, labels the code lists know). Pairs are then taken best first, one column per
field; a Dutch particle column (``Tussenvoegsel``) joins the surname. The user sees the suggestion
and corrects it; nothing is sent on a suggestion alone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from statistics import median

from zichtbaar.encode import labels
from zichtbaar.encode.dates import guess_order, to_iso
from zichtbaar.encode.mapping import DATE_FIELDS, MappingProfile
from zichtbaar.encode.normalise import DateOfBirthError, bsn_is_valid, fold
from zichtbaar.encode.reader import Table

SAMPLE_ROWS = 500
THRESHOLD = 0.5

HEADERS: dict[str, tuple[str, ...]] = {
    "record_id": (
        "dossiernummer",
        "dossiernr",
        "dossier",
        "dossier id",
        "clientnummer",
        "clientnr",
        "client id",
        "client nummer",
        "registratienummer",
        "registratienr",
        "meldingsnummer",
        "meldingnr",
        "casusnummer",
        "casusnr",
        "casus id",
        "kenmerk",
        "id",
        "record id",
        "case id",
        "case number",
        "case no",
        "case ref",
        "reference",
        "ref",
        "volgnummer",
        "registration id",
        "nummer",
        "zaaknummer",
        "client number",
    ),
    "registration_date": (
        "datum aanmelding",
        "aanmelddatum",
        "aanmeldingsdatum",
        "datum melding",
        "meldingsdatum",
        "meldingdatum",
        "registratiedatum",
        "datum registratie",
        "intakedatum",
        "datum intake",
        "startdatum",
        "date registered",
        "registration date",
        "report date",
        "intake date",
        "date of report",
        "date reported",
        "referral date",
        "datum signalering",
        "signaleringsdatum",
        "datum",
    ),
    "given_names": (
        "voornaam",
        "voornamen",
        "roepnaam",
        "first name",
        "firstname",
        "given name",
        "given names",
        "forename",
        "forenames",
        "first names",
    ),
    "surname": (
        "achternaam",
        "familienaam",
        "geslachtsnaam",
        "surname",
        "last name",
        "lastname",
        "family name",
        "naam",
    ),
    "date_of_birth": (
        "geboortedatum",
        "geb datum",
        "geb dat",
        "gebdatum",
        "gebdat",
        "date of birth",
        "dob",
        "birth date",
        "birthdate",
        "geboren",
        "geboren op",
        "d o b",
    ),
    "place_of_birth": (
        "geboorteplaats",
        "geb plaats",
        "gebplaats",
        "place of birth",
        "birthplace",
        "birth place",
        "town of birth",
        "city of birth",
    ),
    "bsn": (
        "bsn",
        "burgerservicenummer",
        "sofinummer",
        "sofi nummer",
        "citizen service number",
        "bsn nummer",
        "bsn nr",
        "bsnnummer",
    ),
    "street": ("straat", "straatnaam", "adres", "street", "address", "street name"),
    "house_number": ("huisnummer", "huisnr", "house number", "house no", "nr", "huisnummer toev"),
    "postcode": ("postcode", "zip", "zip code", "postal code", "post code", "pc"),
    "residence": (
        "woonplaats",
        "plaats",
        "city",
        "town",
        "place of residence",
        "residence",
        "gemeente",
    ),
    "gender": ("geslacht", "sekse", "gender", "sex", "m v", "man vrouw"),
    "nationality": (
        "nationaliteit",
        "nationality",
        "citizenship",
        "nationaliteit client",
        "herkomst",
        "land van herkomst",
        "country of origin",
    ),
    "age_group": ("leeftijdsgroep", "leeftijdscategorie", "age group", "age category"),
    "form": (
        "soort uitbuiting",
        "vorm van uitbuiting",
        "uitbuitingsvorm",
        "type uitbuiting",
        "uitbuiting",
        "form of exploitation",
        "exploitation type",
        "type of exploitation",
        "exploitation",
        "soort",
        "vorm",
        "aard uitbuiting",
        "form",
    ),
    "exploitation_year": (
        "jaar uitbuiting",
        "jaar van uitbuiting",
        "uitbuitingsjaar",
        "jaar uitbuiting begon",
        "jaar begin uitbuiting",
        "pleegjaar",
        "exploitation year",
        "year of exploitation",
        "year exploited",
        "year exploitation began",
    ),
    "region": ("regio", "politie eenheid", "politieregio", "eenheid", "region", "police region"),
    "legal_basis": (
        "grondslag",
        "toestemming",
        "toestemming gegeven",
        "grondslag melding",
        "legal basis",
        "consent",
        "basis",
        "toestemming client",
        "consent given",
    ),
}
HEADER_ONLY = frozenset({"exploitation_year"})
"""Fields suggested only by their header: four-digit years alone could be any year (of birth)."""
PARTICLE_HEADERS = ("tussenvoegsel", "tussenv", "voorvoegsel", "voorvoegsels", "prefix")

_POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")
_HOUSE = re.compile(r"^[0-9]{1,5} ?[A-Za-z]{0,2}([ -][0-9A-Za-z]{1,4})?$")
_DIGITS = re.compile(r"[\s.-]")
_YEAR = re.compile(r"[0-9]{4}")


@dataclass
class Suggestion:
    """A suggested profile, what it rests on, and what the user still has to decide."""

    profile: MappingProfile
    scores: dict[str, float] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(nl, en) remarks: a guessed date order, a required field without a column."""
    unmapped: dict[str, list[str]] = field(default_factory=dict)
    """Per coded field, the labels no rule knows, for the user to map."""


def header_score(column: str, target: str) -> float:
    name = fold(column)
    synonyms = HEADERS[target]
    if name in synonyms:
        return 1.0
    words = f" {name} "
    if any(len(s) > 3 and f" {s} " in words for s in synonyms):
        return 0.7
    if any(len(s) > 4 and s in name.replace(" ", "") for s in synonyms):
        return 0.6
    return 0.0


def content_score(values: list[str], target: str, today: dt.date) -> float:
    """The share of ``values`` that look like ``target``'s values (0 when nothing tells)."""
    if not values:
        return 0.0
    if target in DATE_FIELDS:
        years = _years(values, today)
        if len(years) < 0.8 * len(values):
            return 0.0
        mid = median(years)
        if target == "date_of_birth":
            return 1.0 if mid < today.year - 8 else 0.2
        return 1.0 if mid >= today.year - 20 else 0.2
    if target == "bsn":
        digits = [_DIGITS.sub("", v) for v in values]
        return _share(d.isdigit() and len(d) in (8, 9) and bsn_is_valid(d.zfill(9)) for d in digits)
    if target == "exploitation_year":
        return _share(
            bool(_YEAR.fullmatch(v.strip())) and 1990 <= int(v) <= today.year for v in values
        )
    if target == "postcode":
        return _share(bool(_POSTCODE.match(v.strip())) for v in values)
    if target == "house_number":
        return 0.6 * _share(bool(_HOUSE.match(v.strip())) for v in values)
    if target in labels.CODED_FIELDS:
        distinct = set(values)
        known = sum(
            1 for v in distinct if labels.match_label(target, v) or labels.is_code(target, v)
        )
        short = target in ("gender", "legal_basis")
        return (known / len(distinct)) * (0.8 if short else 1.0)
    return 0.0


def _share(flags: object) -> float:
    items = list(flags)  # type: ignore[call-overload]
    return sum(1 for f in items if f) / len(items) if items else 0.0


def _years(values: list[str], today: dt.date) -> list[int]:
    order = guess_order(values)
    years = []
    for v in values:
        try:
            years.append(int(to_iso(v, order.order if order else "DMY", today, partial=True)[:4]))
        except (DateOfBirthError, ValueError):
            continue
    return years


def suggest(table: Table, fields: tuple[str, ...], today: dt.date | None = None) -> Suggestion:
    """The best mapping the header names and values support; see the module docstring."""
    today = today or dt.date.today()
    sample = {
        col: [v for r in table.rows[:SAMPLE_ROWS] if (v := r.get(col)) is not None]
        for col in table.columns
    }
    particles = [c for c in table.columns if fold(c) in PARTICLE_HEADERS]
    pairs: list[tuple[float, str, str]] = []
    for col in table.columns:
        if col in particles:
            continue
        for target in fields:
            if target not in HEADERS:
                continue
            head = header_score(col, target)
            body = content_score(sample[col], target, today)
            alone = body > 0.9 and target not in HEADER_ONLY
            score = 0.75 * head + 0.25 * body if head else (0.55 * body if alone else 0.0)
            if head and body == 0 and target in DATE_FIELDS and sample[col]:
                score *= 0.5  # a "datum" column that holds no dates
            if score >= THRESHOLD:
                pairs.append((score, col, target))
    chosen: dict[str, str | list[str]] = {}
    scores: dict[str, float] = {}
    used: set[str] = set()
    for score, col, target in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if target in chosen or col in used:
            continue
        chosen[target] = col
        scores[target] = round(score, 2)
        used.add(col)
    if particles and "surname" in chosen:
        chosen["surname"] = [particles[0], str(chosen["surname"])]
    profile = MappingProfile(fields={f: chosen[f] for f in fields if f in chosen})
    result = Suggestion(profile, scores)
    _dates(result, sample, today)
    _values(result, table)
    for required in ("record_id", "registration_date", "form", "legal_basis"):
        if required in fields and required not in chosen:
            result.notes.append(
                (
                    f"geen kolom gevonden voor '{required}': kies een kolom of een vaste waarde",
                    f"no column found for '{required}': choose a column or a fixed value",
                )
            )
    return result


def _dates(result: Suggestion, sample: dict[str, list[str]], today: dt.date) -> None:
    profile = result.profile
    for target in DATE_FIELDS:
        cols = profile.columns_of(target)
        if not cols:
            continue
        guess = guess_order(sample[cols[0]])
        if guess is None:
            continue
        profile.dates[target] = guess.order
        if guess.ambiguous:
            result.notes.append(
                (
                    f"datumvolgorde van '{cols[0]}' niet af te leiden (elke datum kan dag-maand en "
                    "maand-dag zijn): aangenomen dag-maand-jaar, controleer dit",
                    f"date order of '{cols[0]}' cannot be told (every date reads both ways): "
                    "assumed day-month-year, please check",
                )
            )
        elif guess.conflicting:
            result.notes.append(
                (
                    f"'{cols[0]}' mengt dag-maand en maand-dag: de meeste zijn {guess.order}",
                    f"'{cols[0]}' mixes day-month and month-day: most are {guess.order}",
                )
            )


def _values(result: Suggestion, table: Table) -> None:
    profile = result.profile
    for target in labels.CODED_FIELDS:
        cols = profile.columns_of(target)
        if not cols:
            continue
        distinct = sorted({v for r in table.rows if (v := r.get(cols[0])) is not None})
        if len(distinct) > 300:  # free text, not a category column
            continue
        known: dict[str, str] = {}
        for value in distinct:
            if labels.is_code(target, value):
                continue
            code = labels.match_label(target, value)
            if code is None:
                result.unmapped.setdefault(target, []).append(value)
            else:
                known[value] = code
        if known:
            profile.values[target] = known
