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
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from zichtbaar.errors import LinkError
from zichtbaar.link.clusters import cluster_ids
from zichtbaar.link.pairs import match_pairs
from zichtbaar.link.rules import MatchRule
from zichtbaar.standard.codes import REPORTER_TYPES
from zichtbaar.types import RunId

RUN_DB = "run.duckdb"
RUN_META = "run.json"
TOKEN_COLUMNS = (
    "tok_bsn",
    "tok_name_dob",
    "tok_dob",
    "tok_dob_swapped",
    "tok_yob",
    "tok_mob",
    "tok_dob_day",
    "tok_pob",
)


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

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _ids(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [str(r[0]) for r in con.execute(sql).fetchall()]


def run_linkage(
    snapshot_dir: Path,
    runs_dir: Path,
    run_id: str | None = None,
    rule: MatchRule | None = None,
) -> RunInfo:
    """Link a snapshot (the intake's Parquet export) into a new, immutable run."""
    regs = snapshot_dir / "registrations.parquet"
    if not regs.exists():
        raise LinkError("the snapshot has no registrations.parquet; export a snapshot first")
    run_id = run_id or dt.datetime.now(dt.UTC).strftime("run-%Y%m%dT%H%M%S")
    run_dir = runs_dir / run_id
    if run_dir.exists():
        raise LinkError(f"run '{run_id}' exists already; runs are immutable")
    run_dir.mkdir(parents=True)
    db = run_dir / RUN_DB
    con = duckdb.connect(str(db))
    try:
        info = _link(con, snapshot_dir, RunId(run_id), rule or MatchRule())
    except Exception:
        con.close()
        db.unlink(missing_ok=True)
        run_dir.rmdir() if not any(run_dir.iterdir()) else None
        raise
    con.close()
    (run_dir / RUN_META).write_text(json.dumps(info.to_dict(), indent=2) + "\n")
    return info


def _load(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> None:
    if path.exists():
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)", [str(path)])


def _link(con: duckdb.DuckDBPyConnection, snap: Path, run_id: RunId, rule: MatchRule) -> RunInfo:
    _load(con, "registrations", snap / "registrations.parquet")
    _load(con, "register_events", snap / "register_events.parquet")
    _load(con, "suspects", snap / "suspects.parquet")
    for table, cols in (
        ("register_events", "event_id VARCHAR, org VARCHAR, event_type VARCHAR, event_date DATE"),
        ("suspects", "case_id VARCHAR, year INTEGER, form VARCHAR"),
    ):
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")
    tokens = ", ".join(TOKEN_COLUMNS)

    # 1. dedupe registrations into persons
    con.execute(
        f"CREATE TEMP VIEW recs AS SELECT registration_id AS id, {tokens}, bloom FROM registrations"
    )
    n_pairs = match_pairs(con, "recs", "recs", "dedupe_pairs", dedupe=True, rule=rule)
    ids = _ids(con, "SELECT registration_id FROM registrations ORDER BY registration_id")
    pairs = [
        (str(a), str(b)) for a, b in con.execute("SELECT l_id, r_id FROM dedupe_pairs").fetchall()
    ]
    mapping = cluster_ids(ids, pairs)
    con.execute("CREATE TABLE registration_person (registration_id VARCHAR, person_id VARCHAR)")
    con.executemany("INSERT INTO registration_person VALUES (?, ?)", list(mapping.items()))

    # 2. persons: attributes from the first registration, modes where reporters disagree
    con.execute(
        """
        CREATE TABLE persons AS
        WITH r AS (
            SELECT rp.person_id, g.*
            FROM registrations g JOIN registration_person rp USING (registration_id)
        ),
        firsts AS (
            SELECT person_id,
                   arg_min(form, registration_date) AS form,
                   arg_min(age_group, registration_date) AS age_group,
                   arg_min(region, registration_date) AS region
            FROM r GROUP BY person_id
        )
        SELECT r.person_id,
               min(registration_date) AS first_date,
               year(min(registration_date))::INTEGER AS year,
               any_value(f.form) AS form,
               any_value(f.age_group) AS age_group,
               CASE WHEN any_value(f.age_group) IN ('0-11', '12-17') THEN 'minor'
                    WHEN any_value(f.age_group) = 'unknown' THEN 'unknown' ELSE 'adult' END
                 AS minor_adult,
               mode(gender) AS gender,
               mode(nationality_group) AS nationality_group,
               any_value(f.region) AS region,
               count(*)::INTEGER AS n_registrations,
               count(DISTINCT org)::INTEGER AS n_orgs,
               bool_and(legal_basis = 'none') AS statistics_only
        FROM r JOIN firsts f USING (person_id)
        GROUP BY r.person_id
        """
    )

    # 3. link persons to registers: only through registrations that have a legal basis
    con.execute(
        f"""
        CREATE TEMP VIEW eligible AS
        SELECT rp.person_id || '|' || g.registration_id AS id, {tokens}, g.bloom
        FROM registrations g JOIN registration_person rp USING (registration_id)
        JOIN persons p USING (person_id)
        WHERE g.legal_basis <> 'none' AND NOT p.statistics_only
        """
    )
    con.execute(
        f"CREATE TEMP VIEW ev AS SELECT event_id AS id, {tokens}, bloom FROM register_events"
    )
    if con.execute("SELECT count(*) FROM register_events").fetchone() != (0,):
        match_pairs(con, "eligible", "ev", "event_pairs", dedupe=False, rule=rule)
    else:
        con.execute(
            "CREATE TABLE event_pairs (l_id VARCHAR, r_id VARCHAR, dice DOUBLE, reason VARCHAR)"
        )
    con.execute(
        """
        CREATE TABLE person_events AS
        WITH best AS (
            SELECT r_id AS event_id, split_part(l_id, '|', 1) AS person_id, dice,
                   row_number() OVER (PARTITION BY r_id
                                      ORDER BY dice DESC NULLS LAST, l_id) AS rn
            FROM event_pairs
        )
        SELECT b.person_id, e.event_id, e.org AS register_org, e.event_type, e.event_date,
               e.* EXCLUDE (event_id, org, event_type, event_date, bloom,
                            tok_bsn, tok_name_dob, tok_dob, tok_dob_swapped,
                            tok_yob, tok_mob, tok_dob_day, tok_pob)
        FROM best b JOIN register_events e USING (event_id)
        WHERE b.rn = 1
        """
        if con.execute("SELECT count(*) FROM register_events").fetchone() != (0,)
        else "CREATE TABLE person_events (person_id VARCHAR, event_id VARCHAR, register_org VARCHAR,"
        " event_type VARCHAR, event_date DATE)"
    )

    # 4. capture histories: which reporter types and organisations registered each person
    flags = ",\n".join(
        f"max(CASE WHEN g.reporter_type = '{c.code}' THEN 1 ELSE 0 END)::INTEGER AS rt_{c.code}"
        for c in REPORTER_TYPES
    )
    orgs = _ids(con, "SELECT DISTINCT org FROM registrations ORDER BY org")
    org_flags = ",\n".join(
        f"max(CASE WHEN g.org = '{o}' THEN 1 ELSE 0 END)::INTEGER AS \"org_{o}\"" for o in orgs
    )
    con.execute(
        f"""
        CREATE TABLE capture_histories AS
        SELECT p.person_id, p.year, p.form, p.age_group, p.minor_adult, p.gender,
               p.nationality_group, p.region, p.statistics_only,
               {flags}{"," if org_flags else ""}
               {org_flags}
        FROM persons p
        JOIN registration_person rp USING (person_id)
        JOIN registrations g USING (registration_id)
        GROUP BY ALL
        """
    )

    def count(sql: str) -> int:
        row = con.execute(sql).fetchone()
        return int(row[0]) if row else 0

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
    )


def open_run(runs_dir: Path, run_id: str, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open a run's DuckDB file (read-only by default: runs are immutable)."""
    db = runs_dir / run_id / RUN_DB
    if not db.exists():
        raise LinkError(f"no linkage run called '{run_id}'")
    return duckdb.connect(str(db), read_only=read_only)


def latest_run(runs_dir: Path) -> str:
    """The id of the most recent complete run."""
    runs = sorted((p for p in runs_dir.glob(f"*/{RUN_META}")), key=lambda p: p.stat().st_mtime)
    if not runs:
        raise LinkError("there is no linkage run yet; run `zichtbaar link` first")
    return runs[-1].parent.name
