from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zichtbaar.programme import SEED, Check, Programme, check_programme, overdue, parse_yaml

TODAY = dt.date(2024, 6, 1)
IND = {"name": "suspects", "value": 200, "source": "police annual report"}


def _doc(**measure: Any) -> Programme:
    m: dict[str, Any] = {
        "id": "A-1",
        "action_line": "A",
        "title": "t",
        "owner": "Police",
        "goals": [{"text": "g", "indicators": [IND]}],
    }
    m.update(measure)
    return Programme.model_validate(
        {
            "programme": {"id": "p", "title": "P"},
            "action_lines": [{"id": "A", "title": "A"}],
            "measures": [m],
        }
    )


def _checks(doc: Programme) -> set[Check]:
    return {f.check for f in check_programme(doc, TODAY)}


def test_complete_measure_has_no_findings() -> None:
    assert _checks(_doc()) == set()


@pytest.mark.parametrize("owner", [None, "", "  ", "unknown"])
def test_measure_without_owner(owner: str | None) -> None:
    assert _checks(_doc(owner=owner)) == {Check.NO_OWNER}


def test_measure_without_indicator() -> None:
    assert _checks(_doc(goals=[])) == {Check.NO_INDICATOR}
    assert _checks(_doc(goals=[{"text": "goal without indicator"}])) == {Check.NO_INDICATOR}


@pytest.mark.parametrize(
    ("status", "deadline", "expected"),
    [
        ("in_progress", dt.date(2024, 5, 31), True),
        (None, dt.date(2024, 5, 31), True),
        ("delayed", dt.date(2020, 1, 1), True),
        ("implemented", dt.date(2020, 1, 1), False),
        ("structurally_embedded", dt.date(2020, 1, 1), False),
        ("cancelled", dt.date(2020, 1, 1), False),
        ("in_progress", TODAY, False),
        ("in_progress", None, False),
    ],
)
def test_deadline_passed_without_closing_status(
    status: str | None, deadline: dt.date | None, expected: bool
) -> None:
    doc = _doc(status=status, deadline=deadline)
    assert (Check.OVERDUE in _checks(doc)) is expected
    assert (overdue(doc, TODAY) == ["A-1"]) is expected


@pytest.mark.parametrize(
    ("release_date", "stale"),
    [(dt.date(2023, 5, 31), True), (dt.date(2023, 6, 2), False), (TODAY, False)],
)
def test_indicator_release_older_than_a_year(release_date: dt.date, stale: bool) -> None:
    ind = {
        "name": "victims identified",
        "table": {"release": "r2023", "release_date": release_date, "table": "victims_by_year"},
    }
    doc = _doc(goals=[{"text": "g", "indicators": [ind]}])
    assert (Check.STALE_RELEASE in _checks(doc)) is stale


def test_indicator_cannot_be_both_manual_and_table() -> None:
    bad = {**IND, "table": {"release": "r", "release_date": TODAY, "table": "t"}}
    with pytest.raises(ValueError, match="not both"):
        _doc(goals=[{"text": "g", "indicators": [bad]}])


def test_seed_findings() -> None:
    doc = parse_yaml(SEED.read_text(encoding="utf-8"))
    found = check_programme(doc, TODAY)
    by = {(f.measure_id, f.check) for f in found}
    assert ("AL1-01", Check.NO_OWNER) in by
    assert ("AL1-04", Check.NO_INDICATOR) not in by
    assert ("AL4-01", Check.OVERDUE) in by
