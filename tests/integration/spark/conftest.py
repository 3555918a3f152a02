"""One local Spark session for the whole Spark suite (starting one takes seconds).

Java or pyspark missing fails the run in CI (``CI=true``) and skips locally. The Spark tests
share one xdist group so that one worker starts one JVM (with ``--dist loadgroup``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from zichtbaar.link.spark import SparkConfig, spark_session

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def spark_config(tmp_path_factory: pytest.TempPathFactory) -> SparkConfig:
    return SparkConfig(
        master="local[2]",
        shuffle_partitions=2,
        checkpoint_dir=str(tmp_path_factory.mktemp("spark-checkpoints")),
        driver_memory="2g",
    )


@pytest.fixture(scope="session")
def spark(spark_config: SparkConfig) -> Iterator[SparkSession]:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _unavailable("Spark needs Java (openjdk-17-jre-headless)")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        _unavailable("pyspark is not installed (uv sync)")
    session = spark_session(spark_config)
    yield session
    session.stop()
