"""`run_linkage(engine="spark")` (`zichtbaar link --engine spark`) makes the same run as DuckDB."""

from __future__ import annotations

import datetime as dt
import hashlib
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.link.encoded_world import Encoder, make_encoded_snapshot
from zichtbaar.encode.keys import LinkageKey, Secret
from zichtbaar.errors import LinkError
from zichtbaar.link.run import open_run, run_linkage
from zichtbaar.types import KeyId

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = [pytest.mark.spark, pytest.mark.integration, pytest.mark.xdist_group("spark")]


def _persons(runs: Path, run_id: str) -> dict[str, str]:
    con = open_run(runs, run_id)
    rows = con.execute("SELECT registration_id, person_id FROM registration_person").fetchall()
    con.close()
    return {str(r): str(p) for r, p in rows}


def _together(mapping: dict[str, str]) -> set[tuple[str, str]]:
    by_person: dict[str, list[str]] = {}
    for reg, person in mapping.items():
        by_person.setdefault(person, []).append(reg)
    return {pair for regs in by_person.values() for pair in combinations(sorted(regs), 2)}


def test_spark_run_matches_the_duckdb_run(tmp_path: Path, spark: SparkSession) -> None:
    # One fixed key: each engine trains its own model, and at 1,200 registrations EM's small
    # differences decide a few pairs near the threshold; with a fresh key per run the agreement
    # was 0.989 on one key (CI, 29 Nov 2026) and >= 0.995 on others. The acceptance figure is
    # test_engine_agreement's 10,000-row world.
    secret = Secret(hashlib.sha256(b"run-engine-test").digest())
    key = LinkageKey(KeyId("test-run-engine"), secret, dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    snap = make_encoded_snapshot(
        tmp_path / "snap", n_persons=600, seed=5, n_events=150, encoder=Encoder(key=key)
    )
    runs = tmp_path / "runs"
    duck = run_linkage(snap.path, runs, "duck")
    spk = run_linkage(snap.path, runs, "spark", engine="spark")
    assert spk.registrations == duck.registrations
    a, b = _persons(runs, "duck"), _persons(runs, "spark")
    assert a.keys() == b.keys()
    together_a, together_b = _together(a), _together(b)
    assert together_a, "the snapshot has re-registered persons, so some pairs must link"
    union = together_a | together_b
    agree = 1 - len(together_a ^ together_b) / len(union)
    assert agree >= 0.995
    # the whole run is there: register linkage ran on DuckDB with Spark's trained model
    con = open_run(runs, "spark")
    assert con.execute("SELECT count(*) FROM person_events").fetchall()[0][0] > 0
    con.close()


def test_unknown_engine_and_incremental_spark_are_refused(tmp_path: Path) -> None:
    snap = make_encoded_snapshot(tmp_path / "snap", n_persons=50, seed=6)
    with pytest.raises(LinkError, match="unknown engine"):
        run_linkage(snap.path, tmp_path / "runs", "x", engine="flink")
    with pytest.raises(LinkError, match="incremental"):
        run_linkage(
            snap.path, tmp_path / "runs", "y", previous_run="x", incremental=True, engine="spark"
        )
