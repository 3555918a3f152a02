"""On PostgreSQL, two simultaneous submissions touching the same records leave one current version.

Without the partial unique index (migration 0003) both transactions read "no current version",
both insert one, and the record ends up with two current rows.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select

from tests.intake.factory import KEY_ID, ORG, REPORTER_TYPE, registrations, write_package
from zichtbaar.errors import IntakeError
from zichtbaar.intake import SubmissionReport, ingest_package
from zichtbaar.store import add_organisation, open_store, register_key_id
from zichtbaar.store.models import Registration


def test_concurrent_ingests_of_the_same_records(postgres_url: str, tmp_path: Path) -> None:
    store = open_store(postgres_url, key_file=tmp_path / "hub-key.json")
    add_organisation(store, ORG, "Politie", REPORTER_TYPE, actor="test")
    register_key_id(store, KEY_ID, actor="test")
    n, rounds = 40, 4
    outcomes: list[str] = []
    for r in range(rounds):
        # Same record ids, different content in each package: each is a new version.
        pkgs = [write_package(tmp_path / f"p{r}-{w}", registrations(n)) for w in range(2)]
        barrier = threading.Barrier(2)

        def submit(pkg: Path, barrier: threading.Barrier = barrier) -> str:
            barrier.wait()
            try:
                report: SubmissionReport = ingest_package(store, pkg, ORG, "test")
            except IntakeError:
                return "refused"
            return "duplicate" if report.duplicate else "stored"

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes.extend(pool.map(submit, pkgs))
        with store.engine.connect() as conn:
            per_record = conn.execute(
                select(Registration.record_id, func.count())
                .where(Registration.current)
                .group_by(Registration.record_id)
            ).all()
        assert len(per_record) == n
        assert {c for _rid, c in per_record} == {1}, f"round {r}: a record has two current rows"
    assert "stored" in outcomes
    assert set(outcomes) <= {"stored", "refused"}
    store.close()
