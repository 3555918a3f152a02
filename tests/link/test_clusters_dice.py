"""Constrained clustering, the adjusted Dice SQL and the packed LSH band keys."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zichtbaar.link.clusters import cluster_ids
from zichtbaar.link.lsh import LshConfig, band_keys
from zichtbaar.link.model import MEASURED_DICE_SHIFT, LinkModel, adjusted_dice


def test_a_record_like_two_people_does_not_chain_them() -> None:
    # n (no names) matches a and b equally; a and b are a clear non-match
    ids = ["a", "b", "n"]
    pairs = [("a", "n"), ("b", "n")]
    chained = cluster_ids(ids, pairs)
    assert chained["a"] == chained["b"]  # plain connected components chain them
    split = cluster_ids(ids, pairs, weights=[0.99, 0.95], conflicts=[("a", "b")])
    assert split["a"] != split["b"]
    assert split["n"] == split["a"]  # the stronger match wins the shared record


def test_weights_decide_the_order_of_merges() -> None:
    ids = ["a", "b", "n"]
    out = cluster_ids(ids, [("a", "n"), ("b", "n")], weights=[0.9, 0.99], conflicts=[("a", "b")])
    assert out["n"] == out["b"] != out["a"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=30),
    st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=6),
)
def test_clusters_never_hold_a_conflict_and_refine_the_components(
    edges: list[tuple[int, int]], bad: list[tuple[int, int]]
) -> None:
    ids = [f"r{i:02d}" for i in range(12)]
    pairs = [(ids[a], ids[b]) for a, b in edges]
    conflicts = [(ids[a], ids[b]) for a, b in bad if a != b]
    weights = [float(i % 7) for i in range(len(pairs))]
    plain = cluster_ids(ids, pairs)
    out = cluster_ids(ids, pairs, weights=weights, conflicts=conflicts)
    for a, b in conflicts:
        assert out[a] != out[b]
    for a, b in ((x, y) for x in ids for y in ids):
        if out[a] == out[b]:
            assert plain[a] == plain[b]  # constraints only ever split components
    if not conflicts:
        assert out == plain


def _dice(model: LinkModel, left: bytes, right: bytes, same_dob: bool) -> float:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT ?::BLOB::BIT AS bloom_bits_l, ?::BLOB::BIT AS bloom_bits_r, "
        "'d1' AS tok_dob_l, ? AS tok_dob_r, 'y' AS tok_yob_l, 'y' AS tok_yob_r, "
        "'p' AS tok_pob_l, 'q' AS tok_pob_r, 'female' AS gender_l, 'male' AS gender_r",
        [left, right, "d1" if same_dob else "d2"],
    )
    sql = adjusted_dice(model)
    value = con.execute(
        f"SELECT {sql} FROM (SELECT *, bit_count(bloom_bits_l) AS bloom_n_l, "
        "bit_count(bloom_bits_r) AS bloom_n_r FROM t)"
    ).fetchall()[0][0]
    return float(value)


def test_adjusted_dice_discounts_shared_dates_and_keeps_identity_at_one() -> None:
    rng = np.random.default_rng(4)
    a = rng.random(1024) < 0.3
    b = a ^ (rng.random(1024) < 0.3)
    fa, fb = np.packbits(a).tobytes(), np.packbits(b).tobytes()
    plain = LinkModel()
    shifted = LinkModel(dice_shift=MEASURED_DICE_SHIFT)
    raw = _dice(plain, fa, fb, same_dob=True)
    assert _dice(plain, fa, fb, same_dob=False) == pytest.approx(raw)  # no shift by default
    # same date: (d - 0.09) / 0.91; only a year: (d - 0.04) / 0.96
    assert _dice(shifted, fa, fb, same_dob=True) == pytest.approx((raw - 0.09) / 0.91)
    assert _dice(shifted, fa, fb, same_dob=False) == pytest.approx((raw - 0.04) / 0.96)
    assert _dice(shifted, fa, fa, same_dob=True) == pytest.approx(1.0)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 32), st.integers(1, 9))
def test_band_keys_are_the_sampled_bits_read_as_a_number(seed: int, bits: int, bands: int) -> None:
    rng = np.random.default_rng(seed)
    filters = rng.random((5, 256)) < 0.4
    arr = pa.array([np.packbits(f).tobytes() for f in filters], pa.binary())
    config = LshConfig(bands=bands, bits_per_band=bits, seed=seed)
    keys = band_keys(arr, config, chunk=2).to_pylist()
    pos = config.positions(256)
    for row, f in zip(keys, filters, strict=True):
        expected = [
            (band << 32) + int("".join("1" if f[p] else "0" for p in pos[band]), 2)
            for band in range(bands)
        ]
        assert row == expected
