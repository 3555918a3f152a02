"""The linkage model on Spark: the same comparisons, blocking and training as on DuckDB.

Only three things are Spark's own: the SQL of the Bloom-filter Dice (``dialect.SPARK``), the
array explode behind blocking_rules.py's LSH blocking rule (splink 5 has none for Spark; see
``enable_array_blocking``) and where intermediate tables go (``SparkConfig``). pyspark is optional (``zichtbaar[spark]``) and imported
only when a session is made.

Cluster settings come from arguments or the environment (docs/spark.md):

* ``ZICHTBAAR_SPARK_MASTER``: master URL, e.g. ``spark://host:7077``, ``yarn``, ``local[2]``;
* ``ZICHTBAAR_SPARK_PARTITIONS``: ``spark.sql.shuffle.partitions`` (about 2-3 per core);
* ``ZICHTBAAR_SPARK_CHECKPOINT_DIR``: where splink writes intermediate tables (a shared file
  system such as HDFS on a cluster);
* ``ZICHTBAAR_SPARK_DRIVER_MEMORY``: driver memory, e.g. ``2g``;
* ``ZICHTBAAR_SPARK_BREAK_LINEAGE``: ``parquet`` (default, robust), ``persist`` (memory; fast
  on small inputs) or ``checkpoint``.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker, SettingsCreator

from zichtbaar.errors import ConfigError, LinkError
from zichtbaar.link.dialect import DUCKDB, SPARK
from zichtbaar.link.lsh import band_keys
from zichtbaar.link.model import TOKEN_COLUMNS, LinkModel
from zichtbaar.link.partners import add_lsh_partners
from zichtbaar.link.place_u import local_prepared_table
from zichtbaar.link.training import Trained, data_estimates_of_records, settings, train

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

PREDICTION_COLUMNS = ("id_l", "id_r", "match_weight", "match_probability")
BREAK_LINEAGE = ("parquet", "persist", "checkpoint")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SparkConfig:
    """Where and how Spark runs. Defaults suit one shared 2-core machine, not a cluster."""

    master: str = "local[2]"
    shuffle_partitions: int = 8
    checkpoint_dir: str | None = None
    """splink's intermediate tables; default: a fresh temporary directory (local mode only)."""
    driver_memory: str = "2g"
    break_lineage: str = "parquet"
    app_name: str = "zichtbaar-link"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> SparkConfig:
        """Settings from ``ZICHTBAAR_SPARK_*`` variables; explicit ``overrides`` win."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        if "ZICHTBAAR_SPARK_MASTER" in env:
            values["master"] = env["ZICHTBAAR_SPARK_MASTER"]
        if "ZICHTBAAR_SPARK_PARTITIONS" in env:
            raw = env["ZICHTBAAR_SPARK_PARTITIONS"]
            if not raw.isdigit() or int(raw) < 1:
                raise ConfigError("ZICHTBAAR_SPARK_PARTITIONS must be a positive whole number")
            values["shuffle_partitions"] = int(raw)
        if "ZICHTBAAR_SPARK_CHECKPOINT_DIR" in env:
            values["checkpoint_dir"] = env["ZICHTBAAR_SPARK_CHECKPOINT_DIR"]
        if "ZICHTBAAR_SPARK_DRIVER_MEMORY" in env:
            values["driver_memory"] = env["ZICHTBAAR_SPARK_DRIVER_MEMORY"]
        if "ZICHTBAAR_SPARK_BREAK_LINEAGE" in env:
            values["break_lineage"] = env["ZICHTBAAR_SPARK_BREAK_LINEAGE"]
        values.update(overrides)
        config = cls(**values)
        config.validate()
        return config

    def validate(self) -> None:
        if self.break_lineage not in BREAK_LINEAGE:
            raise ConfigError(f"break_lineage must be one of {', '.join(BREAK_LINEAGE)}")
        if self.shuffle_partitions < 1:
            raise ConfigError("shuffle_partitions must be at least 1")


def spark_session(config: SparkConfig | None = None) -> SparkSession:
    """A Spark session for linkage (or the running one: Spark allows one per process).

    The UI is off, nothing is fetched (no ``spark.jars.packages``; splink's similarity jar ships
    in its wheel) and logging stays at ERROR so that no row reaches a log line.
    """
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:
        raise LinkError("the Spark engine needs pyspark: install zichtbaar[spark]") from exc
    config = config or SparkConfig.from_env()
    config.validate()
    checkpoint = config.checkpoint_dir or tempfile.mkdtemp(prefix="zichtbaar-spark-")
    builder: Any = SparkSession.builder
    session: SparkSession = (
        builder.master(config.master)
        .appName(config.app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(config.shuffle_partitions))
        .config("spark.default.parallelism", str(config.shuffle_partitions))
        .config("spark.driver.memory", config.driver_memory)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.jars", similarity_jar_location())
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(checkpoint)
    return session


def _explode_arrays_sql(
    self: Any, tbl_name: str, columns_to_explode: list[str], other_columns_to_retain: list[str]
) -> str:
    """Spark's spelling of DuckDB's ``unnest``: one row per array element, one column at a
    time (rows with an empty or NULL array drop out on both engines)."""
    if not columns_to_explode:
        return f"select {', '.join(other_columns_to_retain)} from {tbl_name}"
    *rest, column = columns_to_explode
    inner = _explode_arrays_sql(self, tbl_name, rest, [*other_columns_to_retain, column])
    selected = [f"explode({column}) as {column}", *other_columns_to_retain, *rest]
    return f"select {', '.join(selected)} from ({inner})"


def enable_array_blocking() -> None:
    """Give splink's Spark dialect the array explode it lacks (splink 5 raises
    NotImplementedError), so blocking_rules.py's LSH rule runs on Spark unchanged: one join on the
    exploded band keys instead of one join per band (64 of them) is what makes Spark usable.
    Written by hand because splink has it for DuckDB only; the same recursion as DuckDB's."""
    from splink.internals.dialects import SparkDialect

    SparkDialect.explode_arrays_sql = _explode_arrays_sql  # type: ignore[method-assign]


def spark_settings(model: LinkModel, link_type: str, date_pairs: int = 0) -> SettingsCreator:
    """training.py's settings (blocking rules included) with the Spark Dice."""
    return settings(model, link_type, SPARK, date_pairs)


def transfer_parameters(trained: Mapping[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """``target`` settings with the prior, m and u of a model trained on any engine.

    Levels are matched by comparison name and chart label, so only the SQL differs; a level
    missing from ``trained`` is an error (the models were built from different settings).
    """
    out = dict(target)
    out["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    source = {c["output_column_name"]: c for c in trained["comparisons"]}
    comparisons = []
    for comparison in target["comparisons"]:
        name = comparison["output_column_name"]
        if name not in source:
            raise LinkError(f"the trained model has no comparison '{name}'")
        levels = {lv["label_for_charts"]: lv for lv in source[name]["comparison_levels"]}
        new_levels = []
        for level in comparison["comparison_levels"]:
            label = level["label_for_charts"]
            if label not in levels:
                raise LinkError(f"the trained model has no level '{label}' in '{name}'")
            new = dict(level)
            for key in ("m_probability", "u_probability"):
                if key in levels[label]:
                    new[key] = levels[label][key]
            new_levels.append(new)
        comparisons.append({**comparison, "comparison_levels": new_levels})
    out["comparisons"] = comparisons
    return out


def _band_columns(keys: pa.Array, valid: pa.Array, model: LinkModel, n: int) -> dict[str, pa.Array]:
    """The first ``n`` LSH band keys as columns (NULL where the filter is missing): the second
    EM session blocks on two of them, as on DuckDB."""
    bands = model.lsh.bands
    mask = np.asarray(valid, dtype=np.bool_)
    values = np.zeros((len(mask), bands), dtype=np.int64)
    values[mask] = keys.flatten().to_numpy().reshape(-1, bands)
    return {f"lsh_{b}": pa.array(values[:, b], mask=~mask) for b in range(n)}


def _lsh_partners(
    ids: pa.Array,
    tok_dob: pa.Array,
    bloom: pa.Array,
    keys: pa.Array,
    address: pa.Array,
    model: LinkModel,
) -> pa.Array:
    """``partners.add_lsh_partners`` on the records (an in-process DuckDB), in the records' order."""
    con = duckdb.connect()
    try:
        rn = pa.array(np.arange(len(ids), dtype=np.int64))
        rows = pa.table(
            {
                "id": ids,
                "tok_dob": tok_dob,
                "bloom": bloom,
                "bloom_address": address,
                "lsh": keys,
                "address_lsh": band_keys(address, model.address_lsh),
                "rn": rn,
            }
        )
        local_prepared_table(con, rows, "partner_records")
        add_lsh_partners(con, ["partner_records"], model)
        out = con.sql("SELECT lsh_partners FROM partner_records ORDER BY rn").to_arrow_table()
    finally:
        con.close()
    return out.column("lsh_partners").combine_chunks()


def _filter(records: pa.Table, column: str) -> pa.Array:
    """A filter column as binary, all null where the records lack it (older schemas) or hold
    nothing in it (pandas gives an empty column the type double)."""
    if column not in records.column_names or records[column].null_count == records.num_rows:
        return pa.nulls(records.num_rows, pa.binary())
    return records[column].combine_chunks().cast(pa.binary())


def prepare_spark_records(
    spark: SparkSession, records: pa.Table, model: LinkModel, view: str
) -> DataFrame:
    """Temp view ``view`` of id, tokens, prepared filters (``array<bigint>``), popcounts, gender
    and band keys, from a table of ``id``, the token columns, ``bloom``, ``gender``,
    ``nationality_group`` and, if any, ``bloom_address``, the name parts' filters
    (``bloom_given``, ``bloom_surname``) and ``registration_date``."""
    missing = {"id", *TOKEN_COLUMNS, "bloom", "gender", "nationality_group"} - set(
        records.column_names
    )
    if missing:
        raise LinkError(f"records lack column(s): {', '.join(sorted(missing))}")
    bloom = records["bloom"].combine_chunks().cast(pa.binary())
    address, given, surname = (
        _filter(records, column) for column in ("bloom_address", "bloom_given", "bloom_surname")
    )
    keys = band_keys(bloom, model.lsh)
    ids = pc.cast(records["id"], pa.string())
    base = pa.table(
        {
            "id": ids,
            **{c: pc.cast(records[c], pa.string()) for c in TOKEN_COLUMNS},
            "bloom": bloom,
            "bloom_address": address,
            "bloom_given": given,
            "bloom_surname": surname,
            "gender": pc.cast(records["gender"], pa.string()),
            "nationality_group": pc.cast(records["nationality_group"], pa.string()),
            "registration_date": (
                pc.cast(records["registration_date"], pa.date32())
                if "registration_date" in records.column_names
                else pa.nulls(records.num_rows, pa.date32())
            ),
            "lsh": keys,
            **_band_columns(keys, bloom.is_valid(), model, 2),
            "lsh_partners": _lsh_partners(ids, records["tok_dob"], bloom, keys, address, model),
        }
    )
    raw = f"{view}_raw"
    spark.createDataFrame(base).createOrReplaceTempView(raw)
    tokens = ", ".join(TOKEN_COLUMNS)
    frame = spark.sql(
        f"SELECT id, {tokens}, {SPARK.bloom_bits('bloom')} AS bloom_bits, "
        f"{SPARK.bloom_count('bloom')} AS bloom_n, "
        f"{SPARK.bloom_bits('bloom_address')} AS address_bits, "
        f"{SPARK.bloom_count('bloom_address')} AS address_n, "
        f"{SPARK.bloom_bits('bloom_given')} AS given_bits, "
        f"{SPARK.bloom_count('bloom_given')} AS given_n, "
        f"{SPARK.bloom_bits('bloom_surname')} AS surname_bits, "
        f"{SPARK.bloom_count('bloom_surname')} AS surname_n, gender, nationality_group, "
        "registration_date, lsh, lsh_0, lsh_1, "
        "lsh_partners "
        f"FROM {raw}"
    ).cache()
    frame.createOrReplaceTempView(view)
    return frame


def _pairs(records: pa.Table, column: str) -> int:
    counts = records.group_by(column).aggregate([(column, "count")])
    c = counts.filter(pc.is_valid(counts[column]))[f"{column}_count"].to_numpy()
    return int((c * (c - 1) // 2).sum())


@dataclass(frozen=True)
class SparkLinkResult:
    """Scored pairs (match weight > -10, as on DuckDB) and the model that scored them."""

    predictions: pa.Table
    """``id_l``, ``id_r``, ``match_weight``, ``match_probability``."""
    model_json: dict[str, Any]
    """splink's model (settings, prior, m and u) in Spark SQL."""


@contextmanager
def _spark_errors(step: str) -> Iterator[None]:
    """Spark's messages can quote values; only the step and the error class leave here."""
    try:
        yield
    except LinkError:
        raise
    except Exception as exc:
        raise LinkError(f"Spark linkage failed while {step} ({type(exc).__name__})") from None


def train_and_predict_spark(
    records: pa.Table,
    model: LinkModel,
    link_type: str = "dedupe_only",
    *,
    trained: Mapping[str, Any] | None = None,
    config: SparkConfig | None = None,
    spark: SparkSession | None = None,
) -> SparkLinkResult:
    """Train (as ``training.train_and_predict`` does) and predict on Spark.

    ``records``: ``id``, the token columns, ``bloom`` (binary), ``gender`` and
    ``nationality_group`` (and any ``bloom_address``). With ``trained``
    (a splink model JSON from either engine, e.g. a DuckDB run's ``splink_model.json``), nothing
    is trained: its prior, m and u score the pairs, so the engines can be compared like for like.
    """
    from splink.backends.spark import SparkAPI

    enable_array_blocking()
    config = config or SparkConfig.from_env()
    spark = spark or spark_session(config)
    name = f"zb_records_{uuid.uuid4().hex[:8]}"  # a session may link more than once
    with _spark_errors("preparing records"):
        frame = prepare_spark_records(spark, records, model, name)
    try:
        db_api = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=spark,
            break_lineage_method=config.break_lineage,
            num_partitions_on_repartition=config.shuffle_partitions,
        )
        date_pairs = _pairs(records, "tok_dob")
        creator = spark_settings(model, link_type, date_pairs)
        with _spark_errors("training"):
            if trained is not None:
                linker = Linker(
                    db_api.register(frame, table_name=f"in_{name}"),
                    transfer_parameters(trained, creator.create_settings_dict("spark")),
                    log_level=logging.WARNING,
                )
            else:
                linker = Linker(
                    db_api.register(frame, table_name=f"in_{name}"),
                    creator,
                    log_level=logging.WARNING,
                )
                estimated, u = data_estimates_of_records(records, model)
                train(linker, estimated, _pairs(records, "tok_bsn"), date_pairs, SPARK, u=u)
        with _spark_errors("predicting"):
            predicted = linker.inference.predict(threshold_match_weight=-10, warning_mode="never")
            table = predicted.as_spark_dataframe().select(*PREDICTION_COLUMNS).toArrow()
            model_json = linker.misc.save_model_to_json()
            predicted.drop_table_from_database_and_remove_from_cache()
    finally:
        frame.unpersist()
    return SparkLinkResult(table, model_json)


def as_duckdb_trained(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    result: SparkLinkResult,
    model: LinkModel,
    link_type: str = "dedupe_only",
) -> Trained:
    """Spark's result as ``training.Trained`` on DuckDB, for what a run does after the dedupe.

    ``tables`` are the prepared DuckDB record tables (``partners.prepare_records``); the linker
    carries Spark's trained parameters in DuckDB SQL (register linkage, quality report), and
    ``predictions`` holds Spark's scored pairs.
    """
    db_api = DuckDBAPI(connection=con)
    frames = [db_api.register(t, table_name=f"in_{t}") for t in tables]
    target = settings(model, link_type, DUCKDB).create_settings_dict("duckdb")
    linker = Linker(
        frames if len(frames) > 1 else frames[0],
        transfer_parameters(result.model_json, target),
        log_level=logging.WARNING,
    )
    name = f"spark_predictions_{uuid.uuid4().hex[:8]}"
    predictions = db_api.register(result.predictions, table_name=name)
    return Trained(linker, db_api, predictions)
