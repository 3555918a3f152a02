"""An organisation's own export, through its mapping profile, into a package.

``check_export`` reads and maps the file and lists every problem, without encoding: the user fixes
the file or the profile and checks again. ``encode_export`` does the same and encodes; the
organisation's problem list (``<package>.rejects.csv``) then speaks their terms: their row
number, their column name and the reason in Dutch and English. It never holds a value.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zichtbaar.encode.keys import LinkageKey
from zichtbaar.encode.mapping import Mapped, MappingProfile, Problem, apply_mapping
from zichtbaar.encode.package import IDENTIFIER_COLUMNS, EncodeResult, encode_table, source_columns
from zichtbaar.encode.reader import Table, read_table
from zichtbaar.encode.rowcodec import RowIssue
from zichtbaar.encode.years import REASONS_NL
from zichtbaar.errors import EncodeError
from zichtbaar.standard.codes import REPORTER_TYPES
from zichtbaar.standard.models import PackageKind

NO_IDENTIFIERS = (
    "no column with a name, date of birth, BSN or address is mapped: the rows can be counted, "
    "not linked to the same person elsewhere"
)
_NL = {
    "required value missing": "verplichte waarde ontbreekt",
    "date lies in the future": "datum ligt in de toekomst",
    "fails the 11-check; treated as missing": "BSN klopt niet (elfproef): verstuurd zonder BSN",
    "date in the future; sent without it": "geboortedatum na de registratiedatum: verstuurd zonder",
    "impossible date; sent without it": "geboortedatum bestaat niet: verstuurd zonder",
    "year out of range; sent without it": "geboortejaar onmogelijk: verstuurd zonder",
    **REASONS_NL,
}


@dataclass(frozen=True)
class ExportResult:
    """The package made from an export, and every problem in the user's terms."""

    encoded: EncodeResult
    problems: tuple[Problem, ...]
    unmapped: dict[str, dict[str, int]]
    notes: tuple[str, ...] = ()

    @property
    def rows_rejected(self) -> int:
        return len({p.row for p in self.problems if p.action == "rejected"})

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.action == "warning")


def check_export(
    path: Path,
    profile: MappingProfile,
    kind: PackageKind = "registrations",
    today: dt.date | None = None,
) -> tuple[Table, Mapped]:
    """The export as read and as mapped: every problem found without encoding anything."""
    table = read_table(path)
    return table, map_table(table, profile, kind, today)


def map_table(
    table: Table,
    profile: MappingProfile,
    kind: PackageKind = "registrations",
    today: dt.date | None = None,
) -> Mapped:
    fields = source_columns(kind)[0]
    mapped = apply_mapping(table, profile, fields, today or dt.date.today())
    malformed = [
        Problem(row, "-", "row", "regel onleesbaar (aantal velden klopt niet)", reason, "rejected")
        for row, reason in table.malformed
    ]
    return Mapped(mapped.table, malformed + mapped.problems, mapped.unmapped)


def reporter_type_of(profile: MappingProfile, given: str | None) -> str:
    """The reporter type from the command line or the profile, as a code."""
    raw = given or profile.reporter_type
    if raw is None:
        raise EncodeError("no reporter type: give --reporter-type or set it in the profile")
    if raw in REPORTER_TYPES:
        return raw
    from zichtbaar.encode.labels import match_label

    code = match_label("reporter_type", raw)
    if code is None:
        raise EncodeError("unknown reporter type: not in code list 'reporter_type'")
    return code


def encode_export(
    path: Path,
    profile: MappingProfile,
    key: LinkageKey | None,
    out_dir: Path,
    org: str | None = None,
    reporter_type: str | None = None,
    kind: PackageKind = "registrations",
    created_at: dt.datetime | None = None,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    table: Table | None = None,
    mapped: Mapped | None = None,
) -> ExportResult:
    """Read ``path`` (or use ``table`` already read, ``mapped`` already mapped), map it by
    ``profile``, encode it."""
    organisation = org or profile.organisation
    if not organisation:
        raise EncodeError("no organisation id: give --org or set it in the profile")
    rtype = reporter_type_of(profile, reporter_type)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise EncodeError("output directory exists and is not empty")
    if mapped is None:
        read = table if table is not None else read_table(path)
        mapped = map_table(read, profile, kind, today)
    encoded = encode_table(
        mapped.table, key, organisation, rtype, kind, out_dir, None, created_at, today, progress
    )
    problems = [*mapped.problems, *(_theirs(i, profile) for i in encoded.issues)]
    problems.sort(key=lambda p: (p.row, p.column))
    write_problems(problems, encoded.rejects_path)
    notes = list(encoded.notes)
    if not any(f in profile.fields for f in IDENTIFIER_COLUMNS):
        notes.append(NO_IDENTIFIERS)
    return ExportResult(encoded, tuple(problems), mapped.unmapped, tuple(notes))


def _theirs(issue: RowIssue, profile: MappingProfile) -> Problem:
    return Problem(
        issue.row,
        profile.column_label(issue.field),
        issue.field,
        _NL.get(issue.reason, issue.reason),
        issue.reason,
        issue.action,
    )


def write_problems(problems: list[Problem], path: Path) -> None:
    """The organisation's problem list: row, their column, reason nl and en, action; no values."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens it right
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["rij/row", "kolom/column", "reden", "reason", "actie/action"])
        for p in problems:
            writer.writerow([p.row, p.column, p.nl, p.en, p.action])
