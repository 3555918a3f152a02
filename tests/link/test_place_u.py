"""u(same place) is estimated from same-date pairs with plainly different names."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from zichtbaar.link.dialect import DUCKDB
from zichtbaar.link.model import LinkModel
from zichtbaar.link.place_u import estimate_place_u, local_prepared_table


def _records(dates: int, seed: int = 7) -> pa.Table:
    """Per date four people (places A, A, B, C) and one re-registration of the last (same
    filter, same place: a match, not evidence of u): 1 of the 9 different-name pairs shares the
    place."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list[object]] = {"id": [], "tok_dob": [], "tok_pob_dob": [], "bloom": []}
    for d in range(dates):
        filters = [(rng.random(1024) < 0.23) for _ in range(4)]
        for i, (bits, place) in enumerate(zip([*filters, filters[3]], "AABCC", strict=True)):
            rows["id"].append(f"{d}-{i}")
            rows["tok_dob"].append(f"date{d}")
            rows["tok_pob_dob"].append(f"{place}{d}")
            rows["bloom"].append(np.packbits(bits).tobytes())
    return pa.table(rows)


def estimate_place_u_of_records(records: pa.Table, model: LinkModel) -> float | None:
    """``estimate_place_u`` on raw records, as other engines' training reads them
    (``local_prepared_table``)."""
    con = duckdb.connect()
    local_prepared_table(con, records, "place_records")
    return estimate_place_u(con, ["place_records"], model)


def test_place_u_is_the_share_of_different_people_born_in_one_place() -> None:
    estimate = estimate_place_u_of_records(_records(200), LinkModel())
    assert estimate is not None
    assert abs(estimate - 1 / 9) < 1e-9  # the re-registrations (Dice 1) are left out


def test_place_u_is_not_estimated_from_too_few_pairs() -> None:
    assert estimate_place_u_of_records(_records(50), LinkModel()) is None  # 450 pairs < 500


def test_place_u_reads_prepared_tables_the_same_way() -> None:
    con = duckdb.connect()
    con.register("raw", _records(200))
    con.execute(
        f"CREATE TABLE t AS SELECT id, tok_dob, tok_pob_dob, {DUCKDB.bloom_bits('bloom')} AS "
        f"bloom_bits, {DUCKDB.bloom_count('bloom')} AS bloom_n FROM raw"
    )
    assert estimate_place_u(con, ["t"], LinkModel()) == estimate_place_u_of_records(
        _records(200), LinkModel()
    )
