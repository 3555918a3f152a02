"""A linkage run: snapshot in, persons, person events and capture histories out.

A run is an immutable DuckDB file ``runs/<run_id>/run.duckdb`` plus ``run.json``. Later stages read
runs through ``open_run`` only.

Purpose limitation is enforced here and only here: registrations without a legal basis are
deduplicated and counted, but never used to link a person to a register; a person known only from
such rows gets no register events at all.
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
import pyarrow as pa
from splink.blocking_rule_library import CustomRule

from zichtbaar.errors import LinkError
from zichtbaar.link.cannot_link import cannot_link_pairs, contradicts
from zichtbaar.link.clusters import carry_over_ids, cluster_ids
from zichtbaar.link.dialect import DUCKDB
from zichtbaar.link.event_dates import EVENT_GAP_COLUMNS, score_event_pairs
from zichtbaar.link.histories import create_capture_histories, scored_pairs
from zichtbaar.link.model import (
    COMPARED_COLUMNS,
    ENCODED_COLUMNS,
    LinkModel,
    Trained,
    add_lsh_partners,
    between_pair_count,
    blocking_rules,
    predict_increment,
    prepare_records,
    train_and_predict,
)
from zichtbaar.link.persons import add_missing_attributes, create_persons
from zichtbaar.link.quality import write_quality
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


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()  # fetchone would leave the result open for splink
    return int(rows[0][0]) if rows else 0


def _ids(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [str(r[0]) for r in con.execute(sql).fetchall()]


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
    previous: dict[str, str] = {}
    if previous_run is not None:
        old = open_run(runs_dir, previous_run)
        previous = {
            str(r): str(p)
            for r, p in old.execute(
                "SELECT registration_id, person_id FROM registration_person"
            ).fetchall()
        }
        old.close()
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

EVENT_RULE = "evidence"
"""The cannot-link rule of the register check (``cannot_link.contradicts``), whatever the
dedupe's: a register holds many namesakes of each victim, and a different date of birth against
the person's dated registration is what tells a look-alike's event from the victim's own."""

EVENT_CANDIDATES = 0.1
"""Score (without the event's date) from which a person-event pair is a candidate: the gap's
weight can lift it to the register threshold (``event_dates.py``: the best buckets of the demo
world are worth +5 to +6.6 bits, and 0.1 is 5.2 bits below 0.8)."""


def _train_on_spark(con: duckdb.DuckDBPyConnection, model: LinkModel, compared: str) -> Trained:
    """Train and score the dedupe on Spark; hand the result back as a DuckDB ``Trained``."""
    # Imported here: pyspark (and Java) are only needed by those who choose the Spark engine.
    from zichtbaar.link.spark import as_duckdb_trained, train_and_predict_spark

    records = con.sql(
        f"SELECT registration_id AS id, {compared} FROM registrations"
    ).to_arrow_table()
    result = train_and_predict_spark(records, model, "dedupe_only")
    return as_duckdb_trained(con, ["link_records"], result, model)


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
    compared = ", ".join(COMPARED_COLUMNS)
    # a register row has an event date, not a registration date: not compared
    event_compared = ", ".join(
        "NULL::DATE AS registration_date" if c == "registration_date" else c
        for c in COMPARED_COLUMNS
    )
    qualified = ", ".join(f"g.{c}" for c in COMPARED_COLUMNS)  # persons has a gender too

    # 1. dedupe registrations into persons (splink), cluster at the model's threshold
    prepare_records(
        con,
        f"SELECT registration_id AS id, {compared} FROM registrations",
        "link_records",
        model,
    )
    if previous_model is None and engine == "spark":
        trained = _train_on_spark(con, model, compared)
    elif previous_model is None:
        trained = train_and_predict(con, ["link_records"], model, "dedupe_only")
    else:
        con.register("previous_ids", pa.table({"id": list(previous)}))
        con.execute(
            "CREATE TABLE link_old AS SELECT * FROM link_records WHERE id IN "
            "(SELECT id FROM previous_ids)"
        )
        con.execute(
            "CREATE TABLE link_new AS SELECT * FROM link_records WHERE id NOT IN "
            "(SELECT id FROM previous_ids)"
        )
        con.unregister("previous_ids")
        trained = predict_increment(con, previous_model, "link_old", "link_new", "link_records")
    con.execute(
        f"""
        CREATE TABLE dedupe_predictions AS
        SELECT id_l, id_r, match_weight, match_probability
        FROM {trained.predictions.physical_name}
        """
    )
    n_pairs = _count(
        con, f"SELECT count(*) FROM dedupe_predictions WHERE match_probability >= {model.threshold}"
    )
    ids = _ids(con, "SELECT registration_id FROM registrations ORDER BY registration_id")
    scored = scored_pairs(con, model.threshold)
    pairs = scored.pairs
    # strongest evidence merges first; a previous run's persons (below) before anything else
    weights = scored.probabilities
    gaps = scored.gaps
    if previous_model is not None:
        # incremental: previous persons stay together; only new edges can merge them
        present = set(ids)
        anchors: dict[str, str] = {}
        for rid, person in previous.items():
            if rid in present:
                anchor = anchors.setdefault(person, rid)
                if anchor != rid:
                    pairs.append((anchor, rid))
                    weights.append(2.0)
                    gaps.append(0.0)
    prior = float(trained.linker.misc.save_model_to_json()["probability_two_random_records_match"])
    conflicts = cannot_link_pairs(con, ids, pairs, model, prior)
    mapping = cluster_ids(ids, pairs, weights=weights, conflicts=conflicts, tiebreak=gaps)
    mapping, changes = carry_over_ids(mapping, previous) if previous else (mapping, [])
    con.execute(
        "CREATE TABLE person_id_changes (kind VARCHAR, previous_id VARCHAR, new_id VARCHAR)"
    )
    if changes:
        con.executemany("INSERT INTO person_id_changes VALUES (?, ?, ?)", changes)
    rp = pa.table({"registration_id": list(mapping.keys()), "person_id": list(mapping.values())})
    con.register("rp_arrow", rp)
    con.execute("CREATE TABLE registration_person AS SELECT * FROM rp_arrow")
    con.unregister("rp_arrow")

    deduped = time.perf_counter()

    # 2. persons: attributes from the first registration, the year of exploitation
    create_persons(con)

    # 3. link persons to registers: only through registrations that have a legal basis
    registers_started = time.perf_counter()
    has_events = _count(con, "SELECT count(*) FROM register_events") > 0
    if has_events:
        prepare_records(
            con,
            f"""
            SELECT rp.person_id || '|' || g.registration_id AS id, {qualified}
            FROM registrations g JOIN registration_person rp USING (registration_id)
            JOIN persons p USING (person_id)
            WHERE g.legal_basis <> 'none' AND NOT p.statistics_only
            """,
            "link_eligible",
            model,
            partners=False,
        )
        prepare_records(
            con,
            f"SELECT event_id AS id, {event_compared} FROM register_events",
            "link_events",
            model,
            partners=False,
        )
        # across the two; no date-free partners: a register holds many namesakes of each victim
        add_lsh_partners(con, ["link_eligible", "link_events"], model, date_free=False)
        # The blocking is sized by the pairs *between* the tables: the dedupe's rules were sized
        # for the registrations alone, and against a register of millions every date rule must
        # ask for plausible pairs (100k persons x 5 M register rows ran out of memory without).
        date_pairs = between_pair_count(con, "link_eligible", "link_events", "tok_dob")
        between = trained.linker.inference.predict_between(
            trained.db_api.register("link_eligible", table_name="in_link_eligible"),
            trained.db_api.register("link_events", table_name="in_link_events"),
            link_type="link_only",
            blocking_rules_to_generate_predictions=blocking_rules(model, DUCKDB, date_pairs),
            threshold_match_probability=(
                min(model.register_threshold, EVENT_CANDIDATES)
                if model.event_gap_edges
                else model.register_threshold
            ),
            warning_mode="never",
        )
        con.execute(f"CREATE TABLE event_candidates AS {_event_pairs(between.physical_name)}")
        score_event_pairs(con, "event_candidates", model)
        con.execute("DROP TABLE event_candidates")
        _event_conflicts(con, trained, model, prior)
    else:
        con.execute(
            "CREATE TABLE event_pairs (l_id VARCHAR, r_id VARCHAR, match_probability DOUBLE,"
            " match_weight DOUBLE, model_weight DOUBLE)"
        )
        con.execute(f"CREATE TABLE event_gap_parameters ({EVENT_GAP_COLUMNS})")
    excluded = ", ".join(("event_id", "org", "event_type", "event_date", *ENCODED_COLUMNS))
    con.execute(
        f"""
        CREATE TABLE person_events AS
        WITH best AS (
            SELECT r_id AS event_id, split_part(l_id, '|', 1) AS person_id,
                   row_number() OVER (PARTITION BY r_id
                                      ORDER BY match_weight DESC, l_id) AS rn
            FROM event_pairs p
            WHERE NOT EXISTS (
                SELECT 1 FROM event_conflicts c
                WHERE c.event_id = p.r_id AND c.person_id = split_part(p.l_id, '|', 1)
            )
        )
        SELECT b.person_id, e.event_id, e.org AS register_org, e.event_type, e.event_date,
               e.* EXCLUDE ({excluded})
        FROM best b JOIN register_events e USING (event_id)
        WHERE b.rn = 1
        """
        if has_events
        else "CREATE TABLE person_events (person_id VARCHAR, event_id VARCHAR, register_org VARCHAR,"
        " event_type VARCHAR, event_date DATE)"
    )

    registers_done = time.perf_counter()

    # 4. capture histories: which reporter types and organisations registered each person
    create_capture_histories(con)

    write_quality(con, trained.linker, model, run_dir)

    def count(sql: str) -> int:
        return _count(con, sql)

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


def _event_pairs(predictions: str) -> str:
    """SQL: splink's person-to-event predictions with the person's registration as ``l_id``
    (``person_id|registration_id``) and the event as ``r_id``, whichever side splink put them."""
    return f"""
        SELECT CASE WHEN contains(id_r, '|') THEN id_r ELSE id_l END AS l_id,
               CASE WHEN contains(id_r, '|') THEN id_l ELSE id_r END AS r_id,
               match_probability, match_weight
        FROM {predictions}
    """


def _event_conflicts(
    con: duckdb.DuckDBPyConnection, trained: Trained, model: LinkModel, prior: float
) -> None:
    """Table ``event_conflicts`` (event_id, person_id): candidate attachments that one of the
    person's own registrations contradicts.

    An event may match one registration of a person well and be contradicted by another
    registration of that person (``contradicts``, the rule of the clustering's cannot-link):
    a look-alike (same name and place, no date; or same date and place, a name only half
    alike) of a victim whose other registration does not bear it out. The clustering refuses
    such a person (``cannot_link_pairs``); so does the attachment. Every candidate event is scored
    against every eligible registration of each candidate person, blocked or not (demo world,
    with the cannot-link and tie-break changes of the same day: 91 -> 72 false attachments,
    one more right one; docs/linkage.md).
    """
    if _count(con, "SELECT count(*) FROM event_pairs") == 0:
        con.execute("CREATE TABLE event_conflicts (event_id VARCHAR, person_id VARCHAR)")
        return
    con.execute(
        """
        CREATE TABLE check_events AS
        SELECT e.*, c.persons AS person_keys
        FROM link_events e
        JOIN (SELECT r_id AS id, list(DISTINCT split_part(l_id, '|', 1)) AS persons
              FROM event_pairs GROUP BY r_id) c USING (id)
        """
    )
    con.execute(
        """
        CREATE TABLE check_eligible AS
        SELECT g.*, [split_part(g.id, '|', 1)] AS person_keys
        FROM link_eligible g
        WHERE split_part(g.id, '|', 1) IN
              (SELECT DISTINCT split_part(l_id, '|', 1) FROM event_pairs)
        """
    )
    checks = trained.linker.inference.predict_between(
        trained.db_api.register("check_eligible", table_name="in_check_eligible"),
        trained.db_api.register("check_events", table_name="in_check_events"),
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            CustomRule("l.person_keys = r.person_keys", arrays_to_explode=["person_keys"])
        ],
        threshold_match_probability=None,
        warning_mode="never",
    )
    con.execute(
        f"""
        CREATE TABLE event_conflicts AS
        WITH c AS ({_event_pairs(checks.physical_name)})
        SELECT DISTINCT c.r_id AS event_id, split_part(c.l_id, '|', 1) AS person_id
        FROM c JOIN check_events e ON e.id = c.r_id JOIN check_eligible g ON g.id = c.l_id
        WHERE {contradicts("c", "e", "g", "bloom_bits", model, prior, EVENT_RULE)}
        """
    )
    con.execute("DROP TABLE check_events")
    con.execute("DROP TABLE check_eligible")


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
