"""The event's date as evidence for a person-event link (``link/event_dates.py``)."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.link.encoded_world import Encoder, make_encoded_snapshot
from zichtbaar.encode.identity import identity
from zichtbaar.link.event_dates import bucket_sql, score_event_pairs
from zichtbaar.link.model import LinkModel
from zichtbaar.link.run import open_run, run_linkage


@given(
    st.one_of(st.none(), st.integers(-5000, 5000)),
    st.lists(st.integers(-3000, 3000), min_size=1, max_size=10, unique=True).map(sorted),
)
def test_a_gap_falls_into_the_bucket_of_its_edges(gap: int | None, edges: list[int]) -> None:
    con = duckdb.connect()
    (bucket,) = con.execute(
        f"SELECT {bucket_sql('g', tuple(edges))} FROM (SELECT ?::INT AS g)", [gap]
    ).fetchall()[0]
    assert bucket == (None if gap is None else bisect.bisect_right(edges, gap))


def _logit2(p: float) -> float:
    return math.log2(p / (1 - p))


def test_the_gap_weight_is_m_of_settled_pairs_over_u_of_all_pairs() -> None:
    """Known answer: two registrations on one day, three events of one register (9 days after,
    214 days before, 366 days after). u of each bucket is 1/3 (all pairs); m comes from the
    two settled pairs (both 9 days after) with half a pair per bucket: 2.5/3.5 and 0.5/3.5."""
    con = duckdb.connect()
    day = dt.date(2020, 1, 1)
    con.execute(
        "CREATE TABLE registrations AS SELECT * FROM (VALUES ('R1', ?::DATE), ('R2', ?::DATE))"
        " t(registration_id, registration_date)",
        [day, day],
    )
    con.execute("CREATE TABLE link_eligible AS SELECT * FROM (VALUES ('p1|R1'), ('p2|R2')) t(id)")
    con.execute(
        "CREATE TABLE register_events AS SELECT * FROM (VALUES"
        " ('E1', 'reg-a', DATE '2020-01-10'), ('E2', 'reg-a', DATE '2019-06-01'),"
        " ('E3', 'reg-a', DATE '2021-01-01')) t(event_id, org, event_date)"
    )
    candidates = [
        ("p1|R1", "E1", 0.999),  # settled, 9 days after
        ("p2|R2", "E1", 0.999),  # settled, 9 days after
        ("p2|R2", "E3", 0.7),  # 366 days after: bucket 2
        ("p1|R1", "E2", 0.85),  # 214 days before: bucket 0
    ]
    con.execute(
        "CREATE TABLE candidates AS SELECT * FROM (VALUES "
        + ", ".join(f"('{a}', '{b}', {p}, {_logit2(p)})" for a, b, p in candidates)
        + ") t(l_id, r_id, match_probability, match_weight)"
    )
    model = LinkModel(register_threshold=0.8, event_gap_edges=(0, 30))
    score_event_pairs(con, "candidates", model)
    params = {
        b: (m, u, w)
        for b, m, u, w in con.execute(
            "SELECT bucket, m, u, weight FROM event_gap_parameters WHERE register_org = 'reg-a'"
        ).fetchall()
    }
    expected_m = {0: 0.5 / 3.5, 1: 2.5 / 3.5, 2: 0.5 / 3.5}
    for b, m in expected_m.items():
        assert params[b][0] == pytest.approx(m)
        assert params[b][1] == pytest.approx(1 / 3)
        assert params[b][2] == pytest.approx(math.log2(m * 3))
    kept = {
        (r, e): p
        for r, e, p in con.execute(
            "SELECT l_id, r_id, match_probability FROM event_pairs"
        ).fetchall()
    }
    # 0.85 two hundred days early falls below 0.8; 0.7 a year late falls further
    assert set(kept) == {("p1|R1", "E1"), ("p2|R2", "E1")}
    lifted = 1 / (1 + 2 ** -(_logit2(0.999) + math.log2(expected_m[1] * 3)))
    assert kept[("p1|R1", "E1")] == pytest.approx(lifted)
    # the same candidate in the bucket of the settled pairs would have been lifted above 0.8
    assert _logit2(0.7) + math.log2(expected_m[1] * 3) > _logit2(0.8)


def test_a_register_with_few_settled_pairs_borrows_the_pooled_m() -> None:
    """Register a has 60 settled pairs (all 9 days after): its own m. Register b has two (100
    days after), fewer than ``MIN_SURE_PAIRS``: the m of all registers' settled pairs pooled."""
    con = duckdb.connect()
    regs = [f"R{i}" for i in range(60)]
    con.execute(
        "CREATE TABLE registrations AS SELECT 'R' || range AS registration_id, "
        "DATE '2020-01-01' AS registration_date FROM range(60)"
    )
    con.execute(
        "CREATE TABLE link_eligible AS SELECT 'p|' || registration_id AS id FROM registrations"
    )
    con.execute(
        "CREATE TABLE register_events AS SELECT * FROM (VALUES"
        " ('E1', 'reg-a', DATE '2020-01-10'), ('F1', 'reg-b', DATE '2020-04-10'))"
        " t(event_id, org, event_date)"
    )
    settled = [(f"p|{r}", "E1") for r in regs] + [("p|R0", "F1"), ("p|R1", "F1")]
    con.execute(
        "CREATE TABLE candidates AS SELECT * FROM (VALUES "
        + ", ".join(f"('{a}', '{b}', 0.999, {_logit2(0.999)})" for a, b in settled)
        + ") t(l_id, r_id, match_probability, match_weight)"
    )
    score_event_pairs(
        con, "candidates", LinkModel(event_gap_edges=(0, 30), event_gap_m_floor=0.001)
    )
    m = {
        (org, b): (value, n)
        for org, b, value, n in con.execute(
            "SELECT register_org, bucket, m, settled_pairs FROM event_gap_parameters"
        ).fetchall()
    }
    own = {0: 0.5 / 61.5, 1: 60.5 / 61.5, 2: 0.5 / 61.5}
    pooled = {0: 0.5 / 63.5, 1: 60.5 / 63.5, 2: 2.5 / 63.5}
    for b in range(3):
        assert m[("reg-a", b)] == (pytest.approx(own[b]), 60)
        assert m[("reg-b", b)] == (pytest.approx(pooled[b]), 2)


def test_no_edges_keep_the_scores(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE candidates AS SELECT * FROM (VALUES ('p|R', 'E', 0.9::DOUBLE, 3.17::DOUBLE),"
        " ('p|R', 'F', 0.5, 0.0)) t(l_id, r_id, match_probability, match_weight)"
    )
    score_event_pairs(con, "candidates", LinkModel(register_threshold=0.8, event_gap_edges=()))
    assert con.execute("SELECT r_id, match_probability FROM event_pairs").fetchall() == [("E", 0.9)]
    assert con.execute("SELECT count(*) FROM event_gap_parameters").fetchall() == [(0,)]


def test_an_undated_event_attaches_when_its_date_fits_the_register(tmp_path: Path) -> None:
    """A victim registered once without a date of birth, and two events of a shelter with the
    same name, no date of birth and no place: one a fortnight after the registration (the
    shelter's usual lag, learnt from the settled pairs), one four years before. Only the first
    is theirs; the names alone (the same model without the event's date) attach neither."""
    enc = Encoder()
    snap = make_encoded_snapshot(
        tmp_path / "snap", n_persons=600, seed=7, n_events=300, encoder=enc
    )
    regs = pd.read_parquet(snap.path / "registrations.parquet")
    events = pd.read_parquet(snap.path / "register_events.parquet")
    # the shelter takes victims in 1-6 weeks after their first registration, others any time
    rng = np.random.default_rng(7)
    first = (
        regs.assign(person=regs["registration_id"].map(snap.truth))
        .groupby("person")["registration_date"]
        .min()
    )
    lag = pd.to_timedelta(rng.integers(7, 42, len(events)), unit="D")
    anytime = pd.Timestamp("2015-01-01") + pd.to_timedelta(
        rng.integers(0, 7 * 365, len(events)), unit="D"
    )
    own = events["event_id"].map(snap.event_truth).map(first)
    events["event_date"] = pd.to_datetime(own).add(lag).fillna(pd.Series(anytime)).dt.date
    who = identity(
        given_names="Ottilie", surname="Braamkerst", place_of_birth="Zwolle", gender="female"
    )
    placeless = identity(given_names="Ottilie", surname="Braamkerst", gender="female")
    base = regs.iloc[0].to_dict() | {
        "gender": "female",
        "legal_basis": "legal_basis",
        "statistics_only": False,
        "registration_date": dt.date(2019, 3, 10),
    }
    (codes,) = enc.encode([who])
    regs = pd.concat(
        [regs, pd.DataFrame([base | {"registration_id": "V0", "record_id": "v-0"} | codes])],
        ignore_index=True,
    )
    ev = events.iloc[0].to_dict() | {"gender": "female"}
    added = [
        ev | {"event_id": eid, "record_id": eid, "event_date": day} | c
        for (eid, day), c in zip(
            (("EV-fits", dt.date(2019, 3, 24)), ("EV-early", dt.date(2015, 3, 1))),
            enc.encode([placeless, placeless]),
            strict=True,
        )
    ]
    regs.to_parquet(snap.path / "registrations.parquet", index=False)
    pd.concat([events, pd.DataFrame(added)], ignore_index=True).to_parquet(
        snap.path / "register_events.parquet", index=False
    )

    def attached(run: str, model: LinkModel) -> dict[str, str]:
        run_linkage(snap.path, tmp_path / "runs", run, model=model)
        con = open_run(tmp_path / "runs", run)
        person = con.execute(
            "SELECT person_id FROM registration_person WHERE registration_id = 'V0'"
        ).fetchall()[0][0]
        return {
            e: p
            for e, p in con.execute(
                "SELECT event_id, person_id FROM person_events WHERE event_id LIKE 'EV-%'"
            ).fetchall()
            if p == person
        }

    assert set(attached("dated", LinkModel())) == {"EV-fits"}
    # the analyst sees what was learnt: the shelter's weights, by bucket, beside the run
    chart = json.loads(
        (tmp_path / "runs" / "dated" / "charts" / "event_gap_weights.json").read_text()
    )
    rows = next(iter(chart["datasets"].values()))
    assert {r["register_org"] for r in rows} == {"register-shelter"}
    best = max(rows, key=lambda r: r["weight"])
    assert best["label"] in {"0 to 29 days", "30 to 89 days"} and best["weight"] > 2
    assert attached("undated", LinkModel(event_gap_edges=())) == {}
