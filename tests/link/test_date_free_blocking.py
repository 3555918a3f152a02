"""Date-free blocking (``link/date_free.py``): a pair whose date of birth changed wholly is
compared when its names agree, and the bands of common names propose no such pairs."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pyarrow as pa

from tests.link.encoded_world import Encoder
from zichtbaar.encode.identity import identity
from zichtbaar.encode.keys import new_key
from zichtbaar.link.blocking import _pair_condition
from zichtbaar.link.blocking_rules import blocking_rules
from zichtbaar.link.model import COMPARED_COLUMNS, LinkModel
from zichtbaar.link.partners import add_lsh_partners, prepare_records

PEOPLE = [
    ("a", "Anna Maria", "Jansen", "1990-03-14"),
    ("b", "Anna Maria", "Jansen", "1972-11-02"),  # a, with a wholly different date
    ("c", "Pieter", "Bakker", "1972-11-02"),  # b's date, another name
    ("d", "Anna Maria", "Jansen", "1990-03-14"),  # a again, same date
]


def _proposed(model: LinkModel) -> set[tuple[str, str]]:
    """The pairs of ``PEOPLE`` (encoded by the real encoder) that any of ``model``'s dedupe
    blocking rules proposes, judged as ``link/blocking.py`` judges a run's blocking recall."""
    people = [identity(g, s, d, today=dt.date(2026, 1, 1)) for _, g, s, d in PEOPLE]
    rows = Encoder(new_key()).encode(people)
    columns: dict[str, list[object]] = {"id": [p[0] for p in PEOPLE]}
    for column in COMPARED_COLUMNS:
        columns[column] = [row.get(column) for row in rows]
    table = pa.table(
        {
            **{k: v for k, v in columns.items() if k not in ("gender", "registration_date")},
            "gender": ["female"] * len(PEOPLE),
            "nationality_group": ["NL"] * len(PEOPLE),
            "registration_date": pa.array([dt.date(2025, 1, 1)] * len(PEOPLE), pa.date32()),
        }
    )
    con = duckdb.connect()
    con.register("raw", table)
    prepare_records(con, "SELECT * FROM raw", "t", model)
    rules = [r.get_blocking_rule("duckdb").as_dict() for r in blocking_rules(model)]
    condition = " OR ".join(_pair_condition(rule) for rule in rules)
    found = con.execute(f"SELECT l.id, r.id FROM t l JOIN t r ON l.id < r.id AND ({condition})")
    return {(a, b) for a, b in found.fetchall()}


def test_same_names_with_a_wholly_different_date_are_a_candidate_pair() -> None:
    assert ("a", "b") in _proposed(LinkModel())
    assert ("b", "d") in _proposed(LinkModel())


def test_without_the_date_free_rule_no_rule_proposes_that_pair() -> None:
    """What the blocking was before: every rule needed some agreement on the date."""
    before = _proposed(LinkModel(date_free_dice=None))
    assert ("a", "b") not in before and ("b", "d") not in before
    assert ("a", "d") in before  # same names and date: the token rules


def test_other_names_with_the_same_or_another_date_are_not_date_free_partners() -> None:
    found = _proposed(LinkModel())
    assert not {("a", "c"), ("c", "d")} & found


RNG = np.random.default_rng(5)
NAME = np.packbits(RNG.random(1024) < 0.23).tobytes()
OTHER = np.packbits(RNG.random(1024) < 0.23).tobytes()  # Dice with NAME about 0.23


def _partners(names: list[bytes], bands: list[list[int]], model: LinkModel) -> dict[str, list[str]]:
    """``add_lsh_partners`` on dated records (each its own date) with the given band keys."""
    n = len(names)
    con = duckdb.connect()
    con.register(
        "raw",
        pa.table(
            {
                "id": [f"r{i:03d}" for i in range(n)],
                "tok_dob": [f"dob{i}" for i in range(n)],
                "bloom": pa.array(names, pa.binary()),
                "lsh": bands,
            }
        ),
    )
    con.execute(
        "CREATE TABLE t AS SELECT id, tok_dob, lsh, bloom::BIT AS bloom_bits, "
        "bit_count(bloom::BIT) AS bloom_n, []::BIGINT[] AS address_lsh, "
        "NULL::BIT AS address_bits, NULL::BIGINT AS address_n FROM raw"
    )
    add_lsh_partners(con, ["t"], model)
    rows = con.execute("SELECT id, list_sort(lsh_partners) FROM t ORDER BY id").fetchall()
    return {str(i): list(p) for i, p in rows}


def test_a_band_held_by_more_records_than_the_limit_proposes_no_partners() -> None:
    """A common name (here: 6 bearers of one band, limit 5) yields no date-free pairs; a rare
    one (3 bearers of another band) does; a plainly other name sharing the band does not."""
    model = LinkModel(date_free_max_records=5)
    common = [[1]] * 6
    rare = [[2], [2], [2]]
    partners = _partners([NAME] * 6 + [NAME, NAME, OTHER], common + rare, model)
    assert all(partners[f"r{i:03d}"] == [] for i in range(6))
    assert partners["r006"] == ["r007"] and partners["r007"] == ["r006"]
    assert partners["r008"] == []
    # the same six under a higher limit are each other's partners
    wide = _partners([NAME] * 6, common, LinkModel(date_free_max_records=20))
    assert all(len(p) == 5 for p in wide.values())


def test_the_limit_tightens_until_the_band_equal_rows_fit_the_budget() -> None:
    """Six bearers of one band make 15 band-equal rows: within a budget of 15 the limit stays
    at 20 (all pairs), within 14 it tightens to 5 (those six propose none, the pair does)."""
    names, bands = [NAME] * 8, [[1]] * 6 + [[2], [2]]
    roomy = _partners(names, bands, LinkModel(date_free_rows=16))
    assert len(roomy["r000"]) == 5
    tight = _partners(names, bands, LinkModel(date_free_rows=14))
    assert tight["r000"] == [] and tight["r006"] == ["r007"]
    none = _partners(names, bands, LinkModel(date_free_rows=0))
    assert all(p == [] for p in none.values())


def test_above_the_size_limit_there_are_no_date_free_partners() -> None:
    """National scale: the bands of a million registrations cost more than the budget."""
    names, bands = [NAME] * 8, [[1]] * 6 + [[2], [2]]
    assert len(_partners(names, bands, LinkModel(date_free_up_to=8))["r000"]) == 5
    assert all(p == [] for p in _partners(names, bands, LinkModel(date_free_up_to=7)).values())
