"""Encoding schema 3.3 added the name parts' filters; packages of 3.2 are still taken in."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.intake.factory import registration, write_package
from zichtbaar.errors import PackageError
from zichtbaar.intake import export_snapshot, ingest_package
from zichtbaar.store import Store

PARTS = ("bloom_given", "bloom_surname")


def _as_schema_3_2(pkg: Path) -> Path:
    """Make ``pkg`` a package as a 3.2 encoder wrote it (no part columns, version 3.2)."""
    frame = pd.read_parquet(pkg / "data.parquet").drop(columns=list(PARTS))
    rows = frame.to_dict("records")
    out = write_package(
        pkg.parent / f"{pkg.name}-32", rows, manifest_over={"schema_version": "3.2"}
    )
    encoding = json.loads((out / "encoding.json").read_text())
    encoding["version"] = "3.2"
    (out / "encoding.json").write_text(json.dumps(encoding))
    return out


def test_a_package_of_schema_3_2_is_taken_in_and_its_parts_are_empty(
    store: Store, tmp_path: Path
) -> None:
    pkg = _as_schema_3_2(write_package(tmp_path / "p", [registration(1), registration(2)]))
    report = ingest_package(store, pkg, "police-nl", "tester")
    assert report.accepted == 2
    export_snapshot(store, tmp_path / "snap")
    frame = pd.read_parquet(tmp_path / "snap" / "registrations.parquet")
    assert frame["bloom"].notna().all()
    for column in PARTS:
        assert frame[column].isna().all()


def test_a_3_3_package_without_the_part_columns_is_refused(store: Store, tmp_path: Path) -> None:
    """The manifest's schema version decides the columns: 3.3 without them breaks the contract."""
    pkg = write_package(tmp_path / "p", [registration(1)])
    frame = pd.read_parquet(pkg / "data.parquet").drop(columns=list(PARTS))
    broken = write_package(tmp_path / "q", frame.to_dict("records"))
    with pytest.raises(PackageError, match="missing: bloom_given, bloom_surname"):
        ingest_package(store, broken, "police-nl", "tester")
