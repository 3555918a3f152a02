from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.link.encoded_world import make_encoded_snapshot
from zichtbaar.errors import LinkError
from zichtbaar.link.clusters import carry_over_ids
from zichtbaar.link.run import open_run, run_linkage


def test_carry_over_known_answer() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P2", "d": "P3", "e": "P3"}
    new = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "z", "f": "w"}
    mapping, changes = carry_over_ids(new, previous)
    assert mapping["a"] == mapping["b"] == mapping["c"] == "P1"  # P1 had two of the three
    assert mapping["f"] == "w"  # a new person keeps its fresh id
    assert {mapping["d"], mapping["e"]} == {"P3", "z"}
    assert ("merge", "P2", "P1") in changes and ("merge", "P1", "P1") in changes
    assert {c for c in changes if c[0] == "split"} == {("split", "P3", "P3"), ("split", "P3", "z")}


def test_unchanged_clusters_keep_their_ids() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P2"}
    mapping, changes = carry_over_ids({"a": "k", "b": "k", "c": "m", "n": "q"}, previous)
    assert mapping == {"a": "P1", "b": "P1", "c": "P2", "n": "q"} and changes == []


def test_adding_one_percent_keeps_existing_person_ids(tmp_path: Path) -> None:
    snap = make_encoded_snapshot(tmp_path / "full", n_persons=1500, seed=21)
    regs = pd.read_parquet(snap.path / "registrations.parquet")
    rng = np.random.default_rng(0)
    new = rng.random(len(regs)) < 0.01
    (tmp_path / "before").mkdir()
    regs[~new].to_parquet(tmp_path / "before" / "registrations.parquet", index=False)
    runs = tmp_path / "runs"
    run_linkage(tmp_path / "before", runs, "r1")
    run_linkage(snap.path, runs, "r2", previous_run="r1")
    before = dict(open_run(runs, "r1").execute("SELECT * FROM registration_person").fetchall())
    con = open_run(runs, "r2")
    after = dict(con.execute("SELECT * FROM registration_person").fetchall())
    changed = {old for _k, old, _n in con.execute("SELECT * FROM person_id_changes").fetchall()}
    kept = [p for p in set(before.values()) if p not in changed]
    assert len(kept) >= 0.9 * len(set(before.values()))
    for rid, person in before.items():
        if person not in changed:
            assert after[rid] == person
    assert all(rid in after for rid in regs.registration_id[new])


def test_incremental_run_scores_only_new_registrations(tmp_path: Path) -> None:
    snap = make_encoded_snapshot(tmp_path / "full", n_persons=800, seed=22)
    regs = pd.read_parquet(snap.path / "registrations.parquet")
    new = np.random.default_rng(1).random(len(regs)) < 0.01
    (tmp_path / "before").mkdir()
    regs[~new].to_parquet(tmp_path / "before" / "registrations.parquet", index=False)
    runs = tmp_path / "runs"
    run_linkage(tmp_path / "before", runs, "r1")
    run_linkage(snap.path, runs, "r2", previous_run="r1", incremental=True)
    before = dict(open_run(runs, "r1").execute("SELECT * FROM registration_person").fetchall())
    con = open_run(runs, "r2")
    after = dict(con.execute("SELECT * FROM registration_person").fetchall())
    changes = con.execute("SELECT kind, previous_id FROM person_id_changes").fetchall()
    assert all(kind == "merge" for kind, _ in changes)  # never a split
    merged = {old for _, old in changes}
    for rid, person in before.items():
        if person not in merged:
            assert after[rid] == person
    # only pairs with a new registration were scored
    new_ids = set(regs.registration_id[new])
    scored = con.execute("SELECT id_l, id_r FROM dedupe_predictions").fetchall()
    assert scored and all(a in new_ids or b in new_ids for a, b in scored)
    # new registrations of known people join them
    joined = sum(
        1
        for rid in new_ids
        if any(after[rid] == after[o] for o in before if snap.truth[o] == snap.truth[rid])
    )
    known = sum(1 for rid in new_ids if any(snap.truth[o] == snap.truth[rid] for o in before))
    assert joined >= 0.8 * known


def test_incremental_needs_a_previous_run(tmp_path: Path) -> None:
    snap = make_encoded_snapshot(tmp_path / "s", n_persons=10, seed=1)
    with pytest.raises(LinkError, match="previous run"):
        run_linkage(snap.path, tmp_path / "runs", "r", incremental=True)
