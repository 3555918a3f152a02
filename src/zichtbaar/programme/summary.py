"""Status counts per action line: the numbers the web overview and the report chapter share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from zichtbaar.programme.checks import overdue
from zichtbaar.programme.document import Programme
from zichtbaar.programme.status import Status


@dataclass(frozen=True)
class LineSummary:
    action_line: str
    title: str
    counts: dict[Status, int]
    unknown: int
    total: int


def status_counts(programme: Programme) -> list[LineSummary]:
    """Per action line, how many measures have each status (``unknown``: none recorded)."""
    out = []
    for line in programme.action_lines:
        measures = [m for m in programme.measures if m.action_line == line.id]
        counts = {s: sum(1 for m in measures if m.status == s) for s in Status}
        unknown = sum(1 for m in measures if m.status is None)
        out.append(LineSummary(line.id, line.title, counts, unknown, len(measures)))
    return out


def action_line_rows(programme: Programme) -> list[dict[str, Any]]:
    """``status_counts`` as JSON rows (status codes as keys): the web overview and the snapshot."""
    return [
        {
            "id": s.action_line,
            "title": s.title,
            "counts": {k.value: v for k, v in s.counts.items()},
            "unknown": s.unknown,
            "total": s.total,
        }
        for s in status_counts(programme)
    ]


def snapshot(programme: Programme, today: dt.date | None = None) -> dict[str, Any]:
    """A JSON-able picture for a release's ``extra["programme"]``: what the report chapter shows.

    It is frozen into the release so the published chapter never changes afterwards.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    late = set(overdue(programme, today))
    return {
        "id": programme.programme.id,
        "title": programme.programme.title,
        "as_of": today.isoformat(),
        "action_lines": action_line_rows(programme),
        "overdue": [
            {
                "id": m.id,
                "title": m.title,
                "owner": m.owner,
                "deadline": m.deadline.isoformat() if m.deadline else None,
                "status": m.status.value if m.status else None,
            }
            for m in programme.measures
            if m.id in late
        ],
    }
