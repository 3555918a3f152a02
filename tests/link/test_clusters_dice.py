"""Constrained clustering, the adjusted Dice SQL and the packed LSH band keys."""

from __future__ import annotations

import random

import duckdb
import numpy as np
import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from zichtbaar.link.clusters import cluster_ids
from zichtbaar.link.lsh import LshConfig, band_keys
from zichtbaar.link.partners import band_prefix


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


def test_an_equal_match_goes_to_the_registration_closest_in_time() -> None:
    # n resembles a and b equally; the tie-break (days apart) decides, not the record ids
    ids = ["a", "b", "n"]
    pairs = [("a", "n"), ("b", "n")]
    near_b = cluster_ids(ids, pairs, [0.95, 0.95], [("a", "b")], tiebreak=[400.0, 30.0])
    assert near_b["n"] == near_b["b"] != near_b["a"]
    near_a = cluster_ids(ids, pairs, [0.95, 0.95], [("a", "b")], tiebreak=[30.0, 400.0])
    assert near_a["n"] == near_a["a"] != near_a["b"]
    # a stronger match still wins, however far apart in time
    stronger = cluster_ids(ids, pairs, [0.99, 0.95], [("a", "b")], tiebreak=[400.0, 30.0])
    assert stronger["n"] == stronger["a"]


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


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 9), st.sampled_from([1.0, 2.0, 2.0 + 1e-15])),
        max_size=25,
    ),
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=1, max_size=5),
    st.randoms(use_true_random=False),
)
def test_persons_do_not_depend_on_the_order_of_the_pairs(
    edges: list[tuple[int, int, float]], bad: list[tuple[int, int]], rng: random.Random
) -> None:
    """The engine hands pairs over in any order and a re-run sums EM's terms in another: equal
    weights (to 1e-9) are merged in the order of their record ids."""
    ids = [f"r{i}" for i in range(10)]
    conflicts = [(ids[a], ids[b]) for a, b in bad if a != b]
    scored = [((ids[a], ids[b]), w) for a, b, w in edges if a != b]
    shuffled = scored[:]
    rng.shuffle(shuffled)
    shuffled = [((b, a), w) if rng.random() < 0.5 else ((a, b), w) for (a, b), w in shuffled]
    runs = [
        cluster_ids(ids, [p for p, _ in s], weights=[w for _, w in s], conflicts=conflicts)
        for s in (scored, shuffled)
    ]
    assert runs[0] == runs[1]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 32), st.integers(1, 9))
@example(0, 31, 1)  # one band, a one-row last chunk: numpy gave a non-contiguous pack
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


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 32), st.integers(1, 6))
def test_aband_prefix_is_a_denser_band_of_the_same_positions(
    seed: int, keep: int, bands: int
) -> None:
    rng = np.random.default_rng(seed)
    filters = rng.random((4, 256)) < 0.4
    arr = pa.array([np.packbits(f).tobytes() for f in filters], pa.binary())
    config = LshConfig(bands=bands, bits_per_band=32, seed=seed)
    con = duckdb.connect()
    con.register(
        "k",
        pa.table(
            {
                "k": pa.array(
                    [k for row in band_keys(arr, config).to_pylist() for k in row], pa.int64()
                )
            }
        ),
    )
    got = [r[0] for r in con.execute(f"SELECT {band_prefix('k', 32 - keep)} FROM k").fetchall()]
    pos = config.positions(256)
    expected = [
        (band << 32) + int("".join("1" if f[p] else "0" for p in pos[band][:keep]), 2)
        for f in filters
        for band in range(bands)
    ]
    assert got == expected
