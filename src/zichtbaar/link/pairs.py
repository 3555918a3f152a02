"""Candidate pairs and match decisions in SQL, on encodings only."""

from __future__ import annotations

import duckdb

from zichtbaar.link.dialect import DUCKDB, Dialect
from zichtbaar.link.rules import BLOCKING_TOKENS, MatchRule


def candidate_sql(left: str, right: str, dedupe: bool) -> str:
    """SQL selecting distinct candidate pairs (l_id, r_id) that share a blocking token.

    Besides equal tokens, a date of birth matches its day/month-swapped twin on the other side.
    For deduplication each unordered pair appears once (l_id < r_id).
    """
    conditions = [f"l.{tok} = r.{tok}" for tok in BLOCKING_TOKENS]
    conditions += ["l.tok_dob = r.tok_dob_swapped", "l.tok_dob_swapped = r.tok_dob"]
    order = " AND l.id < r.id" if dedupe else ""
    parts = [
        f"SELECT l.id AS l_id, r.id AS r_id FROM {left} l JOIN {right} r ON {cond}{order}"
        for cond in conditions
    ]
    return " UNION ".join(parts)


def match_pairs(
    con: duckdb.DuckDBPyConnection,
    left: str,
    right: str,
    out: str,
    *,
    dedupe: bool,
    rule: MatchRule | None = None,
    dialect: Dialect = DUCKDB,
) -> int:
    """Create table ``out`` (l_id, r_id, dice, reason) of matching pairs; return its row count.

    ``left`` and ``right`` are tables with an ``id`` column, the token columns and ``bloom``.
    """
    rule = rule or MatchRule()
    dice = dialect.dice("l.bloom", "r.bloom")
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {out} AS
        WITH cand AS ({candidate_sql(left, right, dedupe)}),
        scored AS (
            SELECT c.l_id, c.r_id, {dice} AS dice,
                   (l.tok_bsn = r.tok_bsn) AS bsn_eq,
                   (l.tok_name_dob = r.tok_name_dob) AS name_dob_eq,
                   (l.tok_dob = r.tok_dob) AS dob_eq,
                   (l.tok_dob = r.tok_dob_swapped OR l.tok_dob_swapped = r.tok_dob) AS dob_swap
            FROM cand c
            JOIN {left} l ON l.id = c.l_id
            JOIN {right} r ON r.id = c.r_id
        )
        SELECT l_id, r_id, dice,
               CASE WHEN coalesce(bsn_eq, false) THEN 'bsn'
                    WHEN coalesce(name_dob_eq, false) THEN 'name_dob'
                    WHEN coalesce(dob_eq, false) THEN 'dob_bloom'
                    ELSE 'swapped_dob_bloom' END AS reason
        FROM scored
        WHERE coalesce(bsn_eq, false)
           OR coalesce(name_dob_eq, false)
           OR (coalesce(dob_eq, false) AND dice >= {rule.dice_threshold})
           OR (coalesce(dob_swap, false) AND dice >= {rule.swapped_dice_threshold})
        """
    )
    row = con.execute(f"SELECT count(*) FROM {out}").fetchone()
    return int(row[0]) if row else 0
