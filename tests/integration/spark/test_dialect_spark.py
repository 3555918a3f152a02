"""The Spark spelling of the Bloom-filter SQL gives DuckDB's numbers, bit for bit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from zichtbaar.link.dialect import DUCKDB, SPARK, Dialect

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


def _filters() -> list[bytes | None]:
    rng = np.random.default_rng(7)
    out: list[bytes | None] = []
    for width in (128, 130, 16, 2):  # whole 64-bit words and a short last word
        for density in (0.05, 0.3, 0.5, 0.9):
            for _ in range(6):
                out.append(np.packbits(rng.random(width * 8) < density).tobytes())
        out.append(bytes(width))  # empty filter
        out.append(b"\xff" * width)  # every sign bit set
    out.append(None)
    return out


def _expected(a: bytes | None, b: bytes | None) -> float | None:
    if a is None or b is None or len(a) != len(b):
        return None
    x, y = np.unpackbits(np.frombuffer(a, np.uint8)), np.unpackbits(np.frombuffer(b, np.uint8))
    total = int(x.sum() + y.sum())
    return None if total == 0 else 2 * int((x & y).sum()) / total


def _pairs() -> pa.Table:
    filters = _filters()
    rows = [(a, b) for a in filters for b in filters if a is None or b is None or len(a) == len(b)]
    return pa.table(
        {
            "k": list(range(len(rows))),
            "a": pa.array([r[0] for r in rows], pa.binary()),
            "b": pa.array([r[1] for r in rows], pa.binary()),
        }
    )


def _sql(d: Dialect) -> str:
    return f"SELECT k, {d.bloom_count('a')} AS n, {d.dice('a', 'b')} AS dice FROM pairs ORDER BY k"


def test_spark_dice_and_popcount_match_numpy_and_duckdb(spark: SparkSession) -> None:
    pairs = _pairs()
    spark.createDataFrame(pairs).createOrReplaceTempView("pairs")
    got = spark.sql(_sql(SPARK)).toArrow()
    con = duckdb.connect()
    con.register("pairs", pairs)
    duck = con.sql(_sql(DUCKDB)).to_arrow_table()
    a, b = pairs["a"].to_pylist(), pairs["b"].to_pylist()
    expected = [_expected(x, y) for x, y in zip(a, b, strict=True)]
    counts = [
        None if x is None else int(np.unpackbits(np.frombuffer(x, np.uint8)).sum()) for x in a
    ]
    assert got["n"].to_pylist() == counts == duck["n"].to_pylist()
    for want, s, d in zip(expected, got["dice"].to_pylist(), duck["dice"].to_pylist(), strict=True):
        if want is None:
            assert s is None and d is None
        else:
            assert s == pytest.approx(want, abs=1e-12)
            assert d == pytest.approx(want, abs=1e-12)


def test_spark_prepared_bits_are_signed_64_bit_words(spark: SparkSession) -> None:
    frame = pa.table({"a": pa.array([b"\x80" + bytes(7) + b"\x00\x01"], pa.binary())})
    spark.createDataFrame(frame).createOrReplaceTempView("words")
    words = spark.sql(f"SELECT {SPARK.bloom_bits('a')} AS w FROM words").toArrow()
    assert words["w"].to_pylist() == [[-(2**63), 1]]
