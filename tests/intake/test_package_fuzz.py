"""Random bytes and mutated manifests never crash the reader with anything but a PackageError."""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.intake.factory import registrations, write_package
from zichtbaar.errors import PackageError
from zichtbaar.intake.package import load_package
from zichtbaar.standard.package import compute_package_id

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=4096))
def test_random_data_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # The manifest declares the right checksum, so the Parquet reader itself is exercised.
        pkg = write_package(Path(tmp) / "p", registrations(1), data_bytes=data)
        manifest = json.loads((pkg / "manifest.json").read_text())
        manifest["sha256"] = hashlib.sha256(data).hexdigest()
        manifest["package_id"] = compute_package_id(manifest)
        (pkg / "manifest.json").write_text(json.dumps(manifest))
        with contextlib.suppress(PackageError):
            load_package(pkg, "police-nl")


@settings(max_examples=40, deadline=None)
@given(
    key=st.sampled_from(
        [
            "standard_version",
            "schema_version",
            "kind",
            "organisation",
            "reporter_type",
            "key_id",
            "row_count",
            "sha256",
            "created_at",
            "package_id",
            "extra",
        ]
    ),
    value=JSONISH,
    raw=st.one_of(st.none(), st.binary(max_size=64)),
)
def test_mutated_manifest(key: str, value: Any, raw: bytes | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pkg = write_package(Path(tmp) / "p", registrations(2))
        if raw is not None:
            (pkg / "manifest.json").write_bytes(raw)
        else:
            manifest = json.loads((pkg / "manifest.json").read_text())
            manifest[key] = value
            (pkg / "manifest.json").write_text(json.dumps(manifest))
        try:
            load_package(pkg, "police-nl")
        except PackageError as err:
            assert "Traceback" not in str(err)


def test_valid_package_loads(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "p", registrations(3))
    loaded = load_package(pkg, "police-nl")
    assert loaded.table.num_rows == 3 and loaded.manifest.kind == "registrations"
