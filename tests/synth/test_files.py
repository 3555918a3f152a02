"""The written files follow the data standard exactly, and the truth covers every row."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from zichtbaar.encode.normalise import bsn_is_valid, date_of_birth
from zichtbaar.standard.codes import REGISTER_EVENT_TYPES, REGISTERS, REPORTER_TYPES
from zichtbaar.standard.models import RegisterSource, SuspectCase, VictimSource
from zichtbaar.synth import World
from zichtbaar.synth.world import ADDRESS_COLUMNS  # the world simulates no addresses


def _read(path: Path) -> list[dict[str, str | None]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(fh)]


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def test_reporter_files_follow_victim_source(world_dir: Path) -> None:
    orgs = _read(world_dir / "reporters" / "organisations.csv")
    assert 12 <= len(orgs) <= 16
    assert {o["reporter_type"] for o in orgs} == set(REPORTER_TYPES.values)
    for org in orgs:
        path = world_dir / "reporters" / f"{org['org']}.csv"
        assert _header(path) == [f for f in VictimSource.model_fields if f not in ADDRESS_COLUMNS]
        rows = _read(path)
        assert rows, org["org"]
        for i, row in enumerate(rows):
            try:
                VictimSource.model_validate(row)
            except ValidationError as exc:  # pragma: no cover - the message shows what failed
                pytest.fail(f"{org['org']} row {i}: {[e['loc'] for e in exc.errors()]}")


def test_register_files_follow_register_source(world_dir: Path) -> None:
    for code in REGISTERS.values:
        path = world_dir / "registers" / f"{code}.csv"
        assert _header(path) == [f for f in RegisterSource.model_fields if f not in ADDRESS_COLUMNS]
        rows = _read(path)
        assert rows, code
        for row in rows:
            rec = RegisterSource.model_validate(row)
            assert rec.event_type == REGISTER_EVENT_TYPES[code]
            assert (rec.prosecution_decision is not None) == (code == "prosecution")
            assert rec.dublin_status == "not_applicable" or code == "asylum"


def test_suspects_follow_suspect_case(world_dir: Path) -> None:
    path = world_dir / "suspects.csv"
    # nationality_group is derived by the encoder, which refuses a source file that has it.
    assert _header(path) == [f for f in SuspectCase.model_fields if f != "nationality_group"]
    for row in _read(path):
        SuspectCase.model_validate(row)


def test_truth_covers_every_row_once(world_dir: Path) -> None:
    truth = pd.read_csv(world_dir / "truth" / "records.csv", dtype=str)
    # Record ids are unique across all files, so a truth map can key on the record id alone.
    assert truth["record_id"].is_unique
    expected = set()
    for path in sorted((world_dir / "reporters").glob("*.csv")):
        if path.name == "organisations.csv":
            continue
        expected |= {(f"reporters/{path.name}", r["record_id"]) for r in _read(path)}
    for path in sorted((world_dir / "registers").glob("*.csv")):
        expected |= {(f"registers/{path.name}", r["record_id"]) for r in _read(path)}
    assert set(zip(truth["source"], truth["record_id"], strict=True)) == expected
    persons = pd.read_csv(world_dir / "truth" / "persons.csv", dtype=str)
    non_victims = pd.read_csv(world_dir / "truth" / "non_victims.csv", dtype=str)
    assert set(truth["person_id"]) <= set(persons["person_id"]) | set(non_victims["person_id"])


def test_world_json_describes_the_world(world_dir: Path, world: World) -> None:
    meta = json.loads((world_dir / "truth" / "world.json").read_text())
    assert meta["config"]["seed"] == 7
    assert meta["summary"]["true_victims"] == len(world.persons)
    listed = set(meta["files"])
    assert "truth/totals.csv" in listed and "suspects.csv" in listed
    assert all((world_dir / f).exists() for f in listed)


def test_every_date_of_birth_is_readable_and_before_the_event(world: World) -> None:
    frames = [
        f.rename(columns={"registration_date": "event_date"}) for f in world.reporters.values()
    ]
    for frame in [*frames, *world.registers.values()]:
        rows = frame[frame["date_of_birth"].notna()]
        for raw, event in zip(rows["date_of_birth"], rows["event_date"], strict=True):
            read = date_of_birth(raw)
            assert read is not None and read.complete is not None
            assert read.complete <= dt.date.fromisoformat(event)


def test_bsns_valid_unique_and_only_for_holders(world: World, reporter_rows: pd.DataFrame) -> None:
    p = world.persons
    everyone = pd.concat([p[["bsn", "nationality"]], world.non_victims[["bsn", "nationality"]]])
    bsns = everyone["bsn"].dropna()
    assert bsns.map(bsn_is_valid).all()
    assert bsns.is_unique
    assert p.loc[p["nationality"] == "NLD", "bsn"].notna().all()
    non_eu = ~p["nationality_group"].isin(["NL", "EU_EEA"]) & (p["nationality"] != "SUR")
    assert p.loc[non_eu, "bsn"].notna().mean() < 0.1
    # A record only carries the BSN of the person it is about, never someone else's.
    with_bsn = reporter_rows[reporter_rows["bsn"].notna()]
    assert (with_bsn["bsn"] == with_bsn["true_bsn"]).all()
    assert (reporter_rows["bsn"].isna() | reporter_rows["true_bsn"].notna()).all()
