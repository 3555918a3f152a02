"""u of "same place", estimated from the data without labels (``LinkModel.place_u`` where it
cannot be): random sampling cannot, place tokens carry the date or the name key."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pyarrow as pa

from zichtbaar.link.dialect import DUCKDB
from zichtbaar.link.floors import M_U_FLOOR
from zichtbaar.link.model import LinkModel

MIN_PLACE_PAIRS = 500
"""Fewest different-name pairs with the same date behind an estimate of u(same place)."""
PLACE_PAIR_SAMPLE = 2_000_000
"""About this many same-date pairs are read for the estimate (dates sampled by hash at scale)."""


def estimate_place_u(
    con: duckdb.DuckDBPyConnection, tables: list[str], model: LinkModel
) -> float | None:
    """u of "same place", estimated without labels: among pairs with the same date of birth
    whose names are plainly different (Dice below the lowest level), the share born in the same
    place. Those pairs are nearly all different people, and date and place are the very pair of
    fields the token ``tok_pob_dob`` compares. None when fewer than ``MIN_PLACE_PAIRS`` qualify.

    In the 14k-row demo world it finds 0.016 (truth: 0.015 of different-person same-date pairs
    share the place), half the fixed guess of 0.03 used before.
    """
    union = " UNION ALL ".join(
        f"SELECT id, tok_dob, tok_pob_dob, bloom_bits, bloom_n FROM {t}" for t in tables
    )
    source = (
        f"SELECT * FROM ({union}) WHERE tok_dob IS NOT NULL AND tok_pob_dob IS NOT NULL "
        "AND bloom_n IS NOT NULL"
    )
    pairs = con.execute(
        f"SELECT coalesce(sum(c * (c - 1) / 2), 0) FROM "
        f"(SELECT count(*) AS c FROM ({source}) GROUP BY tok_dob)"
    ).fetchall()[0][0]
    modulus = max(1, int(pairs) // PLACE_PAIR_SAMPLE)
    dice = DUCKDB.dice_prepared("l.bloom_bits", "r.bloom_bits", "l.bloom_n", "r.bloom_n")
    rows = con.execute(
        f"""
        WITH s AS (SELECT * FROM ({source}) WHERE {DUCKDB.hash_sample("tok_dob", modulus)})
        SELECT count(*), count(*) FILTER (WHERE l.tok_pob_dob = r.tok_pob_dob)
        FROM s l JOIN s r ON l.tok_dob = r.tok_dob AND l.id < r.id
        WHERE {dice} < {min(model.dice_levels)}
        """
    ).fetchall()
    total, same = int(rows[0][0]), int(rows[0][1])
    if total < MIN_PLACE_PAIRS:
        return None
    return max(same / total, M_U_FLOOR)


def local_prepared_table(con: duckdb.DuckDBPyConnection, records: pa.Table, out: str) -> None:
    """Table ``out`` in ``con``: the columns of ``records`` with its raw ``bloom`` (and any
    ``bloom_address``) prepared (``bloom_bits``, ``bloom_n``, ``address_bits``, ``address_n``),
    for the DuckDB steps other engines borrow (LSH partners, u of the place)."""
    con.register(f"{out}_raw", records)
    address = (
        f", {DUCKDB.bloom_bits('bloom_address')} AS address_bits, "
        f"{DUCKDB.bloom_count('bloom_address')} AS address_n"
        if "bloom_address" in records.column_names
        else ""
    )
    excluded = "bloom, bloom_address" if address else "bloom"
    con.execute(
        f"CREATE TABLE {out} AS SELECT * EXCLUDE ({excluded}), "
        f"{DUCKDB.bloom_bits('bloom')} AS bloom_bits, {DUCKDB.bloom_count('bloom')} AS bloom_n"
        f"{address} FROM {out}_raw"
    )
    con.unregister(f"{out}_raw")


def estimate_place_u_of_records(records: pa.Table, model: LinkModel) -> float | None:
    """``estimate_place_u`` for engines other than DuckDB: on the raw records (``id``,
    ``tok_dob``, ``tok_pob_dob``, ``bloom``), in an in-process DuckDB."""
    con = duckdb.connect()
    try:
        columns = ["id", "tok_dob", "tok_pob_dob", "bloom"]
        local_prepared_table(con, records.select(columns), "place_records")
        return estimate_place_u(con, ["place_records"], model)
    finally:
        con.close()


def with_place_u(model: LinkModel, estimate: float | None) -> LinkModel:
    """The model with u(same place) from the data where it could be estimated."""
    return model if estimate is None else replace(model, place_u=estimate)
