"""Consistency checks a coordinator sees: what is missing, late or stale in the programme."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from zichtbaar.programme.document import Programme
from zichtbaar.programme.status import CLOSED

STALE_AFTER = dt.timedelta(days=365)


class Check(StrEnum):
    NO_OWNER = "no_owner"
    NO_INDICATOR = "no_indicator"
    OVERDUE = "overdue"
    STALE_RELEASE = "stale_release"


@dataclass(frozen=True)
class Finding:
    check: Check
    measure_id: str
    message: str


def check_programme(programme: Programme, today: dt.date | None = None) -> list[Finding]:
    """All findings, measure by measure, in programme order."""
    today = today or dt.datetime.now(dt.UTC).date()
    out: list[Finding] = []
    for m in programme.measures:
        if not (m.owner or "").strip():
            out.append(Finding(Check.NO_OWNER, m.id, "no owner organisation"))
        if not m.indicators:
            out.append(Finding(Check.NO_INDICATOR, m.id, "no indicator"))
        if m.deadline is not None and m.deadline < today and m.status not in CLOSED:
            out.append(
                Finding(
                    Check.OVERDUE,
                    m.id,
                    f"deadline {m.deadline.isoformat()} passed without being implemented, "
                    "embedded or cancelled",
                )
            )
        for ind in m.indicators:
            if ind.table is not None and today - ind.table.release_date > STALE_AFTER:
                out.append(
                    Finding(
                        Check.STALE_RELEASE,
                        m.id,
                        f"indicator '{ind.name}' uses release {ind.table.release} "
                        "older than a year",
                    )
                )
    return out


def overdue(programme: Programme, today: dt.date | None = None) -> list[str]:
    """Ids of measures whose deadline passed while still open."""
    return [f.measure_id for f in check_programme(programme, today) if f.check == Check.OVERDUE]
