"""A mapping profile: how an organisation's own export becomes the data standard's columns.

Saved per organisation as a small YAML file and reused next month::

    zichtbaar_mapping: 1
    organisation: fier
    reporter_type: shelter_care
    fields:                          # standard field: their column (or columns, joined by a space)
      record_id: Dossiernummer
      surname: [Tussenvoegsel, Achternaam]
      date_of_birth: Geb.datum
    dates: {date_of_birth: DMY, registration_date: DMY}
    values:                          # their label: the standard's code
      form: {Seksuele uitbuiting NL: domestic_sexual}
    constants: {legal_basis: explicit_consent}   # a field the file has no column for
    ignore: [Opmerkingen]

``apply_mapping`` turns the export's rows into rows of standard fields and reports every problem
in the user's terms: their row number, their column name, a plain reason in Dutch and English.
A bad value in one field sends the row without that field (with a warning); only a row without a
usable record id or registration date, the two things a registration cannot be without, is
rejected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from zichtbaar.encode import labels, normalise
from zichtbaar.encode.dates import DateOrder, to_iso
from zichtbaar.encode.reader import Table
from zichtbaar.encode.years import REASONS_NL, exploitation_year
from zichtbaar.errors import EncodeError

DATE_FIELDS = ("registration_date", "date_of_birth", "event_date")
CODE_DEFAULTS = {
    "gender": "unknown",
    "nationality": "XXX",
    "region": "unknown",
    "form": "other_unknown",
    "legal_basis": "none",  # the strictest basis: counted, never linked to registers
}
"""What a coded field becomes when its label is unknown (with a warning, never silently)."""
Action = Literal["rejected", "warning"]
_Report = Callable[[str, str, str, Action], None]
REQUIRED = ("record_id", "registration_date")
"""Without these a row cannot be a registration at all; every other field may be missing."""


class MappingProfile(BaseModel):
    """Which of the organisation's columns is which standard field, and how its values read."""

    model_config = ConfigDict(extra="forbid")

    zichtbaar_mapping: Literal[1] = 1
    organisation: str | None = None
    reporter_type: str | None = None
    fields: dict[str, str | list[str]] = Field(default_factory=dict)
    dates: dict[str, DateOrder] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    constants: dict[str, str] = Field(default_factory=dict)
    ignore: list[str] = Field(default_factory=list)

    @field_validator("values")
    @classmethod
    def _codes_exist(cls, values: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for field, table in values.items():
            if field not in labels.CODED_FIELDS:
                raise ValueError(f"values given for '{field}', which has no code list")
            wrong = [code for code in table.values() if not labels.is_code(field, code)]
            if wrong:
                raise ValueError(f"values for '{field}' map to codes not in its code list")
        return values

    def columns_of(self, field: str) -> list[str]:
        cols = self.fields.get(field)
        if cols is None:
            return []
        return [cols] if isinstance(cols, str) else list(cols)

    def column_label(self, field: str) -> str:
        """The user's name for ``field``: their column(s), else the standard name."""
        return " + ".join(self.columns_of(field)) or field


def load_profile(path: Path) -> MappingProfile:
    """Read a mapping profile; a broken file is reported by its line, never by its content."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise EncodeError(f"mapping profile not found: {path.name}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise EncodeError(f"mapping profile is not valid YAML{where}") from None
    try:
        return MappingProfile.model_validate(data or {})
    except ValidationError as exc:
        what = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'profile'}: {e['msg']}" for e in exc.errors()
        )
        raise EncodeError(f"mapping profile is invalid ({what})") from None


def dump_profile(profile: MappingProfile) -> str:
    """The profile as YAML, in the order a person reads it."""
    import yaml

    data = profile.model_dump(exclude_defaults=False)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


@dataclass(frozen=True)
class Problem:
    """One problem in the user's terms: their row, their column, a reason in nl and en."""

    row: int
    column: str
    field: str
    nl: str
    en: str
    action: Literal["rejected", "warning"]

    def reason(self, lang: str = "en") -> str:
        return self.nl if lang == "nl" else self.en


@dataclass(frozen=True)
class Mapped:
    """The export in standard columns, with every problem found on the way."""

    table: Table
    problems: list[Problem]
    unmapped: dict[str, dict[str, int]]
    """Per coded field, each label no rule or profile entry knows, with how many rows carry it."""


def check_profile(
    profile: MappingProfile, columns: tuple[str, ...], fields: tuple[str, ...]
) -> None:
    """Refuse a profile that names a column the file lacks or lacks a required field, by name."""
    missing = [
        f"{field} ({col})"
        for field in profile.fields
        for col in profile.columns_of(field)
        if col not in columns
    ]
    if missing:
        raise EncodeError("the file lacks the column(s) the mapping names: " + ", ".join(missing))
    unknown = [f for f in profile.fields if f not in fields]
    if unknown:
        raise EncodeError(f"the mapping names unknown standard field(s): {', '.join(unknown)}")
    for field in (*REQUIRED, "form", "legal_basis"):
        if field in fields and field not in profile.fields and field not in profile.constants:
            raise EncodeError(
                f"no column is mapped to the required field '{field}' and no constant is given"
            )


def apply_mapping(
    table: Table, profile: MappingProfile, fields: tuple[str, ...], today: dt.date
) -> Mapped:
    """The export's rows as rows of ``fields``; problems are listed, no valid value is dropped."""
    check_profile(profile, table.columns, fields)
    rows: list[dict[str, str | None]] = []
    numbers: list[int] = []
    problems: list[Problem] = []
    unmapped: dict[str, dict[str, int]] = {}
    for number, raw in zip(table.row_numbers, table.rows, strict=True):
        row, found = _map_row(raw, number, profile, fields, today, unmapped)
        problems.extend(found)
        if row is not None:
            rows.append(row)
            numbers.append(number)
    malformed = list(table.malformed)
    return Mapped(Table(fields, rows, numbers, malformed), problems, unmapped)


def _map_row(
    raw: dict[str, str | None],
    number: int,
    profile: MappingProfile,
    fields: tuple[str, ...],
    today: dt.date,
    unmapped: dict[str, dict[str, int]],
) -> tuple[dict[str, str | None] | None, list[Problem]]:
    out: dict[str, str | None] = {}
    problems: list[Problem] = []

    def problem(field: str, nl: str, en: str, action: Action) -> None:
        problems.append(Problem(number, profile.column_label(field), field, nl, en, action))

    for field in fields:
        cols = profile.columns_of(field)
        parts = [raw.get(c) for c in cols]
        value = " ".join(p for p in parts if p) or None
        if value is None:
            value = profile.constants.get(field)
        if value is not None and field in DATE_FIELDS:
            value = _date(field, value, profile, today, problem)
        elif value is not None and field in labels.CODED_FIELDS:
            value = _code(field, value, profile, unmapped, problem)
        out[field] = value
    if out.get("record_id") is None:
        problem(
            "record_id",
            "geen dossiernummer: rij niet verstuurd",
            "no record id: row not sent",
            "rejected",
        )
        return None, problems
    if out.get("registration_date") is None and "registration_date" in fields:
        if not any(p.field == "registration_date" for p in problems):
            problem(
                "registration_date",
                "geen registratiedatum: rij niet verstuurd",
                "no registration date: row not sent",
                "rejected",
            )
        return None, problems
    if out.get("exploitation_year") is not None and out.get("registration_date") is not None:
        out["exploitation_year"] = _year(out, problem)
    return out, problems


def _year(out: dict[str, str | None], problem: _Report) -> str | None:
    """The year of exploitation judged here already, so the check step lists its problem
    (the encoder judges it again for files in the standard's own columns)."""
    registered = dt.date.fromisoformat(str(out["registration_date"]))
    year, reason = exploitation_year(out["exploitation_year"], registered)
    if reason is not None:
        problem("exploitation_year", REASONS_NL[reason], reason, "warning")
    return None if year is None else str(year)


_DATE_REASON = {
    "date in the future": "datum ligt in de toekomst",
    "year out of range": "jaartal onmogelijk (voor 1900 of in de toekomst)",
    "impossible date": "datum bestaat niet",
    "unreadable date": "datum onleesbaar",
    "incomplete date": "datum onvolledig",
    "day given without month": "dag zonder maand",
    "unknown month name": "onbekende maandnaam",
}


def _date(
    field: str, value: str, profile: MappingProfile, today: dt.date, problem: _Report
) -> str | None:
    order = profile.dates.get(field, "DMY")
    try:
        return to_iso(value, order, today, partial=field == "date_of_birth")
    except normalise.DateOfBirthError as exc:
        en = str(exc)
        nl = _DATE_REASON.get(en, "datum onleesbaar")
        if field == "date_of_birth":
            problem(
                field,
                f"{nl}: verstuurd zonder geboortedatum",
                f"{en}: sent without the date of birth",
                "warning",
            )
        else:
            problem(field, f"{nl}: rij niet verstuurd", f"{en}: row not sent", "rejected")
        return None


def _code(
    field: str,
    value: str,
    profile: MappingProfile,
    unmapped: dict[str, dict[str, int]],
    problem: _Report,
) -> str | None:
    own = profile.values.get(field, {})
    code = own.get(value) or own.get(value.strip())
    if code is None and labels.is_code(field, value.strip()):
        code = value.strip().upper() if field == "nationality" else value.strip()
    code = code or labels.match_label(field, value)
    if code is not None:
        return code
    counts = unmapped.setdefault(field, {})
    counts[value] = counts.get(value, 0) + 1
    fallback = CODE_DEFAULTS.get(field)
    shown = fallback or "-"
    problem(
        field,
        f"waarde niet in de koppeltabel: verstuurd als '{shown}'",
        f"value not in the mapping: sent as '{shown}'",
        "warning",
    )
    return fallback
