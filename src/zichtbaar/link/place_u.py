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
MIN_NAMESAKE_PAIRS = 200
"""Fewest same-name pairs with dates agreeing on no level behind u(same place and name key):
namesakes are rare (synthetic world seed 1: 442 such pairs among 14,461 registrations)."""
PLACE_PAIR_SAMPLE = 2_000_000
"""About this many same-date pairs are read for the estimate (dates sampled by hash at scale)."""


NAME_DICE = DUCKDB.dice_prepared("l.bloom_bits", "r.bloom_bits", "l.bloom_n", "r.bloom_n")


def _share(
    con: duckdb.DuckDBPyConnection,
    source: str,
    key: str,
    where: str,
    place: str,
    least: int,
) -> float | None:
    """Among the pairs of ``source`` sharing ``key`` that meet ``where`` (a hash sample of the
    key's values above ``PLACE_PAIR_SAMPLE`` pairs), the share agreeing on token ``place``;
    None below ``least`` pairs."""
    pairs = con.execute(
        f"SELECT coalesce(sum(c * (c - 1) / 2), 0) FROM "
        f"(SELECT count(*) AS c FROM ({source}) GROUP BY {key})"
    ).fetchall()[0][0]
    modulus = max(1, int(pairs) // PLACE_PAIR_SAMPLE)
    rows = con.execute(
        f"""
        WITH s AS (SELECT * FROM ({source}) WHERE {DUCKDB.hash_sample(key, modulus)})
        SELECT count(*), count(*) FILTER (WHERE l.{place} = r.{place})
        FROM s l JOIN s r ON l.{key} = r.{key} AND l.id < r.id
        WHERE {where}
        """
    ).fetchall()
    total, same = int(rows[0][0]), int(rows[0][1])
    if total < least:
        return None
    return max(same / total, M_U_FLOOR)


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
    where = f"{NAME_DICE} < {min(model.dice_levels)}"
    return _share(con, source, "tok_dob", where, "tok_pob_dob", MIN_PLACE_PAIRS)


DATE_AGREES = (
    "l.tok_dob = r.tok_dob OR l.tok_dob = r.tok_dob_swapped OR l.tok_dob_swapped = r.tok_dob "
    "OR l.tok_name_ym = r.tok_name_ym OR l.tok_name_yd = r.tok_name_yd "
    "OR l.tok_name_md = r.tok_name_md"
)


def estimate_namesake_place_u(
    con: duckdb.DuckDBPyConnection, tables: list[str], model: LinkModel
) -> float | None:
    """u of "same place and name key": among pairs with the same name (whole-name Dice at the
        first level, found on the first LSH band) whose dates agree on no level, the share born in
        the same place (``tok_name_pob``). Those are mostly namesakes, not one person, and a name's
        bearers share origins: u of the place among pairs sharing a date says nothing of them
        (synthetic world seed 1: namesakes with different dates were linked at p = 0.92 on "same
        place" +6.1 bits; 0.25 of the dated pairs share the place, against 0.014 among
    same-date pairs; by the world's truth all 351 dated pairs are different people, 88 of them
    born in one place). None when fewer than ``MIN_NAMESAKE_PAIRS`` qualify."""
    union = " UNION ALL ".join(
        f"SELECT id, lsh_0, tok_dob, tok_dob_swapped, tok_name_ym, tok_name_yd, tok_name_md, "
        f"tok_name_pob, bloom_bits, bloom_n FROM {t}"
        for t in tables
    )
    # both dated: a namesake pair with a date missing is as often one person (world seed 1: 71
    # of 91 such pairs, every one born in the same place)
    source = (
        f"SELECT * FROM ({union}) WHERE lsh_0 IS NOT NULL AND tok_name_pob IS NOT NULL "
        "AND tok_dob IS NOT NULL"
    )
    where = f"{NAME_DICE} >= {model.dice_levels[0]} AND NOT coalesce({DATE_AGREES}, false)"
    return _share(con, source, "lsh_0", where, "tok_name_pob", MIN_NAMESAKE_PAIRS)


def local_prepared_table(con: duckdb.DuckDBPyConnection, records: pa.Table, out: str) -> None:
    """Table ``out`` in ``con``: the columns of ``records`` with its raw filters (``bloom`` and
    any ``bloom_address``, ``bloom_given``, ``bloom_surname``) prepared (``bloom_bits``,
    ``bloom_n``, ``address_bits``, ...), for the DuckDB steps other engines borrow (LSH
    partners, u of the place, ``u_sampling``)."""
    con.register(f"{out}_raw", records)
    prepared = {
        column: name
        for column, name in (
            ("bloom", "bloom"),
            ("bloom_address", "address"),
            ("bloom_given", "given"),
            ("bloom_surname", "surname"),
        )
        if column in records.column_names
    }
    select = ", ".join(
        f"{DUCKDB.bloom_bits(c)} AS {n}_bits, {DUCKDB.bloom_count(c)} AS {n}_n"
        for c, n in prepared.items()
    )
    con.execute(
        f"CREATE TABLE {out} AS SELECT * EXCLUDE ({', '.join(prepared)}), {select} FROM {out}_raw"
    )
    con.unregister(f"{out}_raw")


def with_place_u(
    model: LinkModel, estimate: float | None, namesakes: float | None = None
) -> LinkModel:
    """The model with u(same place) and u(same place and name key) from the data where they
    could be estimated; the second falls back to the first."""
    place_u = model.place_u if estimate is None else estimate
    namesake = model.namesake_place_u if namesakes is None else namesakes
    return replace(model, place_u=place_u, namesake_place_u=namesake)
