"""Spark settings from the environment, the array explode of the LSH rule and moving a trained model
between engines: no JVM needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from tests.link.encoded_world import make_encoded_snapshot
from zichtbaar.errors import ConfigError, LinkError
from zichtbaar.link.blocking_rules import blocking_rules
from zichtbaar.link.dialect import DUCKDB, SPARK
from zichtbaar.link.model import COMPARED_COLUMNS, LinkModel
from zichtbaar.link.partners import prepare_records
from zichtbaar.link.spark import (
    SparkConfig,
    SparkLinkResult,
    as_duckdb_trained,
    enable_array_blocking,
    spark_settings,
    transfer_parameters,
)
from zichtbaar.link.training import settings, train_and_predict


def test_config_from_env_reads_every_setting() -> None:
    env = {
        "ZICHTBAAR_SPARK_MASTER": "spark://hub:7077",
        "ZICHTBAAR_SPARK_PARTITIONS": "400",
        "ZICHTBAAR_SPARK_CHECKPOINT_DIR": "hdfs:///zichtbaar/checkpoints",
        "ZICHTBAAR_SPARK_DRIVER_MEMORY": "8g",
        "ZICHTBAAR_SPARK_BREAK_LINEAGE": "checkpoint",
    }
    config = SparkConfig.from_env(env)
    assert config == SparkConfig(
        master="spark://hub:7077",
        shuffle_partitions=400,
        checkpoint_dir="hdfs:///zichtbaar/checkpoints",
        driver_memory="8g",
        break_lineage="checkpoint",
    )


def test_config_defaults_and_overrides() -> None:
    assert SparkConfig.from_env({}) == SparkConfig()
    assert SparkConfig().master == "local[2]"
    config = SparkConfig.from_env({"ZICHTBAAR_SPARK_MASTER": "yarn"}, master="local[1]")
    assert config.master == "local[1]"


@pytest.mark.parametrize("raw", ["0", "-3", "many", ""])
def test_config_rejects_bad_partitions(raw: str) -> None:
    with pytest.raises(ConfigError, match="ZICHTBAAR_SPARK_PARTITIONS"):
        SparkConfig.from_env({"ZICHTBAAR_SPARK_PARTITIONS": raw})


def test_config_rejects_unknown_lineage_method() -> None:
    with pytest.raises(ConfigError, match="break_lineage"):
        SparkConfig.from_env({"ZICHTBAAR_SPARK_BREAK_LINEAGE": "delta"})


def test_spark_dialect_learns_the_array_explode_of_the_lsh_rule() -> None:
    from splink.internals.dialects import SparkDialect

    assert any(
        r.arrays_to_explode == ["lsh_partners"] for r in blocking_rules(LinkModel())
    )  # model.py's own rule
    enable_array_blocking()
    sql = " ".join(SparkDialect().explode_arrays_sql("t", ["a", "b"], ["id"]).split())
    assert sql == (
        "select explode(b) as b, id, a from "
        "(select explode(a) as a, id, b from (select id, b, a from t))"
    )
    assert SparkDialect().explode_arrays_sql("t", [], ["id", "x"]) == "select id, x from t"


def test_spark_comparisons_use_the_spark_dice() -> None:
    creator = spark_settings(LinkModel(), "dedupe_only")
    text = str(creator.create_settings_dict("spark")["comparisons"])
    assert "zip_with" in text and "bit_count" in text
    assert "::BIT" not in text
    duck = str(settings(LinkModel(), "dedupe_only", DUCKDB).create_settings_dict("duckdb"))
    assert "zip_with" not in duck
    assert SPARK.name == "spark"


def _trained() -> dict[str, Any]:
    model = settings(LinkModel(), "dedupe_only", DUCKDB).create_settings_dict("duckdb")
    model["probability_two_random_records_match"] = 0.0123
    for c, comparison in enumerate(model["comparisons"]):
        for i, level in enumerate(comparison["comparison_levels"]):
            if not level.get("is_null_level"):
                level["m_probability"] = (i + 1) / 100
                level["u_probability"] = (c + 1) / 1000
    return model


def test_transfer_parameters_copies_prior_m_and_u_and_keeps_spark_sql() -> None:
    target = spark_settings(LinkModel(), "dedupe_only").create_settings_dict("spark")
    moved = transfer_parameters(_trained(), target)
    assert moved["probability_two_random_records_match"] == 0.0123
    bloom = next(c for c in moved["comparisons"] if c["output_column_name"] == "bloom")
    levels = bloom["comparison_levels"]
    assert "zip_with" in levels[1]["sql_condition"]
    assert levels[1]["m_probability"] == 0.02
    assert levels[1]["u_probability"] == pytest.approx(0.004)
    assert "m_probability" not in levels[0]  # the null level has no parameters
    assert target["comparisons"][3]["comparison_levels"][1].get("m_probability") is None


def test_transfer_parameters_refuses_a_model_of_other_settings() -> None:
    target = spark_settings(LinkModel(), "dedupe_only").create_settings_dict("spark")
    trained = _trained()
    trained["comparisons"] = trained["comparisons"][1:]
    with pytest.raises(LinkError, match="no comparison 'bsn'"):
        transfer_parameters(trained, target)
    trained = _trained()
    trained["comparisons"][3]["comparison_levels"][2]["label_for_charts"] = "renamed"
    with pytest.raises(LinkError, match="no level"):
        transfer_parameters(trained, target)


def test_spark_result_hands_back_to_duckdb_with_the_same_parameters(tmp_path: Path) -> None:
    """The seam for run.py: Spark's model as a DuckDB linker scores exactly like the original."""
    snap = make_encoded_snapshot(tmp_path / "snap", n_persons=300, seed=5)
    regs = pq.read_table(snap.path / "registrations.parquet")
    records = regs.select(["registration_id", *COMPARED_COLUMNS])
    con = duckdb.connect()
    con.register("regs", records)
    model = LinkModel()
    prepare_records(
        con,
        f"SELECT registration_id AS id, {', '.join(COMPARED_COLUMNS)} FROM regs",
        "link_records",
        model,
    )
    original = train_and_predict(con, ["link_records"], model, "dedupe_only")
    cols = "id_l, id_r, match_weight, match_probability"
    scored = con.sql(f"SELECT {cols} FROM {original.predictions.physical_name}").to_arrow_table()
    spark_json = transfer_parameters(
        original.linker.misc.save_model_to_json(),
        spark_settings(model, "dedupe_only").create_settings_dict("spark"),
    )
    trained = as_duckdb_trained(con, ["link_records"], SparkLinkResult(scored, spark_json), model)
    again = trained.linker.inference.predict(threshold_match_weight=-10, warning_mode="never")
    rescored = con.sql(f"SELECT {cols} FROM {again.physical_name} ORDER BY id_l, id_r").fetchall()
    assert rescored == con.sql(f"SELECT {cols} FROM scored ORDER BY id_l, id_r").fetchall()
    handed = con.sql(f"SELECT count(*) FROM {trained.predictions.physical_name}").fetchall()
    assert handed == [(scored.num_rows,)]
    assert scored.num_rows > 100
