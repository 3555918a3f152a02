"""u of the date and the name without the duplicates (``u_sampling``), and u of the place among
namesakes (``place_u.estimate_namesake_place_u``): known answers on files built for them."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from zichtbaar.link.comparisons import SAME_NAME, comparisons
from zichtbaar.link.model import LinkModel
from zichtbaar.link.place_u import estimate_namesake_place_u, local_prepared_table
from zichtbaar.link.u_sampling import conditional_u

DATES = 20_000


def _filter(rng: np.random.Generator) -> bytes:
    return np.packbits(rng.random(1024) < 0.2).tobytes()


def _people(originals: int, copies: int, seed: int = 3) -> pa.Table:
    """``originals`` people with random names and dates, and ``copies`` re-registrations of
    random ones (the same filters and date, as FEBRL3's duplicates mostly are)."""
    rng = np.random.default_rng(seed)
    people = [
        (_filter(rng), _filter(rng), _filter(rng), f"d{rng.integers(DATES)}")
        for _ in range(originals)
    ]
    chosen = [people[i] for i in rng.integers(originals, size=copies)]
    rows = [*people, *chosen]
    return pa.table(
        {
            "id": [f"r{i}" for i in range(len(rows))],
            "person": [f"p{i}" for i in range(originals)] + [f"p{people.index(p)}" for p in chosen],
            "tok_dob": [r[3] for r in rows],
            "tok_dob_swapped": [None] * len(rows),
            "tok_name_ym": [None] * len(rows),
            "tok_name_yd": [None] * len(rows),
            "tok_name_md": [None] * len(rows),
            "bloom": [r[0] for r in rows],
            "bloom_given": [r[1] for r in rows],
            "bloom_surname": [r[2] for r in rows],
        }
    )


def _prepared(records: pa.Table) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    local_prepared_table(con, records, "t")
    return con


def test_the_duplicates_do_not_count_as_random_agreement_on_the_date() -> None:
    records = _people(1_500, 2_000)
    con = _prepared(records)
    pairs = records.num_rows * (records.num_rows - 1) // 2
    same_date = con.execute(
        "SELECT count(*) FROM t l JOIN t r ON l.tok_dob = r.tok_dob AND l.id < r.id"
    ).fetchall()[0][0]
    different_people = con.execute(
        "SELECT count(*) FROM t l JOIN t r ON l.tok_dob = r.tok_dob AND l.id < r.id "
        "AND l.person <> r.person"
    ).fetchall()[0][0]
    # every pair in the sample (max_pairs above the file's pairs): the figures are exact
    u = conditional_u(con, "t", comparisons(LinkModel()), max_pairs=2 * pairs)
    sampled = same_date / pairs  # what random sampling estimates: duplicates included
    assert sampled > 5 * u[("dob", "same date")]
    # the same-name pairs are left out of the count: exactly the different people remain
    assert u[("dob", "same date")] == different_people / (pairs - (same_date - different_people))
    # and the name's u leaves out the pairs sharing a date: no two random filters are one name
    assert u[("bloom", SAME_NAME)] < 2e-6 < same_date / pairs


def test_a_small_file_gets_no_conditional_u() -> None:
    con = _prepared(_people(30, 5))
    assert conditional_u(con, "t", comparisons(LinkModel()), max_pairs=1e6) == {}


def _namesakes(groups: int, seed: int = 5) -> duckdb.DuckDBPyConnection:
    """Per name three dated bearers with different dates, two of them born in one place
    (1 of the 3 pairs shares the place), and an undated re-registration of the first (one
    person: not counted)."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list[object]] = {
        k: []
        for k in (
            "id",
            "lsh_0",
            "tok_dob",
            "tok_dob_swapped",
            "tok_name_ym",
            "tok_name_yd",
            "tok_name_md",
            "tok_name_pob",
            "bloom",
        )
    }
    for g in range(groups):
        name = _filter(rng)
        for i, place in enumerate("AABA"):
            rows["id"].append(f"{g}-{i}")
            rows["lsh_0"].append(g)
            rows["tok_dob"].append(None if i == 3 else f"d{g}-{i}")
            for column in ("tok_dob_swapped", "tok_name_ym", "tok_name_yd", "tok_name_md"):
                rows[column].append(None if i == 3 else f"{column}{g}-{i}")
            rows["tok_name_pob"].append(f"{place}{g}")
            rows["bloom"].append(name)
    return _prepared(pa.table(rows))


def test_place_u_among_namesakes_is_the_share_born_in_one_place() -> None:
    estimate = estimate_namesake_place_u(_namesakes(100), ["t"], LinkModel())
    assert estimate is not None
    assert abs(estimate - 1 / 3) < 1e-9


def test_place_u_among_namesakes_needs_enough_pairs() -> None:
    assert estimate_namesake_place_u(_namesakes(60), ["t"], LinkModel()) is None  # 180 < 200
