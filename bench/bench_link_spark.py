"""DuckDB vs Spark (local mode) on the same encoded registrations: time and agreement.

For each size (``ZICHTBAAR_BENCH_SPARK_ROWS``, default ``10000,100000``): DuckDB trains and
predicts; Spark predicts with DuckDB's trained model (the engines' SQL alone) and then trains
its own parameters. Spark runs ``local[2]`` with ``ZICHTBAAR_SPARK_*`` settings (docs/spark.md);
its session start is timed apart. Each engine runs once per size (minutes, not seconds).
Memory: the Python process only; the JVM's heap is capped by ``spark.driver.memory``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from harness import Measurement, peak_rss_mb, write_results

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.spark.agreement import agreement  # noqa: E402
from tests.integration.spark.test_engine_agreement import (  # noqa: E402
    duckdb_dedupe,
    records_of,
)
from tests.link.encoded_world import make_encoded_snapshot  # noqa: E402

from zichtbaar.link.model import LinkModel  # noqa: E402
from zichtbaar.link.spark import SparkConfig, spark_session, train_and_predict_spark  # noqa: E402


def main() -> None:
    raw = os.environ.get("ZICHTBAAR_BENCH_SPARK_ROWS", "10000,100000")
    sizes = [int(s) for s in raw.split(",")]
    model = LinkModel()
    measurements: list[Measurement] = []
    agreements: dict[str, object] = {}

    def timed(name: str, rows: int, t0: float) -> None:
        measurements.append(Measurement(name, [time.perf_counter() - t0], items=rows))

    with tempfile.TemporaryDirectory() as tmp:
        config = SparkConfig.from_env(checkpoint_dir=str(Path(tmp) / "checkpoints"))
        t0 = time.perf_counter()
        spark = spark_session(config)
        measurements.append(Measurement("spark session start", [time.perf_counter() - t0]))
        for rows in sizes:
            persons = rows // 2 + rows // 50  # about two registrations each
            snap = make_encoded_snapshot(Path(tmp) / f"snap{rows}", n_persons=persons, seed=3)
            records = records_of(snap.path, rows)
            t0 = time.perf_counter()
            duck, duck_model = duckdb_dedupe(records, model)
            timed(f"duckdb train+predict {rows:,}", rows, t0)
            t0 = time.perf_counter()
            same = train_and_predict_spark(
                records, model, trained=duck_model, config=config, spark=spark
            )
            timed(f"spark predict, DuckDB's model {rows:,}", rows, t0)
            t0 = time.perf_counter()
            own = train_and_predict_spark(records, model, config=config, spark=spark)
            timed(f"spark train+predict {rows:,}", rows, t0)
            ids = sorted(records["id"].to_pylist())
            agreements[str(rows)] = {
                "same_model": agreement(ids, duck, same.predictions, model.threshold).to_dict(),
                "spark_trained": agreement(ids, duck, own.predictions, model.threshold).to_dict(),
            }
        spark.stop()
    write_results(
        "link_spark",
        measurements,
        agreement=agreements,
        spark=config.__dict__,
        python_peak_rss_mb=peak_rss_mb(),
    )


if __name__ == "__main__":
    main()
