"""Five case-management exports as organisations really send them (synthetic people, Faker).

Each export has its own header language and style, date order, category words and file format,
modelled on what such systems write:

* ``shelter`` -- a Dutch shelter's XLSX: ``Dossiernummer``, ``Voornaam``/``Tussenvoegsel``/
  ``Achternaam``, ``Geb.datum`` dd-mm-jjjj, ``Soort uitbuiting`` in its own words, ``Toestemming``
  Ja/Nee, plus staff and notes columns that must not be mapped; a title row above the header.
* ``police`` -- an English-headed CSV (comma, UTF-8): ISO report dates, ``DOB`` dd/mm/yyyy,
  ``Sex`` F/M, nationality as ISO alpha-3, codes for form and legal basis.
* ``youth`` -- a youth-care export from Excel on Windows: semicolon CSV in Windows-1252 with
  accented names, ``Roepnaam``, ``Vorm van uitbuiting``, an address in four columns.
* ``ngo`` -- an international NGO's CSV with US dates (MM/DD/YYYY), country names for
  nationality, ``Consent`` yes/no and a free-text ``Notes`` column.
* ``municipality`` -- a municipality's XLSX with formal Dutch headers (``Geslachtsnaam``,
  ``Burgerservicenummer``, ``Geb. plaats``, ``PC``), ``M/V``, nationalities as Dutch adjectives.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.encode.people import people

Row = dict[str, str]
Cell = Callable[[Row, random.Random], str]


@dataclass(frozen=True)
class Column:
    header: str
    cell: Cell
    field: str | None  # the standard field a correct mapping gives it (None: not mapped)


def _dob(row: Row) -> dt.date:
    raw = row["date_of_birth"]
    for fmt in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise AssertionError("people() writes three formats only")


def _reg(row: Row, rng: random.Random) -> dt.date:
    return dt.date(2024, 1, 1) + dt.timedelta(days=int(row["record_id"][1:]) % 300)


def _split_particle(row: Row) -> tuple[str, str]:
    words = row["surname"].split(" ")
    if len(words) > 1 and words[0].lower() in ("van", "de", "der", "den", "ter"):
        return words[0], " ".join(words[1:])
    return "", row["surname"]


FORM_NL = {
    "domestic_sexual": "Seksuele uitbuiting NL",
    "crossborder_sexual": "Seksuele uitbuiting buitenland",
    "labour": "Arbeid",
    "criminal": "Criminele uitbuiting",
}
FORM_EN = {
    "domestic_sexual": "Sexual exploitation",
    "crossborder_sexual": "Cross-border sexual",
    "labour": "Labour exploitation",
    "criminal": "Forced criminality",
}
NAT_NAME = {
    "NLD": "Netherlands",
    "POL": "Poland",
    "ROU": "Romania",
    "NGA": "Nigeria",
    "CHN": "China",
    "UKR": "Ukraine",
    "XXX": "Unknown",
}
NAT_NL_ADJ = {
    "NLD": "Nederlandse",
    "POL": "Poolse",
    "ROU": "Roemeense",
    "NGA": "Nigeriaanse",
    "CHN": "Chinese",
    "UKR": "Oekraïense",
    "XXX": "Onbekend",
}
CONSENT_NL = {"explicit_consent": "Ja", "none": "Nee", "legal_duty": "Ja", "legal_basis": "Ja"}


def _c(header: str, cell: Cell, field: str | None) -> Column:
    return Column(header, cell, field)


STYLES: dict[str, tuple[str, list[Column]]] = {
    "shelter": (
        "xlsx",
        [
            _c("Dossiernummer", lambda r, g: "D" + r["record_id"][1:], "record_id"),
            _c(
                "Datum aanmelding",
                lambda r, g: _reg(r, g).strftime("%d-%m-%Y"),
                "registration_date",
            ),
            _c("Voornaam", lambda r, g: r["given_names"], "given_names"),
            _c("Tussenvoegsel", lambda r, g: _split_particle(r)[0], "surname"),
            _c("Achternaam", lambda r, g: _split_particle(r)[1], "surname"),
            _c("Geb.datum", lambda r, g: _dob(r).strftime("%d-%m-%Y"), "date_of_birth"),
            _c("Geslacht", lambda r, g: "V" if r["gender"] == "female" else "M", "gender"),
            _c("Nationaliteit", lambda r, g: NAT_NL_ADJ[r["nationality"]], "nationality"),
            _c("Soort uitbuiting", lambda r, g: FORM_NL[r["form"]], "form"),
            _c("Toestemming", lambda r, g: CONSENT_NL[r["legal_basis"]], "legal_basis"),
            _c("Casemanager", lambda r, g: g.choice(["Petra", "Ahmed", "Lotte"]), None),
            _c("Opmerkingen", lambda r, g: g.choice(["", "doorverwezen", "intake gepland"]), None),
        ],
    ),
    "police": (
        "csv",
        [
            _c("Case ID", lambda r, g: r["record_id"], "record_id"),
            _c("Report date", lambda r, g: _reg(r, g).isoformat(), "registration_date"),
            _c("First name", lambda r, g: r["given_names"], "given_names"),
            _c("Last name", lambda r, g: r["surname"], "surname"),
            _c("DOB", lambda r, g: _dob(r).strftime("%d/%m/%Y"), "date_of_birth"),
            _c("Place of birth", lambda r, g: r["place_of_birth"], "place_of_birth"),
            _c("BSN", lambda r, g: r["bsn"], "bsn"),
            _c("Sex", lambda r, g: "F" if r["gender"] == "female" else "M", "gender"),
            _c("Nationality", lambda r, g: r["nationality"], "nationality"),
            _c("Exploitation type", lambda r, g: r["form"], "form"),
            _c("Legal basis", lambda r, g: r["legal_basis"], "legal_basis"),
            _c("Officer", lambda r, g: g.choice(["J. Smit", "K. Bakker"]), None),
        ],
    ),
    "youth": (
        "csv-cp1252",
        [
            _c("Clientnr", lambda r, g: r["record_id"][1:], "record_id"),
            _c("Aanmelddatum", lambda r, g: _reg(r, g).strftime("%d-%m-%Y"), "registration_date"),
            _c("Roepnaam", lambda r, g: r["given_names"], "given_names"),
            _c("Achternaam", lambda r, g: r["surname"], "surname"),
            _c("Geboortedatum", lambda r, g: _dob(r).strftime("%d-%m-%Y"), "date_of_birth"),
            _c("Geslacht", lambda r, g: "vrouw" if r["gender"] == "female" else "man", "gender"),
            _c("Vorm van uitbuiting", lambda r, g: FORM_NL[r["form"]], "form"),
            _c("Grondslag", lambda r, g: r["legal_basis"].replace("_", " "), "legal_basis"),
            _c("Straat", lambda r, g: r["street"], "street"),
            _c("Huisnr", lambda r, g: r["house_number"], "house_number"),
            _c("Postcode", lambda r, g: r["postcode"], "postcode"),
            _c("Woonplaats", lambda r, g: r["residence"], "residence"),
        ],
    ),
    "ngo": (
        "csv",
        [
            _c("Ref", lambda r, g: r["record_id"], "record_id"),
            _c("Intake date", lambda r, g: _reg(r, g).strftime("%m/%d/%Y"), "registration_date"),
            _c("Given names", lambda r, g: r["given_names"], "given_names"),
            _c("Family name", lambda r, g: r["surname"], "surname"),
            _c("Date of birth", lambda r, g: _dob(r).strftime("%m/%d/%Y"), "date_of_birth"),
            _c("Gender", lambda r, g: r["gender"], "gender"),
            _c("Country of origin", lambda r, g: NAT_NAME[r["nationality"]], "nationality"),
            _c("Type of exploitation", lambda r, g: FORM_EN[r["form"]], "form"),
            _c(
                "Consent", lambda r, g: "yes" if r["legal_basis"] != "none" else "no", "legal_basis"
            ),
            _c("Notes", lambda r, g: g.choice(["", "follow-up", "referred to shelter"]), None),
        ],
    ),
    "municipality": (
        "xlsx",
        [
            _c("Kenmerk", lambda r, g: "GEM-" + r["record_id"][1:], "record_id"),
            _c(
                "Datum signalering",
                lambda r, g: _reg(r, g).strftime("%d-%m-%Y"),
                "registration_date",
            ),
            _c("Voornamen", lambda r, g: r["given_names"], "given_names"),
            _c("Geslachtsnaam", lambda r, g: r["surname"], "surname"),
            _c("Geb. datum", lambda r, g: _dob(r).strftime("%d-%m-%Y"), "date_of_birth"),
            _c("Geb. plaats", lambda r, g: r["place_of_birth"], "place_of_birth"),
            _c("Burgerservicenummer", lambda r, g: r["bsn"], "bsn"),
            _c("M/V", lambda r, g: "V" if r["gender"] == "female" else "M", "gender"),
            _c("Nationaliteit cliënt", lambda r, g: NAT_NL_ADJ[r["nationality"]], "nationality"),
            _c("Uitbuitingsvorm", lambda r, g: FORM_NL[r["form"]], "form"),
            _c("Grondslag melding", lambda r, g: "wettelijke taak", "legal_basis"),
            _c("Adres", lambda r, g: r["street"], "street"),
            _c("Huisnummer", lambda r, g: r["house_number"], "house_number"),
            _c("PC", lambda r, g: r["postcode"], "postcode"),
            _c("Plaats", lambda r, g: r["residence"], "residence"),
        ],
    ),
}


def export_rows(style: str, n: int, seed: int = 1) -> tuple[list[str], list[list[str]]]:
    _, columns = STYLES[style]
    rng = random.Random(seed)
    source = people(n, seed)
    return [c.header for c in columns], [[c.cell(r, rng) for c in columns] for r in source]


def write_export(style: str, path_stem: Path, n: int = 60, seed: int = 1) -> Path:
    """Write ``style``'s export of ``n`` people next to ``path_stem``; returns the file."""
    kind = STYLES[style][0]
    header, rows = export_rows(style, n, seed)
    if kind == "xlsx":
        return write_xlsx(path_stem.with_suffix(".xlsx"), header, rows, title=style == "shelter")
    path = path_stem.with_suffix(".csv")
    encoding, sep = ("cp1252", ";") if kind == "csv-cp1252" else ("utf-8", ",")
    with path.open("w", encoding=encoding, errors="replace", newline="") as fh:
        writer = csv.writer(fh, delimiter=sep)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[str]], title: bool = False) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append(["Export cliëntregistratie"])
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def expected(style: str) -> dict[str, str | None]:
    """Each column's correct standard field (None: leave unmapped)."""
    return {c.header: c.field for c in STYLES[style][1]}
