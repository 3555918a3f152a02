"""Encode an organisation's file into a package for the hub (``standard/package.py``).

Flow per chunk of rows: validate against the source model, normalise, tokens + Bloom filter,
code the non-identifying attributes, collect hub rows. No clear-text identifier is ever copied
into the package: the hub columns are built field by field from the hub model, never by passing
a source row through.

Rows that fail are not dropped silently: each problem becomes a ``RowIssue`` (row, field,
reason -- no value) in ``<package>.rejects.csv`` written next to the package, for the
organisation's eyes only.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError

from zichtbaar.encode.dates import settle_dob_order
from zichtbaar.encode.keys import LinkageKey
from zichtbaar.encode.reader import Table, read_table
from zichtbaar.encode.rowcodec import SOURCE_MODEL, RowEncoder, RowIssue, suspect_rows
from zichtbaar.encode.schema import default_schema
from zichtbaar.errors import EncodeError
from zichtbaar.standard.codes import REPORTER_TYPES
from zichtbaar.standard.models import (
    FILTER_COLUMNS,
    RECORD_MODEL_OF_KIND,
    PackageKind,
)
from zichtbaar.standard.package import (
    DATA_FILE,
    ENCODING_FILE,
    MANIFEST_FILE,
    EncodingSchema,
    Manifest,
    compute_package_id,
)

CHUNK_ROWS = 10_000
_ORG_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # as Manifest.organisation
IDENTIFIER_COLUMNS = (
    "given_names",
    "surname",
    "date_of_birth",
    "place_of_birth",
    "bsn",
    "street",
    "house_number",
    "postcode",
    "residence",
)

_ARROW_TYPE = {
    "registration_date": pa.date32(),
    "event_date": pa.date32(),
    **dict.fromkeys(FILTER_COLUMNS, pa.binary()),
    "year": pa.int64(),
    "exploitation_year": pa.int64(),
    "age": pa.int64(),
}


@dataclass(frozen=True)
class EncodeResult:
    """What ``encode_file`` did: the package, its manifest, and every row-level problem."""

    package_dir: Path
    manifest: Manifest
    rows_read: int
    issues: tuple[RowIssue, ...]
    rejects_path: Path
    notes: tuple[str, ...] = ()
    """File-level remarks for the user (how the dates of birth were read), without values."""

    @property
    def rows_encoded(self) -> int:
        return self.manifest.row_count

    @property
    def rows_rejected(self) -> int:
        return len({i.row for i in self.issues if i.action == "rejected"})

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.action == "warning")


def source_columns(kind: PackageKind) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(all columns, required columns) of the input file of ``kind``."""
    model = SOURCE_MODEL[kind]
    names = [n for n in model.model_fields if not (kind == "suspects" and n == "nationality_group")]
    required = [n for n in names if model.model_fields[n].is_required()]
    return tuple(names), tuple(required)


def rejects_path_for(out_dir: Path) -> Path:
    """The organisation-only rejects report: next to the package, never inside it."""
    return out_dir.parent / f"{out_dir.name}.rejects.csv"


def encode_file(
    path: Path,
    key: LinkageKey | None,
    org: str,
    reporter_type: str,
    kind: PackageKind,
    out_dir: Path,
    schema: EncodingSchema | None = None,
    created_at: dt.datetime | None = None,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> EncodeResult:
    """Read, validate, encode and package one organisation file.

    ``key`` may be None only for ``suspects`` (no identifiers). ``created_at`` and ``today`` can be
    fixed for reproducible packages and tests. ``workers`` processes encode chunks in parallel
    (default: one per CPU; files of a few chunks are encoded in this process). Raises
    ``EncodeError`` for problems with the file as a whole (unreadable, missing or unknown columns,
    bad arguments); row problems are reported, sorted by row.
    """
    if not _ORG_PATTERN.fullmatch(org):
        raise EncodeError("invalid organisation id: lower-case letters, digits, '-' and '_'")
    if reporter_type not in REPORTER_TYPES:
        raise EncodeError("unknown reporter type: not in code list 'reporter_type'")
    if kind not in SOURCE_MODEL:
        raise EncodeError("unknown package kind: use registrations, register_events or suspects")
    if key is None and kind != "suspects":
        raise EncodeError("a linkage key is required to encode identifiers")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise EncodeError("output directory exists and is not empty")
    return encode_table(
        read_table(path),
        key,
        org,
        reporter_type,
        kind,
        out_dir,
        schema,
        created_at,
        today,
        progress,
        workers,
    )


def encode_table(
    table: Table,
    key: LinkageKey | None,
    org: str,
    reporter_type: str,
    kind: PackageKind,
    out_dir: Path,
    schema: EncodingSchema | None = None,
    created_at: dt.datetime | None = None,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> EncodeResult:
    """``encode_file`` on rows already read (and perhaps mapped from an organisation's export)."""
    schema = schema or default_schema()
    today = today or dt.date.today()
    _check_columns(table.columns, kind)
    notes: list[str] = []
    if kind != "suspects" and "date_of_birth" in table.columns:
        note = settle_dob_order(table.rows, today)
        notes += [note] if note else []

    hub_rows: list[dict[str, Any]] = []
    issues = [RowIssue(row, "row", reason, "rejected") for row, reason in table.malformed]
    total = len(table.rows)
    chunks = [
        (table.rows[start : start + CHUNK_ROWS], table.row_numbers[start : start + CHUNK_ROWS])
        for start in range(0, total, CHUNK_ROWS)
    ]
    if kind == "suspects":
        results: Iterable[_ChunkResult] = (suspect_rows(c, numbers) for c, numbers in chunks)
    else:
        assert key is not None
        results = _encode_chunks(chunks, kind, key, schema, today, workers)
    done = 0
    for (chunk, _), (rows, found) in zip(chunks, results, strict=True):
        hub_rows.extend(rows)
        issues.extend(found)
        done += len(chunk)
        if progress:
            progress(done, total)

    out_dir.mkdir(parents=True, exist_ok=True)
    data_path = out_dir / DATA_FILE
    _write_parquet(hub_rows, kind, data_path)
    (out_dir / ENCODING_FILE).write_text(schema.model_dump_json(indent=2) + "\n", "utf-8")
    fields: dict[str, Any] = {
        "standard_version": Manifest.model_fields["standard_version"].default,
        "schema_version": schema.version,
        "kind": kind,
        "organisation": org,
        "reporter_type": reporter_type,
        "key_id": key.key_id if key and kind != "suspects" else None,
        "row_count": len(hub_rows),
        "sha256": hashlib.sha256(data_path.read_bytes()).hexdigest(),
    }
    try:
        manifest = Manifest(
            **fields,
            created_at=created_at or dt.datetime.now(dt.UTC),
            package_id=compute_package_id(fields),
        )
    except ValidationError as exc:
        bad = ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"])
        raise EncodeError(f"invalid package metadata: {bad}") from None
    (out_dir / MANIFEST_FILE).write_text(manifest.model_dump_json(indent=2) + "\n", "utf-8")
    rejects = rejects_path_for(out_dir)
    issues.sort(key=lambda issue: issue.row)
    _write_rejects(issues, rejects)
    return EncodeResult(
        out_dir, manifest, total + len(table.malformed), tuple(issues), rejects, tuple(notes)
    )


_ChunkResult = tuple[list[dict[str, Any]], list[RowIssue]]
_Chunk = tuple[list[dict[str, str | None]], list[int]]
_worker_encoder: RowEncoder | None = None


def _encode_chunks(
    chunks: list[_Chunk],
    kind: PackageKind,
    key: LinkageKey,
    schema: EncodingSchema,
    today: dt.date,
    workers: int | None,
) -> Iterator[_ChunkResult]:
    """Encode chunks in order, in worker processes when the file is large enough to pay off."""
    workers = workers or os.cpu_count() or 1
    done = 0
    if workers >= 2 and len(chunks) >= 4:
        # spawn, not fork: pyarrow's thread pool is already running in this process. The secret
        # reaches the workers through a local pipe only.
        context = multiprocessing.get_context("spawn")
        init_args = (kind, key, schema.model_dump_json(), today)
        try:
            with ProcessPoolExecutor(workers, context, _init_worker, init_args) as pool:
                for result in pool.map(_encode_in_worker, chunks):
                    yield result
                    done += 1
            return
        except BrokenProcessPool:
            # e.g. called from a script without a __main__ guard: finish in this process
            pass
    encoder = RowEncoder(kind, key, schema, today)
    for chunk, numbers in chunks[done:]:
        yield encoder.encode_chunk(chunk, numbers)


def _init_worker(kind: PackageKind, key: LinkageKey, schema_json: str, today: dt.date) -> None:
    global _worker_encoder
    schema = EncodingSchema.model_validate_json(schema_json)
    _worker_encoder = RowEncoder(kind, key, schema, today)


def _encode_in_worker(chunk: _Chunk) -> _ChunkResult:
    assert _worker_encoder is not None
    return _worker_encoder.encode_chunk(*chunk)


def _check_columns(columns: tuple[str, ...], kind: PackageKind) -> None:
    allowed, required = source_columns(kind)
    missing = [c for c in required if c not in columns]
    if missing:
        raise EncodeError(f"input file lacks required column(s): {', '.join(missing)}")
    unknown = [c for c in columns if c not in allowed]
    if unknown:
        # a misspelt identifier column would otherwise be ignored silently
        raise EncodeError(f"input file has unknown column(s): {', '.join(unknown)}")


def _write_parquet(rows: list[dict[str, Any]], kind: PackageKind, path: Path) -> None:
    """Columns exactly the hub model's fields, in order; no timestamps, so output is deterministic."""
    fields = list(RECORD_MODEL_OF_KIND[kind].model_fields)
    schema = pa.schema([pa.field(f, _ARROW_TYPE.get(f, pa.string())) for f in fields])
    columns = {f: pa.array([r[f] for r in rows], type=schema.field(f).type) for f in fields}
    pq.write_table(pa.table(columns, schema=schema), path, compression="zstd")


def _write_rejects(issues: list[RowIssue], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "field", "reason", "action"])
        for issue in issues:
            writer.writerow([issue.row, issue.field, issue.reason, issue.action])
