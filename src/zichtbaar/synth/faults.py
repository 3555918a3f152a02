"""Write a true person as an organisation's record, with the identifier faults real records have.

Every fault applied is returned beside the record (``truth/records.csv``), so the linkage and the
tests can measure error rates against the truth instead of guessing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from zichtbaar.synth.config import FaultRates
from zichtbaar.synth.names import latin
from zichtbaar.synth.reporters import Habits

DOB_FORMATS = ("iso", "dmy_dash", "dmy_slash")
UNKNOWN_GENDER = 0.01
UNKNOWN_NATIONALITY = 0.02
UNKNOWN_REGION = 0.03


def format_date(d: dt.date, fmt: str, swap: bool = False) -> str:
    day, month = (d.month, d.day) if swap else (d.day, d.month)
    if fmt == "iso":
        return f"{d.year:04d}-{month:02d}-{day:02d}"
    if fmt == "dmy_dash":
        return f"{day:02d}-{month:02d}-{d.year:04d}"
    return f"{day}/{month}/{d.year}"


def typo(text: str, rng: np.random.Generator) -> str:
    """One keyboard-style edit: delete, double, transpose or substitute a letter (never a no-op)."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if not letters:
        return text + text[-1:] if text else text
    for _ in range(8):
        i = letters[int(rng.integers(len(letters)))]
        op = int(rng.integers(4))
        if op == 0 and len(letters) > 2:
            out = text[:i] + text[i + 1 :]
        elif op == 1:
            out = text[:i] + text[i] + text[i:]
        elif op == 2 and i + 1 < len(text) and text[i + 1].isalpha():
            out = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        else:
            pool = sorted({c.lower() for c in text if c.isalpha()} | set("aeiounrst"))
            if not text[i].isascii():
                pool = sorted({c.lower() for c in text if c.isalpha()})
            c = pool[int(rng.integers(len(pool)))]
            out = text[:i] + (c.upper() if text[i].isupper() else c) + text[i + 1 :]
        if out != text:
            return out
    return text + text[-1]


def render(
    people: pd.DataFrame,
    habits: Sequence[Habits],
    faults: FaultRates,
    rng: np.random.Generator,
    *,
    bsn_share: Sequence[float],
    force_variation: np.ndarray | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Identifier columns for each row of ``people`` as written under each row's ``habits``.

    ``force_variation`` marks rows (re-registrations) that must differ from the first one: they
    get a typo, or lose their place of birth when they have no name to misspell.
    """
    n = len(people)
    u = rng.random((n, 12))
    given_out: list[str | None] = []
    sur_out: list[str | None] = []
    dob_out: list[str | None] = []
    place_out: list[str | None] = []
    bsn_out: list[str | None] = []
    fault_out: list[str] = []
    fmt_pick = rng.integers(0, len(DOB_FORMATS), size=n)
    cols = people[
        [
            "given_names",
            "surname",
            "alias_surname",
            "script",
            "date_of_birth",
            "place_of_birth",
            "bsn",
        ]
    ].itertuples(index=False, name=None)
    for i, (given, surname, alias, script, dob, place, bsn) in enumerate(cols):
        h = habits[i]
        applied: list[str] = []
        force = force_variation is not None and bool(force_variation[i])
        if script != "latin":
            if u[i, 0] < h.native_share:
                applied.append("native_script")
            else:
                given, surname, alias = (
                    latin(s, script, h.scheme) for s in (given, surname, alias)
                )
                applied.append(f"transliterated_{h.scheme}")
        if u[i, 1] < faults.name_change:
            surname = alias
            applied.append("name_change")
        if u[i, 2] < faults.typo or force:
            if u[i, 3] < 0.5:
                given = typo(given, rng)
            else:
                surname = typo(surname, rng)
            applied.append("typo")
        if u[i, 4] < faults.swap_name_order:
            given, surname = surname, given
            applied.append("swap_name_order")
        g: str | None = given
        s: str | None = surname
        if u[i, 5] < faults.missing_names:
            g = s = None
            applied.append("missing_names")
        fmt = h.dob_format
        if u[i, 6] < faults.other_dob_format:
            fmt = DOB_FORMATS[int(fmt_pick[i])]
        born = dt.date.fromisoformat(dob)
        swap = born.day <= 12 and born.day != born.month and u[i, 7] < faults.swap_day_month
        if swap:
            applied.append("swap_day_month")
        d: str | None = format_date(born, fmt, swap)
        if u[i, 8] < faults.missing_dob:
            d = None
            applied.append("missing_dob")
        p: str | None = (
            place
            if script == "latin" or u[i, 0] < h.native_share
            else latin(place, script, h.scheme)
        )
        if u[i, 9] < faults.missing_place:
            p = None
            applied.append("missing_place")
        b = bsn if isinstance(bsn, str) and u[i, 10] < bsn_share[i] else None
        given_out.append(g)
        sur_out.append(s)
        dob_out.append(d)
        place_out.append(p)
        bsn_out.append(b)
        fault_out.append(";".join(applied))
    out = pd.DataFrame(
        {
            "given_names": given_out,
            "surname": sur_out,
            "date_of_birth": dob_out,
            "place_of_birth": place_out,
            "bsn": bsn_out,
        }
    )
    v = rng.random((n, 3))
    out["gender"] = np.where(v[:, 0] < UNKNOWN_GENDER, "unknown", people["gender"].to_numpy())
    out["nationality"] = np.where(
        v[:, 1] < UNKNOWN_NATIONALITY, "XXX", people["nationality"].to_numpy()
    )
    out["_region_unknown"] = v[:, 2] < UNKNOWN_REGION
    return out, fault_out
