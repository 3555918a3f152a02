"""The optional year of exploitation (standard 1.1): a bad one costs the row that field only.

The year says in which year the victim counts (docs/estimation.md); a wrong one would move them
to another year, a missing one only falls back to the year of the registration. So a value that
is not a year, lies before 1990 or after the registration's own year is left out of the package
with a warning (row and field, never the value), and the victim is sent without it.
"""

from __future__ import annotations

import datetime as dt
import re

from zichtbaar.standard.models import EXPLOITATION_YEAR_MIN

NOT_A_YEAR = "not a year (a whole number such as 2021); sent without it"
TOO_EARLY = f"year before {EXPLOITATION_YEAR_MIN}; sent without it"
AFTER_REGISTRATION = "year after the year of the registration date; sent without it"

REASONS_NL: dict[str, str] = {
    NOT_A_YEAR: "geen jaartal (een geheel getal zoals 2021): verstuurd zonder",
    TOO_EARLY: f"jaar voor {EXPLOITATION_YEAR_MIN}: verstuurd zonder",
    AFTER_REGISTRATION: "jaar na het jaar van de registratiedatum: verstuurd zonder",
}
"""The Dutch of each reason, for the organisation's problem list."""

_YEAR = re.compile(r"[0-9]{4}")


def exploitation_year(raw: str | None, registered: dt.date) -> tuple[int | None, str | None]:
    """(the year to send or None, the reason it was left out or None)."""
    if raw is None or not raw.strip():
        return None, None
    text = raw.strip()
    if not _YEAR.fullmatch(text):
        return None, NOT_A_YEAR
    year = int(text)
    if year < EXPLOITATION_YEAR_MIN:
        return None, TOO_EARLY
    if year > registered.year:
        return None, AFTER_REGISTRATION
    return year, None
