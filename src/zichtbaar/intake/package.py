"""Reading and verifying a package before any row is looked at.

Every check here refuses the whole package with a ``PackageError`` that says which check failed,
never a value from the files. Cheap checks (size, manifest, checksum) run before Parquet parsing,
so a hostile file is hashed but not parsed unless its checksum was declared.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from pydantic import ValidationError

from zichtbaar.errors import PackageError
from zichtbaar.intake.parquet_limits import (
    DEFAULT_MAX_DECODED_BYTES,
    inspect_parquet,
    read_bounded,
)
from zichtbaar.standard.codes import STANDARD_VERSION
from zichtbaar.standard.models import RECORD_MODEL_OF_KIND, fields_of_version
from zichtbaar.standard.package import (
    DATA_FILE,
    ENCODING_FILE,
    ENCODING_SCHEMA_VERSION,
    MANIFEST_FILE,
    EncodingSchema,
    Manifest,
    compute_package_id,
)

DEFAULT_MAX_BYTES = 2 * 1024**3
"""Refuse data files above 2 GiB unless the caller allows more (about 10M encoded rows)."""

SUPPORTED_STANDARD_VERSIONS = frozenset({"1.0", STANDARD_VERSION})
"""Minor versions only add optional fields: an older package is read with them empty."""
SUPPORTED_SCHEMA_VERSIONS = frozenset({"3.2", ENCODING_SCHEMA_VERSION})
"""3.3 only adds the filters of the name's parts: a 3.2 package links by its whole-name filter
(``link/comparisons.py`` falls back to it for any pair lacking the parts), so it is accepted."""
MANIFEST_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class LoadedPackage:
    """A package whose files passed every whole-package check."""

    manifest: Manifest
    encoding: EncodingSchema | None
    table: pa.Table
    sha256: str


def _pydantic_summary(err: ValidationError) -> str:
    # str(err) echoes input values; keep only where and what.
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in err.errors()]
    return "; ".join(parts[:5])


def _read_json(path: Path, what: str) -> object:
    if not path.is_file():
        raise PackageError(f"the package has no {path.name}")
    if path.stat().st_size > MANIFEST_MAX_BYTES:
        raise PackageError(f"{path.name} is too large to be a {what}")
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise PackageError(f"{path.name} is not valid JSON") from None


def read_manifest(package_dir: Path) -> Manifest:
    raw = _read_json(package_dir / MANIFEST_FILE, "manifest")
    try:
        return Manifest.model_validate(raw)
    except ValidationError as err:
        raise PackageError(
            f"manifest.json does not follow the contract: {_pydantic_summary(err)}"
        ) from None


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_package(
    package_dir: Path,
    org: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> LoadedPackage:
    """Verify the package's files for ``org``; the store-side checks (key id) come after."""
    package_dir = Path(package_dir)
    if not package_dir.is_dir():
        raise PackageError("the package is not a directory")
    manifest = read_manifest(package_dir)
    if manifest.organisation != org:
        raise PackageError("the manifest names another organisation than the submitter")
    if manifest.standard_version not in SUPPORTED_STANDARD_VERSIONS:
        raise PackageError(
            f"standard version {manifest.standard_version} is not supported "
            f"(supported: {', '.join(sorted(SUPPORTED_STANDARD_VERSIONS))})"
        )
    if manifest.schema_version not in SUPPORTED_SCHEMA_VERSIONS:
        raise PackageError(
            f"encoding schema version {manifest.schema_version} is not supported "
            f"(supported: {', '.join(sorted(SUPPORTED_SCHEMA_VERSIONS))})"
        )
    if compute_package_id(manifest.model_dump(mode="json")) != manifest.package_id:
        raise PackageError("the manifest's package_id does not match its fields")
    encoding: EncodingSchema | None = None
    enc_path = package_dir / ENCODING_FILE
    if enc_path.exists() or manifest.kind != "suspects":
        raw = _read_json(enc_path, "encoding schema")
        try:
            encoding = EncodingSchema.model_validate(raw)
        except ValidationError as err:
            raise PackageError(
                f"encoding.json does not follow the contract: {_pydantic_summary(err)}"
            ) from None
        if encoding.version != manifest.schema_version:
            raise PackageError("encoding.json and manifest.json name different schema versions")
    data = package_dir / DATA_FILE
    if not data.is_file():
        raise PackageError("the package has no data.parquet")
    if data.stat().st_size > max_bytes:
        raise PackageError(f"data.parquet is larger than the limit of {max_bytes:,} bytes")
    sha = file_sha256(data)
    if sha != manifest.sha256:
        raise PackageError("the SHA-256 of data.parquet does not match the manifest")
    parquet, names = inspect_parquet(data, manifest.row_count)
    expected = set(
        fields_of_version(manifest.kind, manifest.standard_version, manifest.schema_version)
    )
    present = set(names)
    missing, extra = sorted(expected - present), sorted(present - expected)
    if missing or extra:
        detail = []
        if missing:
            detail.append(f"missing: {', '.join(missing)}")
        if extra:
            detail.append(f"not in the standard: {', '.join(extra[:20])}")
        raise PackageError(
            f"the columns of data.parquet do not match kind '{manifest.kind}' ({'; '.join(detail)})"
        )
    table = _with_later_fields(read_bounded(data, parquet, max_decoded_bytes), manifest.kind)
    return LoadedPackage(manifest=manifest, encoding=encoding, table=table, sha256=sha)


def _with_later_fields(table: pa.Table, kind: str) -> pa.Table:
    """A package of an earlier minor version, with the fields added since as empty columns."""
    for name in RECORD_MODEL_OF_KIND[kind].model_fields:
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows))
    return table
