"""u of the date's and the name's levels among random pairs that are not one person.

splink's ``estimate_u_using_random_sampling`` counts every sampled pair as a non-match. Where a
file holds many records of one person that is not so: FEBRL3 has 6,538 true pairs among its
12.5 M, and nearly all of them share a date and a name, so sampled u(same date) was 5.0e-4
against 6.3e-5 among different people, and u(same name) 2.2e-4 against 3.9e-5. Both then weigh
too little, and every name-keyed date part, whose u derives from u(same date)
(``training._derive_name_keyed_u``), too much against a true pair with a slip in the date.

No labels are needed to take the duplicates out: a pair whose *other* field says "likely the
same person" is left out of the count of this field. For the date that is a pair with the same
name; for the name, a pair with the same date or a name-keyed part of it. Among different
people name and date are close to independent (a twin has another given name), so leaving those
pairs out changes the non-matches' u by a negligible amount and removes most of the matches.
splink has no conditional u estimate (it samples one comparison at a time), so this is written
here on the comparisons' own SQL.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb

from zichtbaar.link.comparisons import MONTH_DAY, SAME_NAME, SWAPPED, YEAR_DAY, YEAR_MONTH
from zichtbaar.link.dialect import DUCKDB
from zichtbaar.link.floors import M_U_FLOOR

DOB, NAME = "dob", "bloom"
NAME_LIKELY_MATCH = (SAME_NAME, SWAPPED)
"""Name levels that mark a pair as likely one person when the date's u is counted."""
DATE_LIKELY_MATCH = ("same date", "day/month swapped", YEAR_MONTH, YEAR_DAY, MONTH_DAY)
"""Date levels that mark a pair as likely one person when the name's u is counted."""
CONDITIONED = {DOB: (NAME, NAME_LIKELY_MATCH), NAME: (DOB, DATE_LIKELY_MATCH)}
"""Per comparison whose u is counted here: the other comparison, and its levels that exclude."""
MIN_SAMPLE_RECORDS = 50
SAMPLE_SCALE = 1_000_000
DICE_PAIRS = (
    ("bloom", "bloom"),
    ("given", "given"),
    ("surname", "surname"),
    ("given", "surname"),
    ("surname", "given"),
)
"""The filters' Dice the name's levels read (``comparisons._name``)."""


def _case(comparison: dict[str, Any]) -> str:
    """SQL: the label of the pair's level of ``comparison`` (a ``comparisons`` dict), NULL for
    its null level, on columns suffixed ``_l`` and ``_r`` as splink's own SQL is."""
    whens = []
    for level in comparison["comparison_levels"]:
        label = "NULL" if level.get("is_null_level") else "'" + level["label_for_charts"] + "'"
        if level["sql_condition"] == "ELSE":
            whens.append(f"ELSE {label}")
        else:
            whens.append(f"WHEN {level['sql_condition']} THEN {label}")
    if not whens[-1].startswith("ELSE"):
        whens.append("ELSE NULL")
    return "CASE " + " ".join(whens) + " END"


def _sample(con: duckdb.DuckDBPyConnection, table: str, max_pairs: float, sql: str) -> int:
    """Tables ``u_sample_l`` and ``u_sample_r``: a hash sample of ``table``'s records whose
    pairs number about ``max_pairs``, with the columns ``sql`` reads suffixed by side. Returns
    its size."""
    n = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    share = min(1.0, (2 * max_pairs) ** 0.5 / max(n, 1))
    columns = [
        c for (c, *_) in con.execute(f"DESCRIBE {table}").fetchall() if c == "id" or f"{c}_l" in sql
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE u_sample AS SELECT {', '.join(columns)} FROM {table} "
        f"WHERE hash(id) % {SAMPLE_SCALE} < {round(share * SAMPLE_SCALE)}"
    )
    for side in ("l", "r"):
        select = ", ".join(f'"{c}" AS "{c}_{side}"' for c in columns)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE u_sample_{side} AS SELECT {select} FROM u_sample"
        )
    return int(con.execute("SELECT count(*) FROM u_sample").fetchall()[0][0])


def _count_sql(dob_case: str, name_case: str) -> str:
    """SQL: the sample's pairs counted by date level and name level. Each filter's Dice is
    computed once per pair and its bits are not carried along (the comparisons' SQL would
    compute a Dice once per level that reads it: 15 s for FEBRL3's 3 M pairs, against 5 s)."""
    filters = sorted({f for pair in DICE_PAIRS for f in pair})
    derived = {
        DUCKDB.dice_prepared(f"{a}_bits_l", f"{b}_bits_r", f"{a}_n_l", f"{b}_n_r"): f"dice_{a}_{b}"
        for a, b in DICE_PAIRS
    }
    derived |= {f"{f}_bits_{side} IS NULL": f"{f}_null_{side}" for f in filters for side in "lr"}
    for expression, column in derived.items():
        name_case = name_case.replace(expression, column)
        dob_case = dob_case.replace(expression, column)
    tokens = sorted(set(re.findall(r"\b(tok_\w+_[lr])\b", dob_case + name_case)))
    inner = ", ".join([*tokens, *(f"{e} AS {c}" for e, c in derived.items())])
    return f"""
        WITH pairs AS MATERIALIZED (
            SELECT {inner} FROM u_sample_l JOIN u_sample_r ON id_l < id_r
        )
        SELECT {dob_case} AS dob, {name_case} AS name, count(*) AS n FROM pairs GROUP BY ALL
        """


def conditional_u(
    con: duckdb.DuckDBPyConnection,
    table: str,
    comparisons: list[dict[str, Any]],
    max_pairs: float,
) -> dict[tuple[str, str], float]:
    """u of each non-null level of the ``CONDITIONED`` comparisons, counted among a hash sample
    of about ``max_pairs`` random pairs of ``table`` (prepared records), leaving out the pairs
    that the other comparison marks as likely one person. Empty if the sample is too small."""
    by_name = {c["output_column_name"]: c for c in comparisons}
    if any(name not in by_name for name in CONDITIONED):
        return {}
    dob_case, name_case = _case(by_name[DOB]), _case(by_name[NAME])
    if _sample(con, table, max_pairs, dob_case + name_case) < MIN_SAMPLE_RECORDS:
        return {}
    rows = con.execute(_count_sql(dob_case, name_case)).fetchall()
    con.execute("DROP TABLE u_sample; DROP TABLE u_sample_l; DROP TABLE u_sample_r")
    counts = [({DOB: dob, NAME: name}, int(n)) for dob, name, n in rows]
    u: dict[tuple[str, str], float] = {}
    for comparison, (other, excluded) in CONDITIONED.items():
        kept = [(lv[comparison], n) for lv, n in counts if lv[other] not in excluded]
        total = sum(n for level, n in kept if level is not None)
        if total == 0:
            continue
        for level in by_name[comparison]["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            label = level["label_for_charts"]
            # a level the sample never saw counts half a pair: not zero, whose weight is endless
            seen = sum(n for lv, n in kept if lv == label) or 0.5
            u[(comparison, label)] = max(seen / total, M_U_FLOOR)
    return u
