"""Records prepared for splink (tokens, prepared filters, coded attributes, LSH band keys) and
their LSH partner lists, the pairs the LSH rule blocks on (``blocking_rules.LSH_RULE``)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from zichtbaar.link.date_free import date_free_cap, date_free_ctes
from zichtbaar.link.dialect import DUCKDB, Dialect
from zichtbaar.link.lsh import band_keys
from zichtbaar.link.model import LinkModel
from zichtbaar.standard.models import TOKEN_COLUMNS


def prepare_records(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    out: str,
    model: LinkModel,
    dialect: Dialect = DUCKDB,
    *,
    partners: bool = True,
) -> None:
    """Create table ``out`` (id, tokens, prepared filters, coded attributes, LSH band keys and,
    unless ``partners`` is false, the LSH partners within ``out``) from a query.

    ``source_sql`` must yield ``id`` and the ``COMPARED_COLUMNS``. Records to be
    linked to another table get their partners across both (``add_lsh_partners``) instead.
    """
    tokens = ", ".join(TOKEN_COLUMNS)
    table: pa.Table = con.sql(
        f"SELECT id, bloom, bloom_address FROM ({source_sql}) ORDER BY id"
    ).to_arrow_table()
    con.register(
        "lsh_keys",
        pa.table(
            {
                "id": table["id"],
                "lsh": band_keys(table["bloom"], model.lsh),
                "address_lsh": band_keys(table["bloom_address"], model.address_lsh),
            }
        ),
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {out} AS
        SELECT s.id, {tokens},
               {dialect.bloom_bits("s.bloom")} AS bloom_bits,
               {dialect.bloom_count("s.bloom")} AS bloom_n,
               {dialect.bloom_bits("s.bloom_address")} AS address_bits,
               {dialect.bloom_count("s.bloom_address")} AS address_n,
               {dialect.bloom_bits("s.bloom_given")} AS given_bits,
               {dialect.bloom_count("s.bloom_given")} AS given_n,
               {dialect.bloom_bits("s.bloom_surname")} AS surname_bits,
               {dialect.bloom_count("s.bloom_surname")} AS surname_n,
               s.gender, s.nationality_group, s.registration_date,
               b.lsh, b.lsh[1] AS lsh_0, b.lsh[2] AS lsh_1, b.address_lsh
        FROM ({source_sql}) s JOIN lsh_keys b USING (id)
        """
    )
    con.unregister("lsh_keys")
    if partners:
        add_lsh_partners(con, [out], model)


def band_prefix(key: str, drop: int) -> str:
    """SQL: band key ``key`` (``band << 32 | bits``) keeping only its first sampled bits (the
    last ``drop`` bits shifted out): a denser band of the same positions."""
    if drop <= 0:
        return key
    return f"(({key} >> 32) << 32) | (({key} & 4294967295) >> {drop})"


PARTNER_SAMPLE = 100_000
"""Records counted in full when sizing the partner bands; above it a hash sample of the
records sharing bands with the undated ones is counted and scaled (1 M registrations: the full
count took 8 s a try)."""


def partner_bits(con: duckdb.DuckDBPyConnection, union: str, model: LinkModel) -> int:
    """Bits per band for the LSH partners of the records ``union`` yields: the densest of
    ``model.partner_bits`` whose band-equal rows (an undated record and any other sharing a
    band) stay within ``model.partner_rows``, else the bands' own width. Counted by key, so
    the count costs a group-by, not the join it sizes."""
    chosen = model.lsh.bits_per_band
    n = int(con.execute(f"SELECT count(*) FROM ({union})").fetchall()[0][0])
    modulus = max(1, n // PARTNER_SAMPLE)
    for bits in sorted((b for b in model.partner_bits if b < chosen), reverse=True):
        key = band_prefix("k", model.lsh.bits_per_band - bits)
        rows = con.execute(
            f"""
            WITH recs AS ({union}),
            u AS (SELECT {key} AS k, count(*) AS u
                  FROM (SELECT unnest(lsh) AS k FROM recs WHERE undated) GROUP BY 1),
            s AS (SELECT {key} AS k, count(*) AS n
                  FROM (SELECT unnest(lsh) AS k FROM recs WHERE {DUCKDB.hash_sample("id", modulus)})
                  GROUP BY 1)
            SELECT coalesce(sum(u.u * s.n), 0) * {modulus} FROM u JOIN s USING (k)
            """
        ).fetchall()
        if int(rows[0][0]) > model.partner_rows:
            break
        chosen = bits
    return chosen


def add_lsh_partners(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    model: LinkModel,
    *,
    date_free: bool = True,
) -> None:
    """Give every record of ``tables`` the ids of its LSH partners (``lsh_partners``): the
    records it shares a name band with where one of the two lacks a date, and whose names reach
    the lowest Dice level (``LSH_RULE``); unless ``date_free`` is false, the dated records it
    shares a rare full band with whose date differs and whose names are alike
    (``date_free.py``: no other rule compares a pair whose date changed wholly); and, where
    organisations send addresses (schema 3.2),
    the records it shares an address band with whose addresses reach the lowest address level
    and whose names the lowest Dice level (or a name is missing), whatever the dates: on FEBRL4
    most true pairs that no token found had typos in both the date and the name key but one
    address (docs/linkage.md).

    The bands are joined here, from the undated side only, instead of in splink: an exploded
    band rule makes splink join every record's 64 bands with every other's and only then drop
    the pairs in which both dates are known, with each preceding rule's condition evaluated on
    every one of those band-equal rows (100k registrations: 5.9 M rows for 173 k pairs; the
    prediction took 30 s against 2.8 s with partner lists). Without a date a pair whose names
    are plainly different cannot reach the threshold, and most band-sharing look-alikes are
    such pairs (1 M registrations: 5.7 M band-sharing pairs; ``plausible_pair`` says why).
    splink then blocks on the partner lists (``l.lsh_partners = r.id``, exploded). Computed over
    the union of ``tables``, so a link between two tables sees partners across them.
    """
    union = " UNION ALL ".join(
        f"SELECT id, lsh, address_lsh, tok_dob, tok_dob IS NULL AS undated, bloom_bits, bloom_n, "
        f"address_bits, address_n FROM {t}"
        for t in tables
    )
    prefix = band_prefix("k", model.lsh.bits_per_band - partner_bits(con, union, model))
    cap = date_free_cap(con, union, model) if date_free else 0
    dice = DUCKDB.dice_prepared("x.bloom_bits", "y.bloom_bits", "x.bloom_n", "y.bloom_n")
    address_dice = DUCKDB.dice_prepared(
        "x.address_bits", "y.address_bits", "x.address_n", "y.address_n"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lsh_lists AS
        WITH recs AS ({union}),
        bands AS (SELECT id, undated, {prefix} AS k FROM (SELECT id, undated, unnest(lsh) AS k
                                                          FROM recs)),
        candidates AS (
            SELECT DISTINCT u.id AS a, o.id AS b
            FROM bands u JOIN bands o ON u.k = o.k AND u.id <> o.id
            WHERE u.undated
        ),
        address_bands AS (
            SELECT id, unnest(address_lsh) AS k FROM recs WHERE len(address_lsh) > 0
        ),
        address_candidates AS (
            SELECT DISTINCT u.id AS a, o.id AS b
            FROM address_bands u JOIN address_bands o ON u.k = o.k AND u.id < o.id
        ),
        {date_free_ctes(model, cap)},
        pairs AS (
            SELECT c.a, c.b FROM candidates c
            JOIN recs x ON x.id = c.a JOIN recs y ON y.id = c.b
            WHERE {dice} >= {min(model.dice_levels)}
            UNION
            SELECT c.a, c.b FROM address_candidates c
            JOIN recs x ON x.id = c.a JOIN recs y ON y.id = c.b
            WHERE {address_dice} >= {min(model.address_levels)}
              AND coalesce({dice} >= {min(model.dice_levels)}, true)
            UNION
            SELECT a, b FROM date_free_pairs
        )
        SELECT id, list(DISTINCT partner) AS partners
        FROM (SELECT a AS id, b AS partner FROM pairs UNION ALL SELECT b, a FROM pairs)
        GROUP BY id
        """
    )
    _attach_partners(con, tables)


def _attach_partners(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """Column ``lsh_partners`` of each of ``tables`` from the lists in ``lsh_lists`` (empty
    where a record has none), replacing any it had; then drop ``lsh_lists``."""
    for table in tables:
        columns = {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}
        kept = "t.* EXCLUDE (lsh_partners)" if "lsh_partners" in columns else "t.*"
        con.execute(
            f"""
            CREATE OR REPLACE TABLE {table} AS
            SELECT {kept}, coalesce(p.partners, []) AS lsh_partners
            FROM {table} t LEFT JOIN lsh_lists p USING (id)
            """
        )
    con.execute("DROP TABLE lsh_lists")
