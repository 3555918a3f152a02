"""``ingest_package``: verify a package, check every row, store it whole or not at all.

* A package is refused as a whole (``PackageError``/``IntakeError``) when it cannot be trusted.
* Otherwise every bad row is quarantined with its row number, field and reason; valid rows land.
* Same organisation + same data SHA-256 again -> the earlier report, flagged ``duplicate``.
* Same organisation + record id with other content -> a new version; the old one stays as history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zichtbaar.errors import IntakeError, PackageError, ZichtbaarError
from zichtbaar.intake.fingerprint import content_hashes
from zichtbaar.intake.package import DEFAULT_MAX_BYTES, LoadedPackage, load_package
from zichtbaar.intake.rows import RowProblem, check_rows
from zichtbaar.standard.package import EncodingSchema
from zichtbaar.store.audit import append_audit
from zichtbaar.store.engine import Store
from zichtbaar.store.models import (
    FILTER_COLUMNS,
    KEY_COLUMN_OF_KIND,
    RECORD_TABLE_OF_KIND,
    TOKEN_COLUMNS,
    LinkageKeyId,
    Organisation,
    QuarantinedRow,
    Submission,
    Withdrawal,
)

BLOCKING_WITHDRAWALS = ("consent_withdrawn", "erasure_request")
"""After these, the same record may not come back; after ``error`` a corrected row may."""
_CHUNK = 20_000


@dataclass
class SubmissionReport:
    """What happened to one package; ``problems`` explain every quarantined row."""

    submission_id: str
    org: str
    kind: str
    row_count: int
    accepted: int  # new + corrected rows stored
    corrected: int
    unchanged: int
    quarantined: int
    status: str
    problems: list[RowProblem] = field(default_factory=list)
    duplicate: bool = False

    @property
    def quarantined_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _verify_against_store(conn: Connection, pkg: LoadedPackage, org: str) -> None:
    m = pkg.manifest
    row = conn.execute(
        select(Organisation.reporter_type, Organisation.active).where(Organisation.id == org)
    ).first()
    if row is None or not row[1]:
        raise IntakeError(f"organisation '{org}' is not registered or not active at the hub")
    if row[0] != m.reporter_type:
        raise PackageError("the manifest's reporter type differs from the organisation's")
    if m.key_id is not None:
        active = conn.execute(
            select(LinkageKeyId.active).where(LinkageKeyId.key_id == m.key_id)
        ).scalar_one_or_none()
        if not active:
            raise PackageError(
                "the package was encoded with a key id the hub does not know (or retired)"
            )
    elif m.kind != "suspects":
        cols = [c for c in (*TOKEN_COLUMNS, *FILTER_COLUMNS) if c in pkg.table.column_names]
        if any(pkg.table.column(c).null_count < pkg.table.num_rows for c in cols):
            raise PackageError("the package holds encodings but names no key id")


ENCODING_DIFFERS = (
    "the package's encoding settings (encoding.json) differ from those of earlier packages under "
    "the same key: their records would not link. Encode with the settings every organisation "
    "uses; new settings need a new key (zichtbaar keys rotate)"
)


def _encoding_fingerprint(encoding: EncodingSchema) -> str:
    """sha256 of encoding settings in canonical form (key order, no spaces)."""
    canonical = json.dumps(encoding.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _pin_encoding(conn: Connection, pkg: LoadedPackage) -> None:
    """The first package under a key id fixes its encoding; a later one with other settings is
    refused here, the one place the pin is read, inside the ingest transaction: a concurrent
    first package with other settings waits on the row lock, then finds the pin taken."""
    key_id = pkg.manifest.key_id
    if key_id is None or pkg.encoding is None:
        return
    mine = _encoding_fingerprint(pkg.encoding)
    conn.execute(
        update(LinkageKeyId)
        .where(LinkageKeyId.key_id == key_id, LinkageKeyId.encoding_sha256.is_(None))
        .values(encoding_sha256=mine)
    )
    pinned = conn.execute(
        select(LinkageKeyId.encoding_sha256).where(LinkageKeyId.key_id == key_id)
    ).scalar_one_or_none()
    if pinned != mine:
        raise PackageError(ENCODING_DIFFERS)


def _stored_report(conn: Connection, sub: Submission) -> SubmissionReport:
    problems = [
        RowProblem(r.row_number, r.field, r.reason)
        for r in conn.execute(
            select(QuarantinedRow.row_number, QuarantinedRow.field, QuarantinedRow.reason)
            .where(QuarantinedRow.submission_id == sub.id)
            .order_by(QuarantinedRow.row_number, QuarantinedRow.field)
        )
    ]
    return SubmissionReport(
        submission_id=sub.id,
        org=sub.org_id,
        kind=sub.kind,
        row_count=sub.row_count,
        accepted=sub.accepted,
        corrected=sub.corrected,
        unchanged=sub.unchanged,
        quarantined=sub.quarantined,
        status=sub.status,
        problems=problems,
        duplicate=True,
    )


def _earlier(conn: Connection, org: str, sha256: str) -> SubmissionReport | None:
    with Session(conn) as session:
        sub = session.scalars(
            select(Submission).where(Submission.org_id == org, Submission.sha256 == sha256)
        ).one_or_none()
    return None if sub is None else _stored_report(conn, sub)


def _encrypt_column(store: Store, name: str, arr: pa.Array) -> list[bytes | None]:
    distinct = pc.unique(arr.drop_null()).to_pylist()
    table = store.cipher.encrypt_many(name, distinct)
    return [None if v is None else table[v] for v in arr.to_pylist()]


def _bulk_insert(
    conn: Connection, table: Any, names: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert prepared tuples straight through the driver.

    SQLAlchemy's per-value bind processing costs more than the insert itself at 1M rows; the
    values are already in the driver's native types (dates as ISO text on SQLite, as SQLAlchemy
    stores them there), so we skip it.
    """
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})"
    for start in range(0, len(rows), _CHUNK):
        conn.exec_driver_sql(sql, rows[start : start + _CHUNK])


def ingest_package(
    store: Store,
    package_dir: Path,
    org: str,
    actor: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    today: dt.date | None = None,
) -> SubmissionReport:
    """Ingest one package for ``org`` on behalf of ``actor`` (audited either way)."""
    try:
        pkg = load_package(Path(package_dir), org, max_bytes=max_bytes)
        with store.engine.connect() as conn:
            _verify_against_store(conn, pkg, org)
            earlier = _earlier(conn, org, pkg.sha256)
        if earlier is not None:
            with store.engine.begin() as conn:
                append_audit(
                    conn, actor, "submission_duplicate", f"submission:{earlier.submission_id}"
                )
            return earlier
        return _ingest(store, pkg, org, actor, today)
    except ZichtbaarError as err:
        with store.engine.begin() as conn:
            append_audit(conn, actor, "submission_refused", f"org:{org} error:{type(err).__name__}")
        raise


def _ingest(
    store: Store, pkg: LoadedPackage, org: str, actor: str, today: dt.date | None
) -> SubmissionReport:
    m = pkg.manifest
    kind = m.kind
    bloom_bytes = None if pkg.encoding is None else pkg.encoding.filter_bits // 8
    checked = check_rows(kind, pkg.table, bloom_bytes, today)
    key_col = KEY_COLUMN_OF_KIND[kind]
    problems = list(checked.problems)
    bad = checked.bad.copy()
    keys = np.asarray(checked.columns[key_col].to_pylist(), dtype=object)

    table = cast(Table, RECORD_TABLE_OF_KIND[kind].__table__)
    sub_id = uuid.uuid4().hex
    try:
        with store.engine.begin() as conn:
            _pin_encoding(conn, pkg)
            # Rows whose record was withdrawn for good, and repeats of a key inside this package.
            withdrawn = set(
                conn.execute(
                    select(Withdrawal.record_id).where(
                        Withdrawal.org_id == org, Withdrawal.reason.in_(BLOCKING_WITHDRAWALS)
                    )
                ).scalars()
            )
            seen: set[str] = set()
            for i in np.flatnonzero(~bad):
                k = keys[i]
                if k in withdrawn:
                    bad[i] = True
                    problems.append(
                        RowProblem(
                            int(i) + 1,
                            key_col,
                            "this record was withdrawn and may not be submitted again",
                        )
                    )
                elif k in seen:
                    bad[i] = True
                    problems.append(
                        RowProblem(int(i) + 1, key_col, "occurs more than once in this package")
                    )
                else:
                    seen.add(k)
            good = np.flatnonzero(~bad)
            good_idx = pa.array(good, pa.int64())
            taken = {name: arr.take(good_idx) for name, arr in checked.columns.items()}
            hashes = content_hashes(store.cipher.fingerprint_key, taken) if len(good) else []
            sqlite = conn.dialect.name == "sqlite"
            data: dict[str, list[Any]] = {}
            for name, arr in taken.items():
                if name in TOKEN_COLUMNS:
                    data[name] = _encrypt_column(store, name, arr)
                elif name in FILTER_COLUMNS:
                    data[name] = [
                        None if v is None else store.cipher.seal_filter(v) for v in arr.to_pylist()
                    ]
                elif sqlite and pa.types.is_date(arr.type):
                    data[name] = arr.cast(pa.string()).to_pylist()
                else:
                    data[name] = arr.to_pylist()
            keys_good = data[key_col]
            existing: dict[str, tuple[int, int, str]] = {
                r[0]: (r[1], r[2], r[3])
                for r in conn.execute(
                    select(
                        table.c[key_col], table.c.id, table.c.version, table.c.content_hash
                    ).where(table.c.org_id == org, table.c.current)
                )
            }
            keep = np.ones(len(good), dtype=bool)
            versions = np.ones(len(good), dtype=np.int64)
            retire: list[int] = []
            unchanged = corrected = 0
            if existing:
                for j, k in enumerate(keys_good):
                    old = existing.get(k)
                    if old is None:
                        continue
                    if old[2] == hashes[j]:
                        unchanged += 1
                        keep[j] = False
                    else:
                        retire.append(old[0])
                        versions[j] = old[1] + 1
                        corrected += 1
            names = [*data, "org_id", "version", "current", "submission_id", "content_hash"]
            n_good = len(good)
            rows = [
                row
                for row, k in zip(
                    zip(
                        *data.values(),
                        [org] * n_good,
                        versions.tolist(),
                        [True] * n_good,
                        [sub_id] * n_good,
                        hashes,
                        strict=True,
                    ),
                    keep.tolist(),
                    strict=True,
                )
                if k
            ]
            quarantined = int(bad.sum())
            status = (
                "accepted"
                if quarantined == 0
                else ("partially_quarantined" if len(good) else "all_quarantined")
            )
            conn.execute(
                insert(Submission).values(
                    id=sub_id,
                    org_id=org,
                    kind=kind,
                    sha256=pkg.sha256,
                    package_id=m.package_id,
                    key_id=m.key_id,
                    received_at=_now(),
                    actor=actor,
                    row_count=m.row_count,
                    accepted=len(rows),
                    unchanged=unchanged,
                    corrected=corrected,
                    quarantined=quarantined,
                    status=status,
                )
            )
            for start in range(0, len(retire), 500):
                conn.execute(
                    update(table)
                    .where(table.c.id.in_(retire[start : start + 500]))
                    .values(current=False)
                )
            _bulk_insert(conn, table, names, rows)
            problems.sort(key=lambda p: (p.row, p.field))
            if problems:
                conn.execute(
                    insert(QuarantinedRow),
                    [
                        {
                            "submission_id": sub_id,
                            "row_number": p.row,
                            "field": p.field,
                            "reason": p.reason,
                        }
                        for p in problems
                    ],
                )
            append_audit(
                conn,
                actor,
                "submission_ingest",
                f"submission:{sub_id} org:{org} kind:{kind} accepted:{len(rows)} quarantined:{quarantined}",
            )
    except IntegrityError:
        # A concurrent identical submission won the race: report that one.
        with store.engine.connect() as conn:
            earlier = _earlier(conn, org, pkg.sha256)
        if earlier is None:
            raise IntakeError("the submission could not be stored (integrity conflict)") from None
        return earlier
    return SubmissionReport(
        submission_id=sub_id,
        org=org,
        kind=kind,
        row_count=m.row_count,
        accepted=len(rows),
        corrected=corrected,
        unchanged=unchanged,
        quarantined=quarantined,
        status=status,
        problems=problems,
    )
