from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from tests.snapshot_factory import make_snapshot
from zichtbaar.errors import LinkError
from zichtbaar.link.clusters import cluster_ids
from zichtbaar.link.run import open_run, run_linkage


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    by: dict[str, list[str]] = {}
    for rid, g in groups.items():
        by.setdefault(g, []).append(rid)
    return {tuple(sorted(p)) for ids in by.values() for p in itertools.combinations(ids, 2)}  # type: ignore[misc]


def test_dedupe_recovers_true_persons(tmp_path: Path) -> None:
    snap = make_snapshot(tmp_path / "snap", n_persons=400, seed=1)
    info = run_linkage(snap.path, tmp_path / "runs", "r1")
    con = open_run(tmp_path / "runs", "r1")
    found = dict(
        con.execute("SELECT registration_id, person_id FROM registration_person").fetchall()
    )
    true_pairs, found_pairs = _pairs(snap.truth), _pairs(found)
    tp = len(true_pairs & found_pairs)
    assert tp / len(found_pairs) >= 0.99  # precision
    assert tp / len(true_pairs) >= 0.98  # recall
    assert info.persons == con.execute("SELECT count(*) FROM persons").fetchone()[0]
    assert abs(info.persons - 400) <= 8
    # the run says where its time went, and run.json keeps it
    assert set(info.seconds) == {"dedupe", "registers", "rest"}
    assert info.seconds["dedupe"] > 0 and min(info.seconds.values()) >= 0
    meta = json.loads((tmp_path / "runs" / "r1" / "run.json").read_text())
    assert meta["seconds"] == info.seconds


def test_statistics_only_persons_never_reach_registers(tmp_path: Path) -> None:
    snap = make_snapshot(tmp_path / "snap", n_persons=300, seed=2, n_events=300)
    run_linkage(snap.path, tmp_path / "runs", "r1")
    con = open_run(tmp_path / "runs", "r1")
    reg_person = dict(
        con.execute("SELECT registration_id, person_id FROM registration_person").fetchall()
    )
    true_of_person = {p: snap.truth[r] for r, p in reg_person.items()}
    linked = con.execute("SELECT person_id, event_id FROM person_events").fetchall()
    assert linked, "some events must link"
    stats_only_found = {
        p for (p,) in con.execute("SELECT person_id FROM persons WHERE statistics_only").fetchall()
    }
    assert stats_only_found, "the snapshot has statistics-only persons"
    for person, _event in linked:
        assert person not in stats_only_found
        assert true_of_person[person] not in snap.stats_only_persons
    # events of eligible persons are linked to the right person, non-victims to nobody
    correct = sum(1 for p, e in linked if snap.event_truth.get(e) == true_of_person[p])
    assert correct / len(linked) >= 0.99
    assert all(e in snap.event_truth for _, e in linked)


def test_capture_histories_have_one_row_per_person(tmp_path: Path) -> None:
    snap = make_snapshot(tmp_path / "snap", n_persons=100, seed=3)
    info = run_linkage(snap.path, tmp_path / "runs", "r1")
    con = open_run(tmp_path / "runs", "r1")
    n, distinct = con.execute(
        "SELECT count(*), count(DISTINCT person_id) FROM capture_histories"
    ).fetchone()
    assert n == distinct == info.persons
    flags = con.execute(
        "SELECT sum(rt_police + rt_shelter_care + rt_youth_care + rt_ngo) FROM capture_histories"
    ).fetchone()[0]
    assert flags >= info.persons  # every person was registered by at least one reporter type


def test_runs_are_immutable(tmp_path: Path) -> None:
    snap = make_snapshot(tmp_path / "snap", n_persons=20, seed=4)
    run_linkage(snap.path, tmp_path / "runs", "r1")
    with pytest.raises(LinkError, match="immutable"):
        run_linkage(snap.path, tmp_path / "runs", "r1")


def test_cluster_ids_are_deterministic_and_transitive() -> None:
    ids = ["a", "b", "c", "d", "e"]
    m1 = cluster_ids(ids, [("a", "b"), ("b", "c")])
    m2 = cluster_ids(list(reversed(ids)), [("c", "b"), ("b", "a")])
    assert m1 == m2
    assert m1["a"] == m1["c"] != m1["d"] != m1["e"]
