"""Training and prediction of the linkage model with splink: its settings (comparisons and
blocking rules), the training recipe, the same for every engine (``spark.py`` borrows
``settings`` and ``train``), and the scoring of a run's records, whole or as an increment."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.exceptions import EMTrainingException
from splink.internals.splink_dataframe import SplinkDataFrame

from zichtbaar.link.blocking_rules import blocking_rules, date_block
from zichtbaar.link.comparisons import (
    MONTH_DAY,
    SAME_PLACE,
    SAME_PLACE_NAME,
    YEAR_DAY,
    YEAR_MONTH,
    comparisons,
)
from zichtbaar.link.dialect import DUCKDB, Dialect
from zichtbaar.link.floors import (
    M_U_FLOOR,
    _floor_probabilities,
    _floor_registered_apart,
    _floored_em,
    _neutral_agreement,
    floor_disagreement,
)
from zichtbaar.link.lsh import band_keys
from zichtbaar.link.model import COMPARED_COLUMNS, LinkModel
from zichtbaar.link.partners import add_lsh_partners
from zichtbaar.link.place_u import (
    estimate_namesake_place_u,
    estimate_place_u,
    local_prepared_table,
    with_place_u,
)
from zichtbaar.link.u_sampling import conditional_u


def settings(
    model: LinkModel, link_type: str, dialect: Dialect = DUCKDB, date_pairs: int = 0
) -> SettingsCreator:
    """splink settings; ``date_pairs`` (pairs sharing a date) sizes the blocking."""
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        unique_id_column_name="id",
        comparisons=comparisons(model, dialect),  # type: ignore[arg-type]
        blocking_rules_to_generate_predictions=blocking_rules(model, dialect, date_pairs),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
        max_iterations=50,
    )


DAYS_PER_MONTH = 365.25 / 12
SAME_DATE_U_FALLBACK = 1 / (365.25 * 40)
"""u of "same date" if random sampling saw no pair sharing a date (birth years over ~40 years)."""


def _derive_name_keyed_u(linker: Linker, model: LinkModel) -> None:
    """Set u of the name-keyed levels, which random sampling cannot estimate.

    A name-keyed token agrees for a random pair only when the two share a name key as well, so
    sampled u would count the name twice (Dice already does). What these levels should say is
    how often two *different* people sharing a name key agree on that part of the date or the
    place. For the date parts that follows from u of the whole date, which the hub samples
    (the date's collision rate), with month and day taken as uniform: u(year) = u(date) x 12 x
    30.4, u(year and month) = u(year) / 12, u(year and day) = u(year) / 30.4, u(month and day) =
    1 / 365.25. The place has no such anchor: ``LinkModel.place_u``.
    """
    levels = {
        (comparison.output_column_name, level.label_for_charts): level
        for comparison in linker._settings_obj.comparisons  # splink has no public setter
        for level in comparison.comparison_levels
        if not level.is_null_level
    }
    same_date = levels[("dob", "same date")].u_probability
    if same_date is None or same_date <= M_U_FLOOR:
        same_date = SAME_DATE_U_FALLBACK
    u_year = min(1.0, same_date * 12 * DAYS_PER_MONTH)
    derived = {
        ("dob", YEAR_MONTH): u_year / 12,
        ("dob", YEAR_DAY): u_year / DAYS_PER_MONTH,
        ("dob", MONTH_DAY): 1 / 365.25,
        ("pob", SAME_PLACE): model.place_u,
        ("pob", SAME_PLACE_NAME): (
            model.place_u if model.namesake_place_u is None else model.namesake_place_u
        ),
    }
    for key, u in derived.items():
        levels[key].u_probability = max(u, M_U_FLOOR)


@dataclass
class Trained:
    """A trained linker and where its predictions live."""

    linker: Linker
    db_api: DuckDBAPI
    predictions: SplinkDataFrame


MIN_BSN_PAIRS = 200
"""Below this many BSN-sharing pairs the second EM session blocks on two LSH bands instead."""


def pair_count(con: duckdb.DuckDBPyConnection, tables: list[str], column: str) -> int:
    """Number of record pairs sharing a value of ``column`` across ``tables`` (sizes the EM
    blocks)."""
    union = " UNION ALL ".join(f"SELECT {column} FROM {t}" for t in tables)
    rows = con.execute(
        f"SELECT coalesce(sum(c * (c - 1) / 2), 0) FROM (SELECT count(*) AS c FROM ({union}) "
        f"WHERE {column} IS NOT NULL GROUP BY {column})"
    ).fetchall()
    return int(rows[0][0]) if rows else 0


def between_pair_count(con: duckdb.DuckDBPyConnection, left: str, right: str, column: str) -> int:
    """Number of (left, right) record pairs sharing a value of ``column``: sizes the blocking of
    a link between two tables (``predict_between``), where ``pair_count`` would count pairs
    within each table as well."""
    rows = con.execute(
        f"""
        SELECT coalesce(sum(a.c * b.c), 0)
        FROM (SELECT {column} AS k, count(*) AS c FROM {left} WHERE {column} IS NOT NULL
              GROUP BY 1) a
        JOIN (SELECT {column} AS k, count(*) AS c FROM {right} WHERE {column} IS NOT NULL
              GROUP BY 1) b USING (k)
        """
    ).fetchall()
    return int(rows[0][0]) if rows else 0


def disagreement_floors(model: LinkModel) -> dict[tuple[str, str], float]:
    """The least m of each disagreement level (``floors.floor_disagreement``)."""
    parts = {("dob", label): model.dob_part_m for label in (YEAR_MONTH, YEAR_DAY, MONTH_DAY)}
    return {
        ("dob", "different"): model.dob_different_m,
        **parts,
        ("bloom", "dissimilar"): model.names_dissimilar_m,
    }


def _set_u(linker: Linker, u: Mapping[tuple[str, str], float]) -> None:
    """Make ``u`` the only trained u of its levels (``u_sampling.conditional_u``), so that
    splink's re-pooling of trained values after each EM session keeps it."""
    for comparison in linker._settings_obj.comparisons:  # splink has no public setter
        for level in comparison.comparison_levels:
            key = (comparison.output_column_name, level.label_for_charts)
            if key in u and not level.is_null_level:
                level._trained_u_probabilities = [
                    {"probability": u[key], "description": "conditional u", "m_or_u": "u"}
                ]
                level.u_probability = u[key]


def train(
    linker: Linker,
    model: LinkModel,
    bsn_pairs: int,
    date_pairs: int = 0,
    dialect: Dialect = DUCKDB,
    u: Mapping[tuple[str, str], float] | None = None,
) -> None:
    """The training recipe, the same for every engine: prior from the exact keys, u by random
    sampling, m by EM in two sessions, floored.

    The first EM session blocks on the date of birth (a sample of dates above
    ``EM_DATE_PAIRS`` same-date pairs). The second must not fix the date, so
    its m values get trained: pairs sharing a BSN are nearly all matches with every other field
    free to disagree, the best teacher. Without BSNs (fewer than ``MIN_BSN_PAIRS`` pairs), pairs
    agreeing on two LSH bands (64 bits) serve; one band alone lets in so many look-alike
    non-matches at 100k records that EM mixes them into m.
    """
    deterministic: list[Any] = [block_on("tok_bsn"), block_on("tok_name_dob")]
    linker.training.estimate_probability_two_random_records_match(
        deterministic, recall=model.prior_recall
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=model.max_pairs_u, seed=model.seed)
    _set_u(linker, u or {})
    _derive_name_keyed_u(linker, model)
    # A block on LSH bands uses up no comparison, so splink would start its session at the
    # global prior (1 in 4,400 on FEBRL3) in a block of nearly all matches (92 %), and EM would
    # call every date disagreement a non-match: m("different date") 1e-6 where 195 of FEBRL3's
    # 2,360 true pairs in the block differ. Such a session estimates its own prior (splink
    # copies only m and u back into the model); the date and BSN blocks keep it fixed.
    bsn = bsn_pairs >= MIN_BSN_PAIRS
    second = (block_on("tok_bsn"), True) if bsn else (block_on("lsh_0", "lsh_1"), False)
    # A very small input may have no pair in a block (two LSH bands); one band is the fallback.
    sessions = (((date_block(date_pairs, dialect), True),), (second, (block_on("lsh_0"), False)))
    with _floored_em():
        for rules in sessions:
            for rule, fixed_prior in rules:
                try:
                    linker.training.estimate_parameters_using_expectation_maximisation(
                        rule, fix_probability_two_random_records_match=fixed_prior
                    )
                    break
                except EMTrainingException:
                    continue
    _derive_name_keyed_u(linker, model)  # splink re-pools u from its training records after EM
    _floor_probabilities(linker, max(model.m_floor, M_U_FLOOR))
    _floor_registered_apart(linker, model.registered_apart_m)
    floor_disagreement(linker, disagreement_floors(model))
    _neutral_agreement(linker)


def model_conditional_u(
    con: duckdb.DuckDBPyConnection, tables: list[str], model: LinkModel
) -> dict[tuple[str, str], float]:
    """u of ``model.conditional_u``'s comparisons without the likely matches
    (``u_sampling.conditional_u``); a dedupe of one table only, else none."""
    if not model.conditional_u or len(tables) != 1:
        return {}
    u = conditional_u(con, tables[0], comparisons(model, DUCKDB), model.max_pairs_u)
    return {key: value for key, value in u.items() if key[0] in model.conditional_u}


def data_estimates(
    con: duckdb.DuckDBPyConnection, tables: list[str], model: LinkModel
) -> tuple[LinkModel, dict[tuple[str, str], float]]:
    """What the training takes from the data besides splink's own estimates, the same for
    every engine (Spark's comes from a local DuckDB table of its records): u of the place
    levels (in the model) and the conditional u of the date and name levels."""
    namesakes = (
        estimate_namesake_place_u(con, tables, model) if model.estimate_namesake_place_u else None
    )
    estimated = with_place_u(model, estimate_place_u(con, tables, model), namesakes)
    return estimated, model_conditional_u(con, tables, model)


def data_estimates_of_records(
    records: pa.Table, model: LinkModel
) -> tuple[LinkModel, dict[tuple[str, str], float]]:
    """``data_estimates`` for engines other than DuckDB, on their raw records (``id`` and the
    ``COMPARED_COLUMNS``) in an in-process DuckDB: the same SQL and the same hash samples as a
    DuckDB run, so both engines train on the same u."""
    con = duckdb.connect()
    try:
        bloom = records["bloom"].combine_chunks().cast(pa.binary())
        first_band = pc.list_element(band_keys(bloom, model.lsh), 0)
        columns = [c for c in records.column_names if c == "id" or c in COMPARED_COLUMNS]
        table = records.select(columns).append_column("lsh_0", first_band)
        local_prepared_table(con, table, "estimate_records")
        return data_estimates(con, ["estimate_records"], model)
    finally:
        con.close()


def train_and_predict(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    model: LinkModel,
    link_type: str,
) -> Trained:
    """Train u (random sampling) and m (EM, two blocking sessions), then predict all blocked pairs.

    ``predictions`` keeps pairs at or above a low floor (match weight > -10) for the quality
    report; the caller applies the decision threshold.
    """
    if len(tables) > 1:
        add_lsh_partners(con, tables, model)  # prepare_records made them within each table only
    date_pairs = pair_count(con, tables, "tok_dob")
    db_api = DuckDBAPI(connection=con)
    frames = [db_api.register(t, table_name=f"in_{t}") for t in tables]
    linker = Linker(
        frames if len(frames) > 1 else frames[0],
        settings(model, link_type, DUCKDB, date_pairs),
        log_level=logging.WARNING,
    )
    estimated, u = data_estimates(con, tables, model)
    train(linker, estimated, pair_count(con, tables, "tok_bsn"), date_pairs, u=u)
    predictions = linker.inference.predict(threshold_match_weight=-10, warning_mode="never")
    return Trained(linker, db_api, predictions)


def predict_increment(
    con: duckdb.DuckDBPyConnection, model_file: Path, old: str, new: str, all_records: str
) -> Trained:
    """Score new records against old ones and among themselves with a previous run's model.

    No retraining and no re-scoring of old pairs: splink's ``predict_between`` (new x old) and
    ``predict_within`` (new x new); ``predictions`` holds both.
    """
    db_api = DuckDBAPI(connection=con)
    linker = Linker(
        db_api.register(all_records, table_name=f"in_{all_records}"),
        json.loads(model_file.read_text(encoding="utf-8")),
        log_level=logging.WARNING,
    )
    old_df = db_api.register(old, table_name=f"in_{old}")
    new_df = db_api.register(new, table_name=f"in_{new}")
    between = linker.inference.predict_between(
        new_df, old_df, threshold_match_weight=-10, warning_mode="never"
    )
    within = linker.inference.predict_within(
        new_df, threshold_match_weight=-10, warning_mode="never"
    )
    cols = "id_l, id_r, match_weight, match_probability"
    union = db_api.register(
        con.sql(
            f"SELECT {cols} FROM {between.physical_name} "
            f"UNION ALL SELECT {cols} FROM {within.physical_name}"
        ).to_arrow_table(),
        table_name="increment_predictions",
    )
    return Trained(linker, db_api, union)
