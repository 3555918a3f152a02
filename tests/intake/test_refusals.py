"""Every way a package can be untrustworthy -> refused whole, nothing stored, clear message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import func, select

from tests.intake.factory import registrations, write_package
from zichtbaar.errors import IntakeError, PackageError
from zichtbaar.intake import ingest_package
from zichtbaar.store import Store, verify_audit
from zichtbaar.store.models import AuditEntry, Registration, Submission


def _counts(store: Store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(Registration)).scalar_one(),
            conn.execute(select(func.count()).select_from(Submission)).scalar_one(),
        )


def _refused(store: Store, pkg: Path, match: str, org: str = "police-nl", **kw: Any) -> str:
    with pytest.raises((PackageError, IntakeError), match=match) as info:
        ingest_package(store, pkg, org, actor="tester", **kw)
    assert _counts(store) == (0, 0)
    return str(info.value)


def test_wrong_org(store: Store, tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(3))
    _refused(store, pkg, "another organisation", org="shelter-a")


def test_unknown_org(store: Store, tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(3), org="ghost-org")
    _refused(store, pkg, "not registered", org="ghost-org")


def test_wrong_reporter_type(store: Store, tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(3), reporter_type="ngo")
    _refused(store, pkg, "reporter type")


def test_unknown_key_id(store: Store, tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(3), key_id="k-unknown")
    _refused(store, pkg, "key id")


def test_encodings_without_key_id(store: Store, tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(3), key_id=None)
    _refused(store, pkg, "no key id")


@pytest.mark.parametrize(
    "field,value,match",
    [
        ("standard_version", "9.9", "standard version"),
        ("schema_version", "7.0", "schema version"),
    ],
)
def test_unsupported_versions(
    store: Store, tmp_path: Path, field: str, value: str, match: str
) -> None:
    pkg = write_package(tmp_path / "p", registrations(3), manifest_over={field: value})
    _refused(store, pkg, match)


def test_checksum_mismatch(store: Store, tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(3), manifest_over={"sha256": "0" * 64})
    _refused(store, pkg, "SHA-256")


def test_package_id_mismatch(store: Store, tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(3), manifest_over={"package_id": "f" * 64})
    _refused(store, pkg, "package_id")


def test_row_count_mismatch(store: Store, tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(3), manifest_over={"row_count": 4})
    _refused(store, pkg, "rows")


def test_oversized(store: Store, tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(3))
    _refused(store, pkg, "larger than the limit", max_bytes=100)


def test_truncated_parquet(store: Store, tmp_path: Path) -> None:
    good = write_package(tmp_path / "good", registrations(20))
    cut = (good / "data.parquet").read_bytes()[:-200]
    pkg = write_package(tmp_path / "p", registrations(20), data_bytes=cut)
    _refused(store, pkg, "not a readable Parquet")


def test_malformed_manifest(store: Store, tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(3))
    (pkg / "manifest.json").write_text("{not json")
    _refused(store, pkg, "not valid JSON")
    manifest = {"kind": "registrations"}
    (pkg / "manifest.json").write_text(json.dumps(manifest))
    _refused(store, pkg, "does not follow the contract")


def test_missing_and_extra_columns(store: Store, tmp_path: Path) -> None:
    frame = pd.DataFrame(registrations(3)).drop(columns=["form"])
    msg = _refused(store, write_package(tmp_path / "a", frame), "missing: form")
    assert "form" in msg
    frame = pd.DataFrame(registrations(3)).assign(surname="Jansen")
    msg = _refused(store, write_package(tmp_path / "b", frame), "not in the standard: surname")
    assert "Jansen" not in msg


def test_refusal_is_audited_without_data(store: Store, tmp_path: Path) -> None:
    rows = registrations(2)
    pkg = write_package(tmp_path / "p", rows, manifest_over={"sha256": "0" * 64})
    _refused(store, pkg, "SHA-256")
    with store.engine.connect() as conn:
        entries = conn.execute(select(AuditEntry.action, AuditEntry.object_ref)).all()
    assert "submission_refused" in {a for a, _ in entries}
    for _, ref in entries:
        assert rows[0]["tok_bsn"] not in ref and rows[0]["record_id"] not in ref
    assert verify_audit(store).ok
