"""Draws of plausible clusterings of a run: the linkage's uncertainty, for the estimate.

A run clusters once, at its threshold, although every scored pair has a match probability. A
draw samples each candidate pair (scored at or above ``MIN_PROBABILITY``) as a link with its
calibrated probability (``calibration.py``), clusters the sampled links with the run's own
constraints (``cannot_link.cannot_link_pairs``, ``clusters.cluster_ids``: merge order by the run's score,
ties by the registration dates) and builds persons and capture histories with the run's own SQL
(``histories.py``). The estimate stage combines the draws' estimates (``estimate/linkage_mi.py``).

Memory stays with the candidate pairs and one draw's tables: the registrations are never paired
beyond what the run scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from zichtbaar.errors import LinkError
from zichtbaar.link.calibration import IDENTITY, CalibrationMap
from zichtbaar.link.cannot_link import cannot_link_pairs
from zichtbaar.link.clusters import cluster_ids
from zichtbaar.link.histories import ScoredPairs, create_capture_histories, scored_pairs
from zichtbaar.link.model import LinkModel
from zichtbaar.link.persons import ATTRIBUTE_COLUMNS, create_persons
from zichtbaar.link.run import RUN_DB

MIN_PROBABILITY = 0.01
"""Pairs scored below this are never drawn as links: at 0.01 a pair is one person in about one
draw of a hundred, and the run keeps every pair above a match weight of -10 (about 0.001 at the
demo's prior), so the candidates are there; below it they would only add work."""


@dataclass(frozen=True)
class Candidates:
    """What a draw needs of a run: its registrations, candidate pairs and constraints."""

    ids: list[str]
    scored: ScoredPairs
    calibrated: np.ndarray
    model: LinkModel
    prior: float


def open_run_for_draws(run_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection that sees the run's tables (read-only) and may create its own:
    runs are immutable, a draw's persons live only in this connection."""
    db = run_dir / RUN_DB
    if not db.exists():
        raise LinkError("no linkage run in that directory")
    con = duckdb.connect()
    con.execute("ATTACH ? AS run (READ_ONLY)", [str(db)])
    for table in ("registrations", "dedupe_predictions", "link_quality", "registration_person"):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM run.{table}")
    present = {r[0] for r in con.execute("DESCRIBE run.registrations").fetchall()}
    missing = [f"NULL::{kind} AS {col}" for col, kind in ATTRIBUTE_COLUMNS.items()
               if col not in present]  # fmt: skip
    if missing:  # a run made before a later standard's attributes: they are absent, not wrong
        con.execute("CREATE OR REPLACE VIEW registrations AS SELECT *, "
                    f"{', '.join(missing)} FROM run.registrations")  # fmt: skip
    return con


def candidates(
    con: duckdb.DuckDBPyConnection,
    calibration: CalibrationMap | None = None,
    min_probability: float = MIN_PROBABILITY,
) -> Candidates:
    """The run's candidate pairs with calibrated probabilities (default: splink's own, which
    on the synthetic worlds were better calibrated than any map fitted on another world:
    docs/linkage.md, "Calibration")."""
    quality = dict(con.execute("SELECT key, value FROM link_quality").fetchall())
    model = LinkModel.from_dict(json.loads(quality["model"]))
    prior = float(quality["probability_two_random_records_match"])
    ids = [
        str(r[0])
        for r in con.execute(
            "SELECT registration_id FROM registrations ORDER BY registration_id"
        ).fetchall()
    ]
    scored = scored_pairs(con, min_probability)
    cal = calibration if calibration is not None else IDENTITY
    p = np.clip(cal(scored.probabilities), 0.0, 1.0)
    return Candidates(ids, scored, p, model, prior)


def draw_clusterings(
    con: duckdb.DuckDBPyConnection, cands: Candidates, m: int, seed: int
) -> Iterator[dict[str, str]]:
    """``m`` clusterings (registration_id -> person_id), one independent stream per draw
    (``SeedSequence(seed).spawn``): draw i is the same whatever ``m`` is."""
    if m < 1:
        raise LinkError("the number of linkage draws must be at least 1")
    pairs = cands.scored.pairs
    for stream in np.random.SeedSequence(seed).spawn(m):
        u = np.random.default_rng(stream).random(len(pairs))
        keep = np.flatnonzero(u < cands.calibrated)
        drawn = [pairs[k] for k in keep]
        # merge order: the run's own score (a calibration's flat steps would make ties)
        weights = [cands.scored.probabilities[k] for k in keep]
        gaps = [cands.scored.gaps[k] for k in keep]
        conflicts = cannot_link_pairs(con, cands.ids, drawn, cands.model, cands.prior)
        yield cluster_ids(cands.ids, drawn, weights=weights, conflicts=conflicts, tiebreak=gaps)


def histories_of(con: duckdb.DuckDBPyConnection, mapping: dict[str, str]) -> pd.DataFrame:
    """The capture histories the run would have built from this clustering."""
    con.register(
        "draw_rp_arrow",
        pa.table({"registration_id": list(mapping), "person_id": list(mapping.values())}),
    )
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE draw_rp AS SELECT * FROM draw_rp_arrow")
        con.execute("DROP TABLE IF EXISTS draw_persons")
        con.execute("DROP TABLE IF EXISTS draw_histories")
        create_persons(con, "draw_rp", "draw_persons")
        create_capture_histories(con, "draw_persons", "draw_rp", "draw_histories")
        return con.execute("SELECT * FROM draw_histories ORDER BY person_id").df()
    finally:
        con.unregister("draw_rp_arrow")
        for table in ("draw_rp", "draw_persons", "draw_histories"):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def draw_histories(
    run_dir: Path,
    m: int,
    seed: int = 0,
    calibration: CalibrationMap | None = None,
    min_probability: float = MIN_PROBABILITY,
) -> Iterator[pd.DataFrame]:
    """``m`` draws of the run's capture histories (the columns of its ``capture_histories``),
    one DataFrame at a time. ``calibration`` maps splink's probabilities (default: none;
    ``calibration.default_map()`` is the isotonic map fitted on the demo world)."""
    con = open_run_for_draws(run_dir)
    try:
        cands = candidates(con, calibration, min_probability)
        for mapping in draw_clusterings(con, cands, m, seed):
            yield histories_of(con, mapping)
    finally:
        con.close()


def run_histories(run_dir: Path) -> pd.DataFrame:
    """The run's own capture histories (its one clustering), ordered as a draw's."""
    con = open_run_for_draws(run_dir)
    try:
        return con.execute("SELECT * FROM run.capture_histories ORDER BY person_id").df()
    finally:
        con.close()
