"""Intake throughput into SQLite: ``ingest_package`` vs a raw ``executemany`` of the same rows.

The baseline only inserts prepared tuples (no verification, no checks, no encryption, no
versioning), so the ratio shows what trust costs. Target: >= 20,000 rows/s for 1M rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from harness import Measurement, measure, write_results
from zichtbaar.intake import ingest_package
from zichtbaar.standard.models import TOKEN_COLUMNS, fields_of_version
from zichtbaar.standard.package import EncodingSchema, compute_package_id
from zichtbaar.store import add_organisation, open_store, register_key_id

TOKENS = TOKEN_COLUMNS
DISTINCT = {"tok_dob": 20_000, "tok_dob_swapped": 20_000}
"""Dates repeat; every other token of schema 3.0 is (nearly) one per person."""


def _hex_tokens(rng: np.random.Generator, n: int, distinct: int | None) -> pa.Array:
    pool_size = distinct or n
    raw = rng.integers(0, 256, size=(pool_size, 32), dtype=np.uint8)
    pool = [bytes(r).hex() for r in raw]
    if distinct is None:
        return pa.array(pool, pa.string())
    return pa.array(pool, pa.string()).take(pa.array(rng.integers(0, pool_size, n)))


def make_package(out: Path, n: int, seed: int = 1) -> Path:
    """A registrations package of ``n`` rows shaped like the encoder's (tokens repeat realistically)."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    cols: dict[str, pa.Array] = {t: _hex_tokens(rng, n, DISTINCT.get(t)) for t in TOKENS}
    blooms = rng.integers(0, 256, size=(n, 128), dtype=np.uint8)
    cols["bloom"] = pa.array([bytes(b) for b in blooms], pa.binary())
    cols["record_id"] = pa.array([f"R{i:08d}" for i in range(n)])
    base = np.datetime64("2020-01-01")
    cols["registration_date"] = pa.array(base + rng.integers(0, 1500, n).astype("timedelta64[D]"))
    for name, values in {
        "gender": ["female", "male", "unknown"],
        "nationality": ["NLD", "ROU", "NGA"],
        "nationality_group": ["NL", "EU_EEA", "AFRICA"],
        "age_group": ["18-22", "23-29", "12-17"],
        "form": ["labour", "criminal", "domestic_sexual"],
        "region": ["amsterdam"],
        "legal_basis": ["legal_duty", "explicit_consent", "none"],
    }.items():
        cols[name] = pa.array(values).take(pa.array(rng.integers(0, len(values), n)))
    table = pa.table({k: cols[k] for k in fields_of_version("registrations", "1.0")})
    pq.write_table(table, out / "data.parquet")
    enc = EncodingSchema(
        filter_bits=1024, fields=({"field": "surname", "hashes": 10},), tokens=TOKENS
    )  # type: ignore[arg-type]
    (out / "encoding.json").write_text(enc.model_dump_json())
    manifest = {
        "standard_version": "1.0",
        "schema_version": "2.0",
        "kind": "registrations",
        "organisation": "police-nl",
        "reporter_type": "police",
        "key_id": "k-bench",
        "row_count": n,
        "sha256": hashlib.sha256((out / "data.parquet").read_bytes()).hexdigest(),
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    manifest["package_id"] = compute_package_id(manifest)
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def _ingest_once(pkg: Path, work: Path) -> None:
    store_dir = Path(tempfile.mkdtemp(dir=work))
    store = open_store(f"sqlite:///{store_dir / 's.sqlite'}", key_file=store_dir / "k.json")
    add_organisation(store, "police-nl", "Politie", "police", "bench")
    register_key_id(store, "k-bench", "bench")
    report = ingest_package(store, pkg, "police-nl", "bench")
    assert report.accepted == report.row_count, report.quarantined
    store.close()


def _raw_insert(pkg: Path, work: Path) -> None:
    table = pq.read_table(pkg / "data.parquet")
    names = table.column_names
    rows = list(zip(*(table.column(c).to_pylist() for c in names), strict=True))
    db = Path(tempfile.mkdtemp(dir=work)) / "raw.sqlite"
    con = sqlite3.connect(db)
    con.execute(f"CREATE TABLE t ({', '.join(names)})")
    con.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(names))})", rows)
    con.commit()
    con.close()


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_INTAKE_SIZES", "20000,1000000").split(",")]
    measurements: list[Measurement] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in sizes:
            pkg = make_package(work / f"pkg{n}", n)
            repeats = 3 if n <= 100_000 else 1
            measurements.append(
                measure(
                    f"raw executemany {n:,}",
                    lambda p=pkg: _raw_insert(p, work),
                    repeats=repeats,
                    items=n,
                )
            )
            measurements.append(
                measure(
                    f"ingest_package {n:,}",
                    lambda p=pkg: _ingest_once(p, work),
                    repeats=repeats,
                    items=n,
                )
            )
    ratios = {
        m.name: m.median / b.median
        for b, m in zip(measurements[::2], measurements[1::2], strict=True)
    }
    write_results("intake", measurements, slowdown_vs_raw=ratios)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
