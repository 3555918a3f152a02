"""Linkage accuracy on realistic encodings (real encoder, Faker people, keying faults)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.link.encoded_world import make_encoded_snapshot
from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.run import open_run, run_linkage


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    tmp = tmp_path_factory.mktemp("real")
    snap = make_encoded_snapshot(tmp / "snap", n_persons=1500, seed=11, n_events=300)
    run_linkage(snap.path, tmp / "runs", "r1")
    return tmp, snap


def test_dedupe_on_encodings_is_precise_and_complete(linked: tuple[Path, object]) -> None:
    tmp, snap = linked
    con = open_run(tmp / "runs", "r1")
    found = dict(
        con.execute("SELECT registration_id, person_id FROM registration_person").fetchall()
    )
    acc = accuracy(found, snap.truth)  # type: ignore[attr-defined]
    assert acc.precision >= 0.98
    assert acc.recall >= 0.96


def test_register_events_link_to_the_right_person(linked: tuple[Path, object]) -> None:
    tmp, snap = linked
    con = open_run(tmp / "runs", "r1")
    person_truth = {
        p: snap.truth[r]  # type: ignore[attr-defined]
        for r, p in con.execute(
            "SELECT registration_id, person_id FROM registration_person"
        ).fetchall()
    }
    linked_events = con.execute("SELECT person_id, event_id FROM person_events").fetchall()
    correct = sum(
        1
        for p, e in linked_events
        if snap.event_truth.get(e) == person_truth[p]  # type: ignore[attr-defined]
    )
    eligible = sum(
        1
        for p in snap.event_truth.values()  # type: ignore[attr-defined]
        if p not in snap.stats_only_persons  # type: ignore[attr-defined]
    )
    assert correct / len(linked_events) >= 0.98
    assert correct / eligible >= 0.95


def test_quality_is_stored_beside_the_run(linked: tuple[Path, object]) -> None:
    tmp, _ = linked
    con = open_run(tmp / "runs", "r1")
    params = con.execute("SELECT comparison, m, u FROM link_parameters").fetchall()
    assert {c for c, _, _ in params} >= {"bsn", "dob", "bloom", "pob"}
    assert all(m is None or 0 <= m <= 1 for _, m, _ in params)
    hist = con.execute("SELECT same_person, dice_bin, pairs FROM link_dice_histogram").fetchall()
    assert hist and all(0.0 <= b <= 1.0 and n > 0 for _, b, n in hist)
    # pairs called one person nearly all share most of the filter; a mean over pairs called two
    # people proves nothing: namesakes have identical filters (the filter holds the name only)
    same = sum(n for s, _, n in hist if s)
    alike = sum(n for s, b, n in hist if s and b >= 0.6)
    assert same > 0 and alike / same >= 0.9
    assert (tmp / "runs" / "r1" / "splink_model.json").exists()
    assert (tmp / "runs" / "r1" / "charts" / "match_weights.html").exists()
