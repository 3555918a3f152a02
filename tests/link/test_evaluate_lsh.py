from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.snapshot_factory import make_snapshot
from zichtbaar.cli import app
from zichtbaar.errors import LinkError
from zichtbaar.link.blocking import blocking_recall
from zichtbaar.link.evaluate import accuracy, read_truth
from zichtbaar.link.lsh import LshConfig, band_keys


def test_accuracy_known_answer() -> None:
    truth = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "3"}
    found = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}
    acc = accuracy(found, truth)
    assert (acc.pairs_true, acc.pairs_found, acc.pairs_correct) == (3, 2, 1)
    assert acc.precision == 0.5 and acc.recall == pytest.approx(1 / 3)
    assert acc.clusters_exact == 1  # only {e}
    perfect = accuracy(truth, truth)
    assert perfect.f1 == perfect.cluster_f1 == 1.0


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.sampled_from("abc"), min_size=1))
def test_accuracy_of_truth_against_itself_is_perfect(truth: dict[str, str]) -> None:
    acc = accuracy(truth, truth)
    assert acc.precision == acc.recall == 1.0


def test_truth_file_needs_columns(tmp_path: Path) -> None:
    bad = tmp_path / "t.csv"
    bad.write_text("x,y\n1,2\n")
    with pytest.raises(LinkError, match="registration_id"):
        read_truth(bad)
    good = tmp_path / "g.csv"
    good.write_text("registration_id,true_id\nR1,T1\nR2,T1\n")
    assert read_truth(good) == {"R1": "T1", "R2": "T1"}


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**31), st.floats(0.0, 0.02))
def test_lsh_bands_catch_near_filters_and_not_far_ones(seed: int, flip: float) -> None:
    rng = np.random.default_rng(seed)
    a = rng.random(1024) < 0.3
    near = a ^ (rng.random(1024) < flip)
    far = rng.random(1024) < 0.3
    arr = pa.array([np.packbits(x).tobytes() for x in (a, near, far)] + [None], pa.binary())
    keys = band_keys(arr, LshConfig(bands=24, bits_per_band=24)).to_pylist()
    assert len(keys[0]) == 24 and keys[3] == []
    assert set(keys[0]) & set(keys[1])  # P(miss) < (1 - 0.98**24)**24, negligible
    assert not set(keys[0]) & set(keys[2])  # P(hit) ~ 24 * 0.58**24, negligible
    if flip == 0.0:
        assert keys[0] == keys[1]


def test_cli_link_and_evaluate(tmp_path: Path) -> None:
    snap = make_snapshot(tmp_path / "snap", n_persons=60, seed=9, n_events=20)
    runner = CliRunner()
    res = runner.invoke(
        app,
        ["link", "--snapshot", str(snap.path), "--runs", str(tmp_path / "runs"), "--run-id", "r"],
    )
    assert res.exit_code == 0, res.output
    truth = tmp_path / "truth.csv"
    truth.write_text(
        "registration_id,true_id\n" + "".join(f"{r},{p}\n" for r, p in snap.truth.items())
    )
    res = runner.invoke(
        app, ["link", "evaluate", "--runs", str(tmp_path / "runs"), "--truth", str(truth)]
    )
    assert res.exit_code == 0, res.output
    assert '"precision"' in res.output and '"cluster_f1"' in res.output
    report = json.loads(res.output)
    blocking = report["blocking"]
    assert blocking["pairs_true"] == report["pairs_true"]
    assert report["pairs_correct"] <= blocking["pairs_blocked"] <= blocking["pairs_true"]
    assert 0.9 < blocking["recall"] <= 1.0
    assert len(blocking["by_rule"]) == 11  # the ten rules of 3.1 and the address token
    # the truth of a synthetic world names records by the organisations' record ids, register
    # rows included: the report then has the register linkage too
    regs = pd.read_parquet(
        snap.path / "registrations.parquet", columns=["registration_id", "record_id"]
    )
    events = pd.read_parquet(
        snap.path / "register_events.parquet", columns=["event_id", "record_id"]
    )
    record_of = dict(zip(regs["registration_id"], regs["record_id"], strict=True))
    event_record = dict(zip(events["event_id"], events["record_id"], strict=True))
    by_record = tmp_path / "records.csv"
    by_record.write_text(
        "source,record_id,person_id\n"
        + "".join(f"reporters,{record_of[r]},{p}\n" for r, p in snap.truth.items())
        + "".join(f"registers,{event_record[e]},{p}\n" for e, p in snap.event_truth.items())
    )
    res = runner.invoke(
        app, ["link", "evaluate", "--runs", str(tmp_path / "runs"), "--truth", str(by_record)]
    )
    assert res.exit_code == 0, res.output
    same = json.loads(res.output)
    assert {k: same[k] for k in report} == report  # the same dedupe figures either way
    events_report = same["register_events"]
    linkable = sum(1 for p in snap.event_truth.values() if p not in snap.stats_only_persons)
    assert events_report["events_eligible"] == linkable
    assert 0 < events_report["events_correct"] <= events_report["events_linked"]
    assert events_report["precision"] >= 0.9 and events_report["recall"] >= 0.8
    # a "truth" that pairs registrations of different people: the rules propose almost none
    ids = sorted(snap.truth)
    wrong = {r: f"w{i // 2}" for i, r in enumerate(ids) if snap.truth[r] != snap.truth[ids[i ^ 1]]}
    unrelated = blocking_recall(tmp_path / "runs" / "r", wrong)
    assert unrelated.pairs_true > 10 and unrelated.recall < 0.2
