"""The date rules block only plausible pairs; EM reads a hash sample of dates at scale."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
from splink import block_on

from zichtbaar.link.blocking_rules import (
    EM_DATE_PAIRS,
    PLAUSIBLE_FROM_PAIRS,
    blocking_rules,
    date_block,
    plausible_pair,
)
from zichtbaar.link.dialect import DUCKDB
from zichtbaar.link.model import LinkModel
from zichtbaar.link.partners import add_lsh_partners
from zichtbaar.link.training import between_pair_count

RNG = np.random.default_rng(3)
NAME_A = np.packbits(RNG.random(1024) < 0.23).tobytes()
NAME_B = np.packbits(RNG.random(1024) < 0.23).tobytes()  # Dice with NAME_A about 0.23


def _pairs(rows: list[tuple[str, bytes | None, str | None]]) -> set[tuple[str, str]]:
    """Pairs of ``rows`` (id, filter, place token), all with one date, that pass the rule."""
    con = duckdb.connect()
    con.register(
        "raw",
        pa.table(
            {
                "id": [r[0] for r in rows],
                "bloom": pa.array([r[1] for r in rows], pa.binary()),
                "tok_pob_dob": [r[2] for r in rows],
            }
        ),
    )
    con.execute(
        f"CREATE TABLE t AS SELECT id, tok_pob_dob, {DUCKDB.bloom_bits('bloom')} AS bloom_bits, "
        f"{DUCKDB.bloom_count('bloom')} AS bloom_n FROM raw"
    )
    found = con.execute(
        f"SELECT l.id, r.id FROM t l JOIN t r ON l.id < r.id WHERE {plausible_pair(LinkModel())}"
    ).fetchall()
    return {(a, b) for a, b in found}


def test_a_same_date_pair_is_blocked_unless_names_differ_plainly_and_places_do_not_agree() -> None:
    found = _pairs(
        [
            ("a", NAME_A, "p1"),
            ("b", NAME_A, "p2"),  # same name, other place: kept
            ("c", NAME_B, "p3"),  # other name, other place: dropped against a and b
            ("d", NAME_B, "p1"),  # other name, same place as a: kept with a
            ("e", None, None),  # no name: kept with everyone
        ]
    )
    assert found == {("a", "b"), ("a", "d"), ("c", "d"), *((x, "e") for x in "abcd")}


def test_em_blocks_on_every_date_until_the_pairs_exceed_the_budget() -> None:
    sql = date_block(EM_DATE_PAIRS).get_blocking_rule("duckdb").blocking_rule_sql
    assert sql == block_on("tok_dob").get_blocking_rule("duckdb").blocking_rule_sql


def test_em_reads_about_one_date_in_modulus_at_scale() -> None:
    sql = date_block(8 * EM_DATE_PAIRS).get_blocking_rule("duckdb").blocking_rule_sql
    assert "% 8 = 0" in sql
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT i AS id, 'd' || (i % 4000) AS tok_dob FROM range(40000) r(i)"
    )
    pairs = con.execute(f"SELECT count(*) FROM t l JOIN t r ON {sql} AND l.id < r.id").fetchall()
    every = 4000 * 10 * 9 // 2
    assert every / 8 * 0.8 < pairs[0][0] < every / 8 * 1.2


def test_lsh_partners_pair_an_undated_record_with_its_look_alikes_only() -> None:
    """Partners share a band, one of the two lacks a date, and the names are not plainly
    different; the lists are symmetric, so either side finds the pair."""
    near = bytearray(NAME_A)
    near[0] ^= 0xFF  # a few bits off: same person, a typo
    con = duckdb.connect()
    con.register(
        "raw",
        pa.table(
            {
                "id": ["u", "d", "e", "f"],
                "tok_dob": [None, "1990", "1991", None],
                "bloom": pa.array([NAME_A, bytes(near), NAME_A, NAME_B], pa.binary()),
                # u, d and e share band 1; f shares band 2 with u but its name is plainly other
                "lsh": [[1, 2], [1], [1, 3], [2]],
            }
        ),
    )
    _prepare(con)
    # without the date-free partners (tests/link/test_date_free_blocking.py), which would pair
    # d and e: both dated, other dates, alike names
    add_lsh_partners(con, ["t"], LinkModel(date_free_dice=None))
    partners = dict(con.execute("SELECT id, list_sort(lsh_partners) FROM t").fetchall())
    # d and e both have dates: not partners of each other, although they share band 1
    assert partners == {"u": ["d", "e"], "d": ["u"], "e": ["u"], "f": []}


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Table ``t`` from ``raw`` as ``prepare_records`` makes it (address columns empty unless
    ``raw`` has them)."""
    columns = {row[0] for row in con.execute("DESCRIBE raw").fetchall()}
    address = (
        f"address_lsh, {DUCKDB.bloom_bits('bloom_address')} AS address_bits, "
        f"{DUCKDB.bloom_count('bloom_address')} AS address_n"
        if "bloom_address" in columns
        else "[]::BIGINT[] AS address_lsh, NULL::BIT AS address_bits, NULL::BIGINT AS address_n"
    )
    con.execute(
        f"CREATE TABLE t AS SELECT id, tok_dob, lsh, {DUCKDB.bloom_bits('bloom')} AS bloom_bits, "
        f"{DUCKDB.bloom_count('bloom')} AS bloom_n, {address} FROM raw"
    )


HOME = np.packbits(RNG.random(1024) < 0.3).tobytes()
ELSEWHERE = np.packbits(RNG.random(1024) < 0.3).tobytes()  # Dice with HOME about 0.3


def test_address_partners_pair_look_alikes_at_one_address_whatever_their_dates() -> None:
    """Schema 3.2: records sharing an address band are partners, dated or not, when their
    addresses reach the lowest address level and their names the lowest Dice level (or a name
    is missing)."""
    near = bytearray(NAME_A)
    near[0] ^= 0xFF
    con = duckdb.connect()
    con.register(
        "raw",
        pa.table(
            {
                "id": ["a", "b", "c", "d", "e"],
                "tok_dob": ["1990", "1971", "1980", "1990", "1966"],
                "bloom": pa.array([NAME_A, bytes(near), NAME_B, None, NAME_A], pa.binary()),
                "bloom_address": pa.array([HOME, HOME, HOME, HOME, ELSEWHERE], pa.binary()),
                "lsh": [[1], [2], [3], [], [1]],  # name bands: all dated, so no name partners
                # all share address band 7; e's address is plainly another one
                "address_lsh": [[7], [7], [7], [7], [7]],
            }
        ),
    )
    _prepare(con)
    add_lsh_partners(con, ["t"], LinkModel(date_free_dice=None))  # a and e: date-free partners
    partners = dict(con.execute("SELECT id, list_sort(lsh_partners) FROM t").fetchall())
    # c's name is plainly other than a's and b's; d has no name; e lives elsewhere
    assert partners == {
        "a": ["b", "d"],
        "b": ["a", "d"],
        "c": ["d"],
        "d": ["a", "b", "c"],
        "e": [],
    }


def test_the_date_rules_ask_for_plausible_pairs_only_at_scale() -> None:
    def date_rules(date_pairs: int) -> list[str]:
        rules = blocking_rules(LinkModel(), DUCKDB, date_pairs)
        sql = [r.get_blocking_rule("duckdb").blocking_rule_sql for r in rules]
        return [s for s in sql if "tok_dob" in s and "lsh" not in s.split(" AND ")[0]]

    small, large = date_rules(PLAUSIBLE_FROM_PAIRS - 1), date_rules(PLAUSIBLE_FROM_PAIRS)
    assert len(small) == len(large) == 3
    assert not any("bit_count" in s for s in small)
    assert all(plausible_pair(LinkModel()) in s for s in large)


def test_a_link_between_two_tables_is_sized_by_the_pairs_between_them() -> None:
    """``predict_between`` blocks by the pairs *across* the tables, not within each."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE a AS SELECT * FROM (VALUES ('d1'), ('d1'), ('d2'), (NULL)) t(tok_dob)"
    )
    con.execute(
        "CREATE TABLE b AS SELECT * FROM (VALUES ('d1'), ('d1'), ('d1'), ('d3')) t(tok_dob)"
    )
    assert between_pair_count(con, "a", "b", "tok_dob") == 2 * 3
    assert between_pair_count(con, "b", "a", "tok_dob") == 6
