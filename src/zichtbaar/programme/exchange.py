"""YAML and CSV import/export of a programme, with line-numbered errors.

Errors name the line and the field path and say what is wrong, never the offending value.
YAML line numbers come from the composed node tree (``yaml.compose``), which keeps each node's
start mark; pydantic error locations are walked down that tree to the nearest node.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from zichtbaar.errors import ProgrammeError
from zichtbaar.programme.document import Measure, Programme
from zichtbaar.programme.status import Status

CSV_COLUMNS = (
    "id",
    "action_line",
    "title",
    "description",
    "owner",
    "partners",
    "start",
    "deadline",
    "status",
    "status_date",
    "note",
)
PARTNER_SEP = ";"


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


class ProgrammeFileError(ProgrammeError):
    """A programme file is malformed; ``problems`` lists each with its line number."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def _node_line(root: yaml.Node, loc: Sequence[int | str]) -> int:
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            nxt = node.value[part] if part < len(node.value) else None
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
    return node.start_mark.line + 1


def parse_yaml(text: str) -> Programme:
    """Parse and validate a programme YAML document."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise ProgrammeFileError([Problem(line, "-", e.problem or "invalid YAML")]) from None
    except (yaml.YAMLError, ValueError, OverflowError) as e:
        # Found by tests/fuzz: a control character (ReaderError, no mark) or a date YAML parses
        # but Python cannot hold (year 0) must be a refusal too.
        raise ProgrammeFileError([Problem(0, "-", f"invalid YAML ({type(e).__name__})")]) from None
    if root is None or not isinstance(data, dict):
        raise ProgrammeFileError([Problem(1, "-", "expected a mapping with programme keys")])
    try:
        return Programme.model_validate(data)
    except ValidationError as e:
        problems = [
            Problem(
                _node_line(root, err["loc"]),
                ".".join(str(p) for p in err["loc"]) or "-",
                err["msg"],
            )
            for err in e.errors()
        ]
        raise ProgrammeFileError(problems) from None


def dump_yaml(programme: Programme) -> str:
    data = programme.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def parse_csv(text: str, base: Programme) -> Programme:
    """Apply measure rows from CSV to ``base`` (new or replaced measures); goals are kept."""
    try:
        return _parse_csv(text, base)
    except csv.Error:  # found by tests/fuzz: e.g. a bare carriage return inside a field
        raise ProgrammeFileError([Problem(0, "-", "malformed CSV")]) from None


def _parse_csv(text: str, base: Programme) -> Programme:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("id", "action_line", "title") if c not in (reader.fieldnames or [])]
    if missing:
        raise ProgrammeFileError([Problem(1, c, "required column missing") for c in missing])
    unknown = [c for c in reader.fieldnames or [] if c not in CSV_COLUMNS]
    if unknown:
        raise ProgrammeFileError([Problem(1, c, "unknown column") for c in unknown])
    existing = {m.id: m for m in base.measures}
    order = [m.id for m in base.measures]
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        # A short row fills missing cells with None (found by tests/fuzz): treat them as empty.
        data: dict[str, Any] = {
            k: v for k, v in row.items() if k is not None and v is not None and v != ""
        }
        if "partners" in data:
            data["partners"] = [p.strip() for p in data["partners"].split(PARTNER_SEP)]
        old = existing.get(str(data.get("id", "")))
        if old is not None:
            data["goals"] = [g.model_dump() for g in old.goals]
            data["milestones"] = [m.model_dump() for m in old.milestones]
        try:
            measure = Measure.model_validate(data)
        except ValidationError as e:
            problems += [Problem(line, str(err["loc"][0]), err["msg"]) for err in e.errors()]
            continue
        if measure.id not in existing:
            order.append(measure.id)
        existing[measure.id] = measure
    if problems:
        raise ProgrammeFileError(problems)
    try:
        return Programme(
            programme=base.programme,
            action_lines=base.action_lines,
            measures=[existing[i] for i in order],
        )
    except ValidationError as e:
        raise ProgrammeFileError([Problem(0, "-", err["msg"]) for err in e.errors()]) from None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return PARTNER_SEP.join(str(v) for v in value)
    if isinstance(value, Status | dt.date):
        return str(value)
    return str(value)


def dump_csv(programme: Programme) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in programme.measures:
        writer.writerow([_cell(getattr(m, c)) for c in CSV_COLUMNS])
    return out.getvalue()
