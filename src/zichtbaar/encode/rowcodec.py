"""Row by row: validate against the source model, repair, normalise, tokens and Bloom filters.

``_RowEncoder`` encodes chunks of registration or register-event rows under one key and schema
(in this process or in a worker); suspects carry no identifiers and are only validated. Every
problem becomes a ``RowIssue`` (row, field, reason; never the value).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from zichtbaar.encode import normalise
from zichtbaar.encode.bloom import BloomEncoder
from zichtbaar.encode.identity import Identity, address, bsn_was_invalid, identity
from zichtbaar.encode.keys import LinkageKey
from zichtbaar.encode.repair import repair
from zichtbaar.encode.tokens import TOKEN_COLUMNS, Tokeniser
from zichtbaar.encode.years import exploitation_year
from zichtbaar.errors import UnknownCodeError
from zichtbaar.standard.codes import age_group
from zichtbaar.standard.countries import nationality_group
from zichtbaar.standard.models import (
    FILTER_COLUMNS,
    RECORD_MODEL_OF_KIND,
    PackageKind,
    RegisterSource,
    SuspectCase,
    VictimSource,
)
from zichtbaar.standard.package import EncodingSchema

SOURCE_MODEL: dict[str, type[BaseModel]] = {
    "registrations": VictimSource,
    "register_events": RegisterSource,
    "suspects": SuspectCase,
}
DATE_COLUMN = {"registrations": "registration_date", "register_events": "event_date"}


@dataclass(frozen=True)
class RowIssue:
    """A problem with one field of one row; never carries the value."""

    row: int
    field: str
    reason: str
    action: Literal["rejected", "warning"]


def _validation_issues(exc: ValidationError, row: int) -> list[RowIssue]:
    # .errors() entries hold the input value too; only loc/msg are kept
    return [
        RowIssue(
            row,
            ".".join(str(p) for p in e["loc"]) or "row",
            "required value missing" if e["type"] == "missing" else e["msg"],
            "rejected",
        )
        for e in exc.errors()
    ]


def _present(raw: dict[str, str | None]) -> dict[str, str]:
    return {k: v for k, v in raw.items() if v is not None}


class RowEncoder:
    """Encodes chunks of registration or register-event rows under one key and schema."""

    def __init__(
        self, kind: PackageKind, key: LinkageKey, schema: EncodingSchema, today: dt.date
    ) -> None:
        self.kind = kind
        self.model = SOURCE_MODEL[kind]
        self.hub_fields = tuple(RECORD_MODEL_OF_KIND[kind].model_fields)
        self.date_column = DATE_COLUMN[kind]
        self.today = today
        self.tokeniser = Tokeniser(key)
        # a filter whose schema names no fields is None in every row
        self.filters = {column: BloomEncoder(key, schema, column) for column in FILTER_COLUMNS}
        self.tokens = tuple(t for t in schema.tokens if t in TOKEN_COLUMNS)

    def encode_chunk(
        self, chunk: list[dict[str, str | None]], row_numbers: list[int]
    ) -> tuple[list[dict[str, Any]], list[RowIssue]]:
        issues: list[RowIssue] = []
        kept: list[tuple[Any, Identity]] = []
        for row, raw in zip(row_numbers, chunk, strict=True):
            cells = _present(raw)
            for field, reason in repair(cells, self.kind):
                issues.append(RowIssue(row, field, reason, "warning"))
            year = cells.pop("exploitation_year", None)  # judged below, against the date
            try:
                src: Any = self.model.model_validate(cells)
            except ValidationError as exc:
                issues.extend(_validation_issues(exc, row))
                continue
            event_date: dt.date = getattr(src, self.date_column)
            if event_date > self.today:
                issues.append(
                    RowIssue(row, self.date_column, "date lies in the future", "rejected")
                )
                continue
            if year is not None:
                src = self._with_year(src, year, row, issues)
            try:
                person = self._identity(src, src.date_of_birth, event_date)
            except normalise.DateOfBirthError as exc:
                # the victim counts without the date: the row goes without it, with a warning
                issues.append(RowIssue(row, "date_of_birth", f"{exc}; sent without it", "warning"))
                person = self._identity(src, None, event_date)
            if bsn_was_invalid(src.bsn, person):
                issues.append(
                    RowIssue(row, "bsn", "fails the 11-check; treated as missing", "warning")
                )
            kept.append((src, person))
        people = [p for _, p in kept]
        filters = {column: encoder.encode(people) for column, encoder in self.filters.items()}
        rows = [
            self._hub_row(src, person, {c: f[i] for c, f in filters.items()})
            for i, (src, person) in enumerate(kept)
        ]
        return rows, issues

    @staticmethod
    def _with_year(src: Any, raw: str, row: int, issues: list[RowIssue]) -> Any:
        """``src`` with its exploitation year, or without it and a warning (``years.py``)."""
        year, reason = exploitation_year(raw, src.registration_date)
        if reason is not None:
            issues.append(RowIssue(row, "exploitation_year", reason, "warning"))
        return src.model_copy(update={"exploitation_year": year})

    @staticmethod
    def _identity(src: Any, dob: str | None, event_date: dt.date) -> Identity:
        return identity(
            src.given_names,
            src.surname,
            dob,
            src.place_of_birth,
            src.bsn,
            src.gender,
            today=event_date,
            home=address(src.street, src.house_number, src.postcode, src.residence),
        )

    def _hub_row(
        self, src: Any, person: Identity, filters: dict[str, bytes | None]
    ) -> dict[str, Any]:
        tokens = self.tokeniser.tokens(person)
        values: dict[str, Any] = {
            name: tokens[name] if name in self.tokens else None for name in TOKEN_COLUMNS
        }
        values.update(filters)
        values["nationality_group"] = nationality_group(src.nationality)
        if self.kind == "registrations":
            values["age_group"] = _age_group(person, src.registration_date, src.age_group)
        for name in self.hub_fields:
            if name not in values:
                # only coded, non-identifying attributes remain; identifiers are not hub fields
                values[name] = getattr(src, name)
        return {name: values[name] for name in self.hub_fields}


def _age_group(person: Identity, on: dt.date, fallback: str) -> str:
    born = person.dob.complete if person.dob else None
    if born is None or born > on:
        return fallback
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return age_group(age)


def suspect_rows(
    chunk: list[dict[str, str | None]], row_numbers: list[int]
) -> tuple[list[dict[str, Any]], list[RowIssue]]:
    rows: list[dict[str, Any]] = []
    issues: list[RowIssue] = []
    for row, raw in zip(row_numbers, chunk, strict=True):
        cells: dict[str, Any] = _present(raw)
        repair(cells, "suspects")
        try:
            cells["nationality_group"] = nationality_group(cells.get("nationality", "XXX"))
        except UnknownCodeError as exc:
            issues.append(RowIssue(row, "nationality", str(exc), "rejected"))
            continue
        try:
            case = SuspectCase.model_validate(cells)
        except ValidationError as exc:
            issues.extend(_validation_issues(exc, row))
            continue
        rows.append(case.model_dump())
    return rows, issues
