"""Build packages the way an organisation's encoder would, without the encoder.

Random 64-hex tokens and random Bloom bytes: the hub cannot tell them from real encodings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from pathlib import Path
from typing import Any

import pandas as pd

from zichtbaar.standard.models import TOKEN_COLUMNS, fields_of_version
from zichtbaar.standard.package import ENCODING_SCHEMA_VERSION, EncodingSchema, compute_package_id

TOKENS = TOKEN_COLUMNS
ORG = "police-nl"
REPORTER_TYPE = "police"
KEY_ID = "k2026-test"
FILTER_BITS = 1024
VERSION = "1.0"
"""The standard version of the packages built here unless a test says otherwise: 1.0, without
the optional fields of 1.1, which the hub keeps taking."""


def columns(kind: str, version: str = VERSION) -> list[str]:
    """The data columns a package of ``kind`` and standard ``version`` has."""
    return list(fields_of_version(kind, version))


def registration(i: int, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {t: secrets.token_hex(32) for t in TOKENS}
    row.update(
        bloom=secrets.token_bytes(FILTER_BITS // 8),
        bloom_address=secrets.token_bytes(FILTER_BITS // 8) if i % 2 else None,
        bloom_given=secrets.token_bytes(FILTER_BITS // 8),
        bloom_surname=secrets.token_bytes(FILTER_BITS // 8) if i % 3 else None,
        record_id=f"R{i:07d}",
        registration_date=dt.date(2024, 1 + i % 12, 1 + i % 28),
        gender=("female", "male")[i % 2],
        nationality="NLD",
        nationality_group="NL",
        age_group="18-22",
        form="labour",
        region="amsterdam",
        legal_basis="legal_duty",
    )
    row.update(over)
    return row


def suspect(i: int, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "case_id": f"C{i:06d}",
        "year": 2023,
        "form": "labour",
        "age": 30,
        "gender": "male",
        "nationality": "NLD",
        "nationality_group": "NL",
        "prosecution_decision": "summons",
        "conviction": "none",
    }
    row.update(over)
    return row


def registrations(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [registration(start + i) for i in range(n)]


def write_package(
    out: Path,
    rows: list[dict[str, Any]] | pd.DataFrame,
    kind: str = "registrations",
    org: str = ORG,
    reporter_type: str = REPORTER_TYPE,
    key_id: str | None = KEY_ID,
    manifest_over: dict[str, Any] | None = None,
    data_bytes: bytes | None = None,
) -> Path:
    """Write data.parquet, encoding.json and manifest.json; ``manifest_over`` tampers fields."""
    out.mkdir(parents=True, exist_ok=True)
    version = str((manifest_over or {}).get("standard_version", VERSION))
    if version not in ("1.0", "1.1"):  # a tampered version: the columns of the default one
        version = VERSION
    frame = (
        rows
        if isinstance(rows, pd.DataFrame)
        else pd.DataFrame(rows, columns=columns(kind, version) if not rows else None)
    )
    data = out / "data.parquet"
    if data_bytes is None:
        frame.to_parquet(data, index=False)
    else:
        data.write_bytes(data_bytes)
    enc = EncodingSchema(
        filter_bits=FILTER_BITS,
        fields=({"field": "surname", "hashes": 10},),  # type: ignore[arg-type]
        tokens=TOKENS,
    )
    (out / "encoding.json").write_text(enc.model_dump_json())
    manifest: dict[str, Any] = {
        "standard_version": VERSION,
        "schema_version": ENCODING_SCHEMA_VERSION,
        "kind": kind,
        "organisation": org,
        "reporter_type": reporter_type,
        "key_id": key_id,
        "row_count": len(frame),
        "sha256": hashlib.sha256(data.read_bytes()).hexdigest(),
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    manifest.update(manifest_over or {})
    if "package_id" not in (manifest_over or {}):
        manifest["package_id"] = compute_package_id(manifest)
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out
