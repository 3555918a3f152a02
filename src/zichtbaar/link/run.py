"""A linkage run: snapshot in, persons, person events and capture histories out.

A run is an immutable DuckDB file ``runs/<run_id>/run.duckdb`` plus ``run.json``. Later stages read
runs through ``open_run`` only.

The steps: the dedupe (``dedupe.py``), persons (``persons.py``), the register linkage, where
purpose limitation is enforced (``registers.py``), capture histories (``histories.py``) and the
quality report (``quality.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from zichtbaar.errors import LinkError
from zichtbaar.link.dedupe import cluster_registrations, score_registrations
from zichtbaar.link.histories import create_capture_histories
from zichtbaar.link.model import ENCODED_COLUMNS, LinkModel
from zichtbaar.link.persons import add_missing_attributes, create_persons
from zichtbaar.link.quality import write_quality
from zichtbaar.link.registers import link_registers
from zichtbaar.link.rows import count_rows
from zichtbaar.standard.models import FILTER_COLUMNS
from zichtbaar.types import RunId

DUCKDB_MEMORY_LIMIT = "5GB"
"""DuckDB's own budget (it spills to the run's tmp directory beyond it); Python, Arrow and splink
need the rest of the 8 GB target. Override with ZICHTBAAR_LINK_MEMORY (e.g. "20GB")."""

RUN_DB = "run.duckdb"
RUN_META = "run.json"
MODEL_FILE = "splink_model.json"


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    created_at: str
    registrations: int
    persons: int
    statistics_only_persons: int
    dedupe_pairs: int
    register_events: int
    linked_events: int
    persons_with_events: int
    suspects: int
    threshold: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall seconds per stage: ``dedupe`` (loading, preparing, training, predicting and
    clustering the registrations), ``registers`` (linking persons to register events) and the
    rest (persons, capture histories, quality report). Measured so that a bench or an operator can
    see which stage a slow run spent its time in."""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def run_linkage(
    snapshot_dir: Path,
    runs_dir: Path,
    run_id: str | None = None,
    model: LinkModel | None = None,
    previous_run: str | None = None,
    incremental: bool = False,
    engine: str = "duckdb",
) -> RunInfo:
    """Link a snapshot (the intake's Parquet export) into a new, immutable run.

    ``engine`` chooses where the dedupe is trained and scored: ``duckdb`` (default) or
    ``spark`` (``link/spark.py``; settings from ``ZICHTBAAR_SPARK_*``, docs/spark.md). Everything
    after the dedupe (clustering, register linkage, quality) runs on DuckDB with the same model.

    Besides the tables, the run directory holds the trained splink model (``splink_model.json``)
    and its charts (``charts/*.html``). With ``previous_run`` (an id in ``runs_dir``), persons keep
    that run's person ids unless the new data merges or splits them; the changes are logged in
    table ``person_id_changes``. With ``incremental`` as well, the previous run's model is
    reused untrained and only new registrations are scored (against old ones and each other);
    previous persons are never split, only merged through new registrations.
    """
    if incremental and previous_run is None:
        raise LinkError("an incremental run needs a previous run")
    if engine not in ENGINES:
        raise LinkError(f"unknown engine '{engine}'; choose one of {', '.join(ENGINES)}")
    if engine == "spark" and incremental:
        raise LinkError("incremental runs score on DuckDB; leave out --engine spark")
    regs = snapshot_dir / "registrations.parquet"
    if not regs.exists():
        raise LinkError("the snapshot has no registrations.parquet; export a snapshot first")
    run_id = run_id or dt.datetime.now(dt.UTC).strftime("run-%Y%m%dT%H%M%S")
    run_dir = runs_dir / run_id
    if run_dir.exists() and not (run_dir / RUN_META).exists():
        # An interrupted run (killed before its run.json) was never visible: start afresh.
        shutil.rmtree(run_dir)
    if run_dir.exists():
        raise LinkError(f"run '{run_id}' exists already; runs are immutable")
    run_dir.mkdir(parents=True)
    # splink materialises many intermediate tables: work in memory (spilling to the run
    # directory), then persist only the run's own tables.
    previous = _previous_persons(runs_dir, previous_run) if previous_run is not None else {}
    con = duckdb.connect(
        config={
            "temp_directory": str(run_dir / "tmp"),
            "memory_limit": os.environ.get("ZICHTBAAR_LINK_MEMORY", DUCKDB_MEMORY_LIMIT),
            "preserve_insertion_order": False,
        }
    )
    try:
        previous_model = (
            runs_dir / previous_run / MODEL_FILE if incremental and previous_run else None
        )
        info = _link(
            con,
            snapshot_dir,
            RunId(run_id),
            model or LinkModel(),
            run_dir,
            previous,
            previous_model,
            engine,
        )
        _persist(con, run_dir / RUN_DB)
    except Exception:
        con.close()
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    con.close()
    shutil.rmtree(run_dir / "tmp", ignore_errors=True)
    # run.json makes the run visible (latest_run): write it whole, then rename into place.
    meta_tmp = run_dir / (RUN_META + ".tmp")
    meta_tmp.write_text(json.dumps(info.to_dict(), indent=2) + "\n")
    meta_tmp.replace(run_dir / RUN_META)
    return info


def _previous_persons(runs_dir: Path, previous_run: str) -> dict[str, str]:
    """registration_id -> person_id of the previous run."""
    old = open_run(runs_dir, previous_run)
    previous = {
        str(r): str(p)
        for r, p in old.execute(
            "SELECT registration_id, person_id FROM registration_person"
        ).fetchall()
    }
    old.close()
    return previous


RUN_TABLES = (
    "registrations",
    "register_events",
    "suspects",
    "registration_person",
    "persons",
    "person_events",
    "capture_histories",
    "dedupe_predictions",
    "event_pairs",
    "event_gap_parameters",
    "link_parameters",
    "link_weight_histogram",
    "link_dice_histogram",
    "link_quality",
    "person_id_changes",
)


ENGINES = ("duckdb", "spark")


def _persist(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    con.execute("ATTACH ? AS run_file", [str(db)])
    for table in RUN_TABLES:
        con.execute(f"CREATE TABLE run_file.{table} AS SELECT * FROM memory.main.{table}")
    con.execute("DETACH run_file")


def _load(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> None:
    """Table ``name`` from a snapshot file; encoded columns it lacks (a snapshot written before
    schema 3.2 has no address) and attributes it lacks (before standard 1.1 no exploitation year)
    are added empty, so older snapshots still link."""
    if not path.exists():
        return
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)", [str(path)])
    if name == "suspects":
        return
    present = {row[0] for row in con.execute(f"DESCRIBE {name}").fetchall()}
    for column in ENCODED_COLUMNS:
        if column not in present:
            kind = "BLOB" if column in FILTER_COLUMNS else "VARCHAR"
            con.execute(f"ALTER TABLE {name} ADD COLUMN {column} {kind}")
    if name == "registrations":
        add_missing_attributes(con, name)  # before standard 1.1: no exploitation year


def _link(
    con: duckdb.DuckDBPyConnection,
    snap: Path,
    run_id: RunId,
    model: LinkModel,
    run_dir: Path,
    previous: dict[str, str],
    previous_model: Path | None = None,
    engine: str = "duckdb",
) -> RunInfo:
    started = time.perf_counter()
    _load(con, "registrations", snap / "registrations.parquet")
    _load(con, "register_events", snap / "register_events.parquet")
    _load(con, "suspects", snap / "suspects.parquet")
    for table, cols in (
        ("register_events", "event_id VARCHAR, org VARCHAR, event_type VARCHAR, event_date DATE"),
        ("suspects", "case_id VARCHAR, year INTEGER, form VARCHAR"),
    ):
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")

    # 1. dedupe registrations into persons (splink), cluster at the model's threshold
    trained = score_registrations(con, model, previous, previous_model, engine)
    n_pairs = count_rows(
        con, f"SELECT count(*) FROM dedupe_predictions WHERE match_probability >= {model.threshold}"
    )
    prior = float(trained.linker.misc.save_model_to_json()["probability_two_random_records_match"])
    cluster_registrations(con, model, prior, previous, incremental=previous_model is not None)

    deduped = time.perf_counter()

    # 2. persons: attributes from the first registration, the year of exploitation
    create_persons(con)

    # 3. link persons to registers: only through registrations that have a legal basis
    registers_started = time.perf_counter()
    link_registers(con, trained, model, prior)

    registers_done = time.perf_counter()

    # 4. capture histories: which reporter types and organisations registered each person
    create_capture_histories(con)

    write_quality(con, trained.linker, model, run_dir)

    def count(sql: str) -> int:
        return count_rows(con, sql)

    return RunInfo(
        run_id=run_id,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        registrations=count("SELECT count(*) FROM registrations"),
        persons=count("SELECT count(*) FROM persons"),
        statistics_only_persons=count("SELECT count(*) FROM persons WHERE statistics_only"),
        dedupe_pairs=n_pairs,
        register_events=count("SELECT count(*) FROM register_events"),
        linked_events=count("SELECT count(*) FROM person_events"),
        persons_with_events=count("SELECT count(DISTINCT person_id) FROM person_events"),
        suspects=count("SELECT count(*) FROM suspects"),
        threshold=model.threshold,
        seconds={
            "dedupe": round(deduped - started, 1),
            "registers": round(registers_done - registers_started, 1),
            "rest": round(time.perf_counter() - deduped - (registers_done - registers_started), 1),
        },
    )


def open_run(runs_dir: Path, run_id: str, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open a run's DuckDB file (read-only by default: runs are immutable)."""
    db = runs_dir / run_id / RUN_DB
    if not db.exists():
        raise LinkError(f"no linkage run called '{run_id}'")
    return duckdb.connect(str(db), read_only=read_only)


def person_of_registration(runs_dir: Path, run_id: str) -> dict[str, str]:
    """registration_id -> person_id of a run: what evaluation against a truth compares."""
    con = open_run(runs_dir, run_id)
    try:
        rows = con.execute("SELECT registration_id, person_id FROM registration_person").fetchall()
    finally:
        con.close()
    return {str(r): str(p) for r, p in rows}


def latest_run(runs_dir: Path) -> str:
    """The id of the most recent complete run."""
    runs = sorted((p for p in runs_dir.glob(f"*/{RUN_META}")), key=lambda p: p.stat().st_mtime)
    if not runs:
        raise LinkError("there is no linkage run yet; run `zichtbaar link` first")
    return runs[-1].parent.name
