from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.link.encoded_world import Encoder, make_encoded_snapshot
from tests.snapshot_factory import make_snapshot
from zichtbaar.encode.identity import identity
from zichtbaar.errors import LinkError
from zichtbaar.link.cannot_link import contradicts
from zichtbaar.link.clusters import cluster_ids
from zichtbaar.link.model import LinkModel
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


def test_a_low_score_contradicts_only_where_it_is_evidence() -> None:
    """Cannot-link: a low score of two registrations with names and dates, or evidence
    against (match weight below the prior's); not a low score for want of a date."""
    prior = 2**-14
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE p AS SELECT * FROM (VALUES"
        # (case, probability, weight, names l/r, dates l/r)
        " ('full, low', 0.03, -5.0, 'x', 'x', 'd', 'd'),"
        " ('no date, low, evidence for', 0.03, -5.0, 'x', 'x', NULL, 'd'),"
        " ('no date, evidence against', 1e-6, -20.0, 'x', 'x', NULL, 'd'),"
        " ('no names, low, evidence for', 0.1, -3.0, NULL, 'x', 'd', 'd'),"
        " ('full, high enough', 0.5, 0.0, 'x', 'x', 'd', 'd')"
        ") t(name, match_probability, match_weight, bloom_l, bloom_r, dob_l, dob_r)"
    )
    con.execute(
        "CREATE VIEW l AS SELECT name, bloom_l AS bloom, dob_l AS tok_dob FROM p;"
        "CREATE VIEW r AS SELECT name, bloom_r AS bloom, dob_r AS tok_dob FROM p"
    )
    rule = contradicts("p", "l", "r", "bloom", LinkModel(cannot_link=0.2), prior)
    refused = {
        name
        for (name,) in con.execute(
            f"SELECT p.name FROM p JOIN l USING (name) JOIN r USING (name) WHERE {rule}"
        ).fetchall()
    }
    assert refused == {"full, low", "no date, evidence against"}


def test_an_event_contradicted_by_another_registration_of_the_person_is_not_attached(
    tmp_path: Path,
) -> None:
    """A look-alike's event (same name and place, another date) matches a person's undated
    registration but contradicts the person's dated one: it is not the person's event. The
    same event with the person's own date is."""
    enc = Encoder()
    snap = make_encoded_snapshot(
        tmp_path / "snap", n_persons=600, seed=5, n_events=100, encoder=enc
    )
    name = {"given_names": "Zygmunta", "surname": "Quellowarth", "place_of_birth": "Utrecht"}
    undated = identity(**name, gender="female")
    dated = identity(**name, date_of_birth="1990-03-14", gender="female")
    look_alike = identity(**name, date_of_birth="1984-11-02", gender="female")
    own = identity(**name, date_of_birth="1990-03-14", gender="female")
    regs = pd.read_parquet(snap.path / "registrations.parquet")
    base = regs.iloc[0].to_dict() | {
        "gender": "female",
        "legal_basis": "legal_basis",
        "statistics_only": False,
    }
    added = [
        base | {"registration_id": f"Z{i}", "record_id": f"z-{i}"} | codes
        for i, codes in enumerate(enc.encode([undated, dated]))
    ]
    pd.concat([regs, pd.DataFrame(added)], ignore_index=True).to_parquet(
        snap.path / "registrations.parquet", index=False
    )
    events = pd.read_parquet(snap.path / "register_events.parquet")
    ev = events.iloc[0].to_dict() | {"gender": "female"}
    new_events = [
        ev | {"event_id": eid, "record_id": eid} | codes
        for eid, codes in zip(("EV-alike", "EV-own"), enc.encode([look_alike, own]), strict=True)
    ]
    pd.concat([events, pd.DataFrame(new_events)], ignore_index=True).to_parquet(
        snap.path / "register_events.parquet", index=False
    )
    run_linkage(snap.path, tmp_path / "runs", "r1")
    con = open_run(tmp_path / "runs", "r1")
    person = dict(
        con.execute(
            "SELECT registration_id, person_id FROM registration_person "
            "WHERE registration_id IN ('Z0', 'Z1')"
        ).fetchall()
    )
    assert person["Z0"] == person["Z1"], "the two registrations are one person"
    attached = dict(
        con.execute(
            "SELECT event_id, person_id FROM person_events WHERE event_id IN ('EV-alike', 'EV-own')"
        ).fetchall()
    )
    assert attached.get("EV-own") == person["Z0"]
    assert attached.get("EV-alike") != person["Z0"]
    # the look-alike did score as a candidate: the refusal, not the blocking, kept it out
    candidates = {
        r for (r,) in con.execute("SELECT r_id FROM event_pairs WHERE r_id = 'EV-alike'").fetchall()
    }
    assert candidates == {"EV-alike"}


def test_registrations_close_in_time_weigh_more_than_the_same_far_apart(tmp_path: Path) -> None:
    """The registration date is compared: two identical undated registrations ten days apart
    score higher than the same two five years apart (EM learns that one victim's reporters
    register them in one episode)."""
    enc = Encoder()
    snap = make_encoded_snapshot(tmp_path / "snap", n_persons=600, seed=6, encoder=enc)
    who = identity(
        given_names="Wenceslava", surname="Ortheimbrook", place_of_birth="Delft", gender="female"
    )
    regs = pd.read_parquet(snap.path / "registrations.parquet")
    base = regs.iloc[0].to_dict() | {"gender": "female"}
    dates = {"W0": dt.date(2020, 1, 10), "W1": dt.date(2020, 1, 20), "W2": dt.date(2015, 6, 1)}
    added = [
        base | {"registration_id": rid, "record_id": rid, "registration_date": day} | codes
        for (rid, day), codes in zip(dates.items(), enc.encode([who] * 3), strict=True)
    ]
    pd.concat([regs, pd.DataFrame(added)], ignore_index=True).to_parquet(
        snap.path / "registrations.parquet", index=False
    )
    run_linkage(snap.path, tmp_path / "runs", "r1")
    con = open_run(tmp_path / "runs", "r1")
    weight = {
        frozenset((a, b)): w
        for a, b, w in con.execute(
            "SELECT id_l, id_r, match_weight FROM dedupe_predictions "
            "WHERE id_l LIKE 'W%' AND id_r LIKE 'W%'"
        ).fetchall()
    }
    assert weight[frozenset(("W0", "W1"))] > weight[frozenset(("W0", "W2"))] + 1


def test_a_run_shows_no_library_warning(tmp_path: Path) -> None:
    # the Altair UserWarning about splink's charts reached every `zichtbaar link` user
    import warnings

    snap = make_snapshot(tmp_path / "snap", n_persons=20, seed=4)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        run_linkage(snap.path, tmp_path / "runs", "r1")
    assert [str(w.message)[:60] for w in seen if issubclass(w.category, UserWarning)] == []
    assert (tmp_path / "runs" / "r1" / "charts" / "m_u_parameters.html").is_file()
