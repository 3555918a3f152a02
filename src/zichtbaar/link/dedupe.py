"""Step 1 of a run (``run.py``): dedupe the registrations into persons. splink scores their
pairs (trained on the snapshot, on DuckDB or on Spark, or with a previous run's model for the new
registrations only), then the pairs are clustered at the model's threshold under the cannot-link
constraints (``cannot_link.py``, ``clusters.py``)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from zichtbaar.link.cannot_link import cannot_link_pairs
from zichtbaar.link.clusters import carry_over_ids, cluster_ids
from zichtbaar.link.histories import scored_pairs
from zichtbaar.link.model import COMPARED_COLUMNS, LinkModel
from zichtbaar.link.partners import prepare_records
from zichtbaar.link.training import Trained, predict_increment, train_and_predict


def _ids(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [str(r[0]) for r in con.execute(sql).fetchall()]


def _train_on_spark(con: duckdb.DuckDBPyConnection, model: LinkModel, compared: str) -> Trained:
    """Train and score the dedupe on Spark; hand the result back as a DuckDB ``Trained``."""
    # Imported here: pyspark (and Java) are only needed by those who choose the Spark engine.
    from zichtbaar.link.spark import as_duckdb_trained, train_and_predict_spark

    records = con.sql(
        f"SELECT registration_id AS id, {compared} FROM registrations"
    ).to_arrow_table()
    result = train_and_predict_spark(records, model, "dedupe_only")
    return as_duckdb_trained(con, ["link_records"], result, model)


def score_registrations(
    con: duckdb.DuckDBPyConnection,
    model: LinkModel,
    previous: dict[str, str],
    previous_model: Path | None = None,
    engine: str = "duckdb",
) -> Trained:
    """Table ``dedupe_predictions``: the registrations' pairs as splink scored them (match weight
    > -10). Trained on ``engine``; with ``previous_model`` (an incremental run) untrained: only
    the registrations not in ``previous`` are scored, against the others and each other."""
    compared = ", ".join(COMPARED_COLUMNS)
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
    return trained


def cluster_registrations(
    con: duckdb.DuckDBPyConnection,
    model: LinkModel,
    prior: float,
    previous: dict[str, str],
    *,
    incremental: bool = False,
) -> None:
    """Tables ``registration_person`` and ``person_id_changes``: the scored pairs at or above the
    model's threshold clustered into persons, under the cannot-link constraints (``prior``: the
    trained prior match probability). Persons keep the ``previous`` run's person ids unless the
    data merges or splits them; ``incremental`` keeps each previous person together."""
    ids = _ids(con, "SELECT registration_id FROM registrations ORDER BY registration_id")
    scored = scored_pairs(con, model.threshold)
    pairs = scored.pairs
    # strongest evidence merges first; a previous run's persons (below) before anything else
    weights = scored.probabilities
    gaps = scored.gaps
    if incremental:
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
