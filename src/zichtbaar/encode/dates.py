"""Dates written in a declared order (day-month-year, month-day-year, year-month-day).

``normalise.date_of_birth`` reads an ambiguous ``04/03/1990`` day-first, which is right for a Dutch
file and silently wrong for an American one. A mapping profile therefore declares the order of its
date columns; ``guess_order`` proposes one from the values and says when it could only guess
(every value ambiguous), so the user is warned instead of misread.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from zichtbaar.encode import normalise

DateOrder = Literal["DMY", "MDY", "YMD"]
DATE_ORDERS: tuple[DateOrder, ...] = ("DMY", "MDY", "YMD")

_SEP = r"[-/. ]"
_THREE = re.compile(rf"^(\d{{1,4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,4}})$", re.ASCII)
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", re.ASCII)


@dataclass(frozen=True)
class OrderGuess:
    """The date order the values support, and whether it is only a guess."""

    order: DateOrder
    ambiguous: bool
    """True when no value told day and month apart (the order was assumed, not seen)."""
    conflicting: bool = False
    """True when some values are only readable day-first and others only month-first."""


def _parts(text: str) -> tuple[int, int, int] | None:
    m = _THREE.match(_TIME.sub("", text.strip()))
    if not m:
        return None
    return int(m[1]), int(m[2]), int(m[3])


def guess_order(values: Iterable[str | None]) -> OrderGuess | None:
    """The order of the date values, or None when none has three numeric parts."""
    dmy = mdy = ymd = seen = 0
    for value in values:
        parts = _parts(value) if value else None
        if parts is None:
            continue
        seen += 1
        first, second, _ = parts
        if first > 31 or len(str(first)) == 4:
            ymd += 1
        elif first > 12 and second <= 12:
            dmy += 1
        elif second > 12 and first <= 12:
            mdy += 1
    if not seen:
        return None
    if ymd and ymd >= seen // 2:
        return OrderGuess("YMD", False)
    if dmy and mdy:
        return OrderGuess("DMY" if dmy >= mdy else "MDY", False, conflicting=True)
    if mdy:
        return OrderGuess("MDY", False)
    return OrderGuess("DMY", ambiguous=not dmy)


def to_iso(raw: str, order: DateOrder, today: dt.date, partial: bool = False) -> str:
    """``raw`` as ``YYYY-MM-DD`` read in ``order``; ``partial`` allows 00 for day or month.

    Raises ``normalise.DateOfBirthError`` (never with the value) for an unreadable or impossible
    date. Forms the order does not govern (``12 maart 1990``, ``19900304``, a bare year) are read
    as ``normalise.date_of_birth`` reads them.
    """
    parts = _parts(raw)
    if parts is None:
        dob = normalise.date_of_birth(raw, today)
        if dob is None:
            raise normalise.DateOfBirthError("unreadable date")
        if not partial and dob.complete is None:
            raise normalise.DateOfBirthError("incomplete date")
        return dob.iso()
    a, b, c = parts
    if len(str(a)) == 4 or order == "YMD":
        year, month, day = a, b, c
    elif order == "DMY":
        day, month, year = a, b, c
    else:
        month, day, year = a, b, c
    if year < 100:
        year = 2000 + year if 2000 + year <= today.year else 1900 + year
    if not partial and (day == 0 or month == 0):
        raise normalise.DateOfBirthError("incomplete date")
    dob = normalise.date_of_birth(f"{year:04d}-{month:02d}-{day:02d}", today)
    assert dob is not None
    return dob.iso()


def settle_dob_order(rows: list[dict[str, str | None]], today: dt.date) -> str | None:
    """For a file without a mapping: read its dates of birth in the order the file shows.

    A file whose dates of birth are month-first (some only readable so) is rewritten month-first,
    so that its ambiguous ``04/03/1990`` is April, not March. Returns a note for the user when the
    order was changed, mixed, or could only be assumed (every value ambiguous); None otherwise.
    """
    guess = guess_order(r.get("date_of_birth") for r in rows)
    if guess is None or guess.order == "YMD":
        return None
    if guess.order == "MDY":
        for row in rows:
            raw = row.get("date_of_birth")
            if raw and _parts(raw) is not None:
                with contextlib.suppress(normalise.DateOfBirthError):  # else the encoder reports it
                    row["date_of_birth"] = to_iso(raw, "MDY", today, partial=True)
    if guess.conflicting:
        return (
            "dates of birth mix day-first and month-first values: the ambiguous ones were read "
            f"{'month-first' if guess.order == 'MDY' else 'day-first'}; declare the order in a "
            "mapping profile (--mapping)"
        )
    if guess.order == "MDY":
        return "dates of birth are month-first (MM/DD/YYYY): read so"
    if guess.ambiguous:
        return (
            "every date of birth reads both day-first and month-first: read day-first (the Dutch "
            "order); if the file is month-first, declare it in a mapping profile (--mapping)"
        )
    return None
