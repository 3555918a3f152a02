"""The full dedupe on DuckDB and on Spark, on the same 10,000 encoded registrations.

Acceptance (issue 3): the engines agree on >= 99.5 % of pairwise decisions. Two comparisons:
the same trained model (trained once on DuckDB) scoring on both engines, which isolates the
SQL; and Spark training its own parameters (its own random u sample), which adds training
noise. The figures are written to ``test-artifacts/spark/agreement.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.integration.spark.agreement import agreement
from tests.link.encoded_world import make_encoded_snapshot
from zichtbaar.errors import LinkError
from zichtbaar.link.clusters import cluster_ids
from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.model import COMPARED_COLUMNS, LinkModel
from zichtbaar.link.partners import prepare_records
from zichtbaar.link.spark import SparkConfig, train_and_predict_spark
from zichtbaar.link.training import train_and_predict

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = [
    pytest.mark.spark,
    pytest.mark.xdist_group("spark"),
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

ROWS = 10_000
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "spark"


@dataclass
class World:
    records: pa.Table
    truth: dict[str, str]
    duck: pa.Table
    duck_model: dict[str, Any]

    @property
    def ids(self) -> list[str]:
        return sorted(self.records["id"].to_pylist())


def records_of(snapshot: Path, rows: int) -> pa.Table:
    regs = pq.read_table(snapshot / "registrations.parquet").slice(0, rows)
    return regs.select(["registration_id", *COMPARED_COLUMNS]).rename_columns(
        ["id", *COMPARED_COLUMNS]
    )


def duckdb_dedupe(records: pa.Table, model: LinkModel) -> tuple[pa.Table, dict[str, Any]]:
    con = duckdb.connect()
    con.register("regs", records)
    prepare_records(con, "SELECT * FROM regs", "link_records", model)
    trained = train_and_predict(con, ["link_records"], model, "dedupe_only")
    table = con.sql(
        "SELECT id_l, id_r, match_weight, match_probability "
        f"FROM {trained.predictions.physical_name}"
    ).to_arrow_table()
    model_json = trained.linker.misc.save_model_to_json()
    con.close()
    return table, model_json


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    # about two registrations per person: 5,100 persons give just over 10,000 rows
    snap = make_encoded_snapshot(tmp_path_factory.mktemp("spark-world"), n_persons=5100, seed=3)
    records = records_of(snap.path, ROWS)
    assert records.num_rows == ROWS
    duck, model_json = duckdb_dedupe(records, LinkModel())
    truth = {r: snap.truth[r] for r in records["id"].to_pylist()}
    return World(records, truth, duck, model_json)


def _report(name: str, figures: dict[str, Any]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "agreement.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    current[name] = figures
    path.write_text(json.dumps(current, indent=2) + "\n")
    print(name, json.dumps(figures))


def _accuracy(world: World, predictions: pa.Table, threshold: float) -> dict[str, Any]:
    pairs = [
        (a, b)
        for a, b, p in zip(
            *[predictions[c].to_pylist() for c in ("id_l", "id_r", "match_probability")],
            strict=True,
        )
        if p >= threshold
    ]
    return accuracy(cluster_ids(world.ids, pairs), world.truth).to_dict()


def test_same_model_scores_identically_on_both_engines(
    world: World, spark: SparkSession, spark_config: SparkConfig
) -> None:
    model = LinkModel()
    result = train_and_predict_spark(
        world.records, model, trained=world.duck_model, config=spark_config, spark=spark
    )
    assert result.predictions.column_names == [
        "id_l",
        "id_r",
        "match_weight",
        "match_probability",
    ]
    agree = agreement(world.ids, world.duck, result.predictions, model.threshold)
    _report("same_model", agree.to_dict())
    # the same blocking gives the same candidate pairs; the same parameters the same scores
    assert agree.candidate_pairs_a == agree.candidate_pairs_b == agree.candidate_pairs_common
    assert agree.max_probability_difference < 1e-9
    assert agree.decision_agreement >= 0.995
    assert agree.match_agreement >= 0.995
    assert agree.cluster_pair_agreement >= 0.995
    assert agree.same_cluster_share >= 0.995
    assert result.model_json["sql_dialect"] == "spark"
    assert result.model_json["probability_two_random_records_match"] == pytest.approx(
        world.duck_model["probability_two_random_records_match"]
    )


@pytest.mark.slow  # Spark's own training: about a minute on an idle 2-core machine
def test_spark_trained_model_agrees_with_duckdb(
    world: World, spark: SparkSession, spark_config: SparkConfig
) -> None:
    model = LinkModel()
    result = train_and_predict_spark(world.records, model, config=spark_config, spark=spark)
    agree = agreement(world.ids, world.duck, result.predictions, model.threshold)
    figures = {
        **agree.to_dict(),
        "duckdb_accuracy": _accuracy(world, world.duck, model.threshold),
        "spark_accuracy": _accuracy(world, result.predictions, model.threshold),
    }
    _report("spark_trained", figures)
    assert agree.decision_agreement >= 0.995
    assert agree.match_agreement >= 0.99
    assert agree.same_cluster_share >= 0.99
    assert figures["spark_accuracy"]["precision"] >= 0.98
    assert figures["spark_accuracy"]["recall"] >= 0.95


def test_missing_columns_are_named_not_echoed(
    spark: SparkSession, spark_config: SparkConfig
) -> None:
    records = pa.table({"id": ["R1"], "tok_bsn": ["secret-token-value"]})
    with pytest.raises(LinkError) as info:
        train_and_predict_spark(records, LinkModel(), config=spark_config, spark=spark)
    assert "bloom" in str(info.value)
    assert "secret-token-value" not in str(info.value)
