"""Row counts read from a run's connection (shared by the steps of a run)."""

from __future__ import annotations

import duckdb


def count_rows(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()  # fetchone would leave the result open for splink
    return int(rows[0][0]) if rows else 0
