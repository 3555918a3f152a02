"""The store refuses a second "current" version of one record (the concurrent-submission race)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from tests.intake.factory import KEY_ID, ORG, REPORTER_TYPE
from zichtbaar.store import Store
from zichtbaar.store.models import Registration, Submission


def _submission(store: Store, sub_id: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            insert(Submission).values(
                id=sub_id,
                org_id=ORG,
                kind="registrations",
                sha256=sub_id.ljust(64, "0"),
                package_id=sub_id,
                key_id=KEY_ID,
                received_at=dt.datetime.now(dt.UTC),
                actor="test",
                row_count=1,
                accepted=1,
                unchanged=0,
                corrected=0,
                quarantined=0,
                status="accepted",
            )
        )


def _row(version: int, current: bool, sub_id: str, org: str = ORG) -> dict[str, object]:
    return {
        "org_id": org,
        "record_id": "R1",
        "version": version,
        "current": current,
        "submission_id": sub_id,
        "content_hash": f"h{version}",
    }


_REQUIRED: dict[str, object] = {
    "registration_date": dt.date(2024, 1, 1),
    "gender": "female",
    "nationality": "NLD",
    "nationality_group": "nl",
    "age_group": "18-22",
    "form": "labour",
    "region": "r",
    "legal_basis": "legal_duty",
}


def test_second_current_version_refused(store: Store) -> None:
    assert REPORTER_TYPE
    _submission(store, "s1")
    extra = _REQUIRED
    with store.engine.begin() as conn:
        conn.execute(insert(Registration).values(**_row(1, True, "s1"), **extra))
    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(insert(Registration).values(**_row(2, True, "s1"), **extra))
    # Retiring the old version first (what ingestion does) is allowed, and so are many old ones.
    with store.engine.begin() as conn:
        conn.execute(update(Registration).values(current=False))
        conn.execute(insert(Registration).values(**_row(2, True, "s1"), **extra))
        conn.execute(insert(Registration).values(**_row(3, False, "s1"), **extra))
