"""Build a whole synthetic world from a ``WorldConfig`` and write it to a directory.

Layout of a written world (see docs/synthetic-world.md)::

    reporters/organisations.csv     org, reporter_type, name
    reporters/<org>.csv             VictimSource columns, as each organisation writes them
    registers/<register>.csv        RegisterSource columns, one file per register code
    suspects.csv                    SuspectCase columns
    truth/                          the answers; never read by the pipeline

Each component draws from its own random stream (``SeedSequence`` spawned from the seed), so a
change in one part of the model does not reshuffle every other file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zichtbaar.standard.codes import INVESTIGATIVE_REPORTER_TYPES, REGISTER_EVENT_TYPES, REGISTERS
from zichtbaar.standard.models import RegisterSource, VictimSource
from zichtbaar.synth.config import WorldConfig
from zichtbaar.synth.exploitation import exploitation_years
from zichtbaar.synth.faults import render
from zichtbaar.synth.names import NamePool, name_pool
from zichtbaar.synth.nationalities import FORM_NATIONALITY_WEIGHTS, NATIONALITIES
from zichtbaar.synth.population import build_population
from zichtbaar.synth.registers import (
    DECISION_P,
    DECISIONS,
    REGISTER_SPECS,
    non_victims,
    victim_events,
)
from zichtbaar.synth.reporters import ORGANISATIONS, detect, legal_bases
from zichtbaar.synth.suspects import build_suspects

ADDRESS_COLUMNS = ("street", "house_number", "postcode", "residence")
"""The world simulates no addresses (optional in the standard): its files leave the columns out,
as an organisation without addresses may."""
VICTIM_COLUMNS: tuple[str, ...] = tuple(
    f for f in VictimSource.model_fields if f not in ADDRESS_COLUMNS
)
REGISTER_COLUMNS: tuple[str, ...] = tuple(
    f for f in RegisterSource.model_fields if f not in ADDRESS_COLUMNS
)
STEPS = ("names", "population", "detection", "reporter records", "registers", "suspects", "truth")
BSN_SHARE_INVESTIGATIVE = 0.95
BSN_SHARE_OTHER = 0.6
DUPLICATE_LAG_DAYS = (1, 30)
_STREAMS = {name: i for i, name in enumerate(STEPS)}
_STREAMS["exploitation year"] = len(STEPS)
"""A stream of its own (not a step): writing the column reshuffles no other draw."""


@dataclass
class World:
    """A generated world: the files organisations and registers hold, and the truth beside them."""

    config: WorldConfig
    organisations: pd.DataFrame
    reporters: dict[str, pd.DataFrame]
    registers: dict[str, pd.DataFrame]
    suspects: pd.DataFrame
    persons: pd.DataFrame
    non_victims: pd.DataFrame
    records: pd.DataFrame
    captures: pd.DataFrame
    population: pd.DataFrame
    totals: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)


def _rng(config: WorldConfig, step: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([config.seed, _STREAMS[step]]))


def _iso(ordinals: Any) -> list[str]:
    return [dt.date.fromordinal(int(o)).isoformat() for o in ordinals]


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}-{i:06d}" for i in range(1, n + 1)]


def build_world(config: WorldConfig, progress: Callable[[str], None] | None = None) -> World:
    """Generate the world described by ``config``; the same config always gives the same world."""

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    step("names")
    pools: dict[str, NamePool] = {
        loc: name_pool(loc, config.seed) for loc in sorted({n.locale for n in NATIONALITIES})
    }
    step("population")
    pop = build_population(config, _rng(config, "population"), pools)
    step("detection")
    rng = _rng(config, "detection")
    captures = detect(config, pop, rng)
    captures["legal_basis"] = legal_bases(config, captures, rng)
    step("reporter records")
    reporters, reporter_truth = _reporter_files(
        config,
        pop,
        captures,
        _rng(config, "reporter records"),
        _rng(config, "exploitation year"),
    )
    step("registers")
    registers, register_truth, nonvic = _register_files(
        config, pop, captures, pools, _rng(config, "registers")
    )
    step("suspects")
    suspects = build_suspects(config, _rng(config, "suspects"))
    step("truth")
    records = pd.concat([reporter_truth, register_truth], ignore_index=True)
    persons, capture_table, population, totals = _truth(config, pop, captures)
    organisations = pd.DataFrame(
        [(o.org, o.reporter_type, o.name) for o in ORGANISATIONS],
        columns=["org", "reporter_type", "name"],
    )
    summary = {
        "true_victims": len(pop),
        "detected_victims": int(persons["detected"].sum()),
        "registered_with_basis": int(persons["registered_with_basis"].sum()),
        "reporter_rows": int(sum(len(f) for f in reporters.values())),
        "register_rows": int(sum(len(f) for f in registers.values())),
        "non_victims": len(nonvic),
        "suspects": len(suspects),
        "organisations": len(organisations),
    }
    return World(
        config,
        organisations,
        reporters,
        registers,
        suspects,
        persons,
        nonvic,
        records,
        capture_table,
        population,
        totals,
        summary,
    )


def _reporter_files(
    config: WorldConfig,
    pop: pd.DataFrame,
    captures: pd.DataFrame,
    rng: np.random.Generator,
    year_rng: np.random.Generator,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    last = dt.date(config.end_year, 12, 31).toordinal()
    dup = captures[rng.random(len(captures)) < config.faults.duplicate].copy()
    lo, hi = DUPLICATE_LAG_DAYS
    dup_year = pop["year"].to_numpy()[dup["person"].to_numpy()]
    latest = np.minimum([dt.date(int(y) + 1, 12, 31).toordinal() for y in dup_year], last)
    dup["date"] = np.minimum(dup["date"].to_numpy() + rng.integers(lo, hi, size=len(dup)), latest)
    rows = pd.concat(
        [captures.assign(duplicate=False), dup.assign(duplicate=True)], ignore_index=True
    )
    rows["tiebreak"] = rng.random(len(rows))
    rows = rows.sort_values(["org", "date", "tiebreak"], kind="mergesort").reset_index(drop=True)
    by_org = {o.org: o for o in ORGANISATIONS}
    orgs = [by_org[o] for o in rows["org"]]
    people = pop.iloc[rows["person"].to_numpy()].reset_index(drop=True)
    ident, faults = render(
        people,
        [o.habits for o in orgs],
        config.faults,
        rng,
        bsn_share=[BSN_SHARE_INVESTIGATIVE if o.investigative else BSN_SHARE_OTHER for o in orgs],
        force_variation=rows["duplicate"].to_numpy(),
    )
    faults = [f"{f};duplicate" if d else f for f, d in zip(faults, rows["duplicate"], strict=True)]
    record_id = np.empty(len(rows), dtype=object)
    for org, idx in rows.groupby("org", sort=True).indices.items():
        record_id[idx] = _ids(str(org), len(idx))
    table = pd.DataFrame(
        {
            "record_id": record_id,
            "registration_date": _iso(rows["date"]),
            **{
                c: ident[c]
                for c in ("given_names", "surname", "date_of_birth", "place_of_birth", "bsn")
            },
            "gender": ident["gender"],
            "nationality": ident["nationality"],
            "age_group": people["age_group"],
            "form": people["form"],
            "exploitation_year": exploitation_years(config.faults, people, orgs, year_rng),
            "region": np.where(ident["_region_unknown"], "unknown", people["region"]),
            "legal_basis": rows["legal_basis"],
        }
    )[list(VICTIM_COLUMNS)]
    files = {
        str(org): table.iloc[idx].reset_index(drop=True)
        for org, idx in rows.groupby("org", sort=True).indices.items()
    }
    for o in ORGANISATIONS:
        files.setdefault(o.org, pd.DataFrame(columns=list(VICTIM_COLUMNS)))
    truth = pd.DataFrame(
        {
            "source": [f"reporters/{o}.csv" for o in rows["org"]],
            "record_id": record_id,
            "person_id": people["person_id"],
            "faults": faults,
        }
    )
    return dict(sorted(files.items())), truth


def _general_nationalities() -> dict[str, float]:
    """Nationalities of people in registers who are not victims: mostly Dutch."""
    other = FORM_NATIONALITY_WEIGHTS["other_unknown"]
    rest = {
        k: 0.3 * v / sum(v for k2, v in other.items() if k2 != "NLD")
        for k, v in other.items()
        if k != "NLD"
    }
    return {"NLD": 0.7, **rest}


def _register_files(
    config: WorldConfig,
    pop: pd.DataFrame,
    captures: pd.DataFrame,
    pools: dict[str, NamePool],
    rng: np.random.Generator,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    org_types = {o.org: o.reporter_type for o in ORGANISATIONS}
    events = victim_events(config, pop, captures, org_types, rng)
    used_bsn = set(pop["bsn"].dropna())
    general = _general_nationalities()
    files: dict[str, pd.DataFrame] = {}
    truths: list[pd.DataFrame] = []
    nonvic_frames: list[pd.DataFrame] = []
    next_id = 1
    for code in REGISTERS.values:
        spec = REGISTER_SPECS[code]
        ev = events[events["register"] == code]
        victims = pop.iloc[ev["person"].to_numpy()].reset_index(drop=True)
        n_non = round(config.nonvictims_per_victim * len(ev))
        nv, nv_dates = non_victims(config, spec, n_non, rng, pools, general, frozenset(used_bsn))
        used_bsn |= set(nv["bsn"].dropna())
        nv.insert(0, "person_id", [f"N{i:07d}" for i in range(next_id, next_id + n_non)])
        next_id += n_non
        nv["register"] = code
        nonvic_frames.append(nv)
        if code == "asylum":
            nv_dublin = np.where(rng.random(n_non) < 0.2, "dublin_claim", "no_dublin")
        else:
            nv_dublin = np.full(n_non, "not_applicable")
        nv_decision = rng.choice(DECISIONS, size=n_non, p=DECISION_P)
        people = pd.concat([victims, nv], ignore_index=True)
        meta = pd.DataFrame(
            {
                "date": np.concatenate([ev["date"].to_numpy(), nv_dates]),
                "dublin_status": np.concatenate([ev["dublin_status"].to_numpy(), nv_dublin]),
                "prosecution_decision": (
                    np.concatenate([ev["prosecution_decision"].to_numpy(), nv_decision])
                    if code == "prosecution"
                    else None
                ),
                "tiebreak": rng.random(len(people)),
            }
        )
        order = meta.sort_values(["date", "tiebreak"], kind="mergesort").index.to_numpy()
        people = people.iloc[order].reset_index(drop=True)
        meta = meta.iloc[order].reset_index(drop=True)
        ident, faults = render(
            people,
            [spec.habits] * len(people),
            config.faults,
            rng,
            bsn_share=[spec.bsn_share] * len(people),
        )
        record_id = _ids(code, len(people))
        files[code] = pd.DataFrame(
            {
                "record_id": record_id,
                "event_date": _iso(meta["date"]),
                "event_type": REGISTER_EVENT_TYPES[code],
                **{
                    c: ident[c]
                    for c in (
                        "given_names",
                        "surname",
                        "date_of_birth",
                        "place_of_birth",
                        "bsn",
                        "gender",
                        "nationality",
                    )
                },
                "dublin_status": meta["dublin_status"],
                "prosecution_decision": meta["prosecution_decision"],
                "legal_basis": "legal_duty",
            }
        )[list(REGISTER_COLUMNS)]
        truths.append(
            pd.DataFrame(
                {
                    "source": f"registers/{code}.csv",
                    "record_id": record_id,
                    "person_id": people["person_id"],
                    "faults": faults,
                }
            )
        )
    nonvic = pd.concat(nonvic_frames, ignore_index=True)
    return files, pd.concat(truths, ignore_index=True), nonvic


def _truth(
    config: WorldConfig, pop: pd.DataFrame, captures: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    n = len(pop)
    types = {o.org: o.reporter_type for o in ORGANISATIONS}
    inv = captures["org"].map(types).isin(INVESTIGATIVE_REPORTER_TYPES).to_numpy()
    with_basis = (captures["legal_basis"] != "none").to_numpy()

    def flag(mask: np.ndarray) -> np.ndarray:
        out = np.zeros(n, dtype=int)
        out[captures["person"].to_numpy()[mask]] = 1
        return out

    persons = pop.copy()
    persons["detected"] = flag(np.ones(len(captures), dtype=bool))
    persons["registered_with_basis"] = flag(with_basis)
    persons["detected_investigative"] = flag(inv)
    persons["detected_other"] = flag(~inv)
    persons["consented_other"] = flag(~inv & with_basis)
    strata = ["year", "form", "age_group", "gender", "nationality_group", "region"]
    capture_table = pop[["person_id", *strata]].copy()
    for o in ORGANISATIONS:
        capture_table[o.org] = flag((captures["org"] == o.org).to_numpy())
    keys = ["year", "form", "age_group", "gender", "nationality_group"]
    population = (
        persons.groupby(keys, sort=True)
        .agg(
            true_count=("person_id", "size"),
            detected=("detected", "sum"),
            registered_with_basis=("registered_with_basis", "sum"),
        )
        .reset_index()
    )
    minor = persons["age"] < 18
    persons["_dmds"] = (
        (persons["form"] == "domestic_sexual") & (persons["nationality"] == "NLD") & minor
    ).astype(int)
    persons["_sexual"] = persons["form"].isin(["domestic_sexual", "crossborder_sexual"]).astype(int)
    persons["_ds_reg"] = (
        (persons["form"] == "domestic_sexual") & (persons["registered_with_basis"] == 1)
    ).astype(int)
    persons["_ds_minor_reg"] = (persons["_ds_reg"].astype(bool) & minor).astype(int)
    totals = (
        persons.groupby("year", sort=True)
        .agg(
            true_victims=("person_id", "size"),
            detected=("detected", "sum"),
            registered_with_basis=("registered_with_basis", "sum"),
            detected_investigative=("detected_investigative", "sum"),
            detected_other=("detected_other", "sum"),
            consented_other=("consented_other", "sum"),
            sexual=("_sexual", "sum"),
            dutch_minor_domestic_sexual=("_dmds", "sum"),
            domestic_sexual_registered=("_ds_reg", "sum"),
            domestic_sexual_minor_registered=("_ds_minor_reg", "sum"),
        )
        .reset_index()
    )
    persons = persons.drop(columns=["_dmds", "_sexual", "_ds_reg", "_ds_minor_reg"])
    return persons, capture_table, population, totals


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_world(world: World, out: Path) -> list[Path]:
    """Write every file of ``world`` under ``out``; returns the paths written, in order."""
    out = Path(out)
    written: list[Path] = []

    def put(frame: pd.DataFrame, rel: str) -> None:
        _write_csv(frame, out / rel)
        written.append(out / rel)

    put(world.organisations, "reporters/organisations.csv")
    for org, frame in world.reporters.items():
        put(frame, f"reporters/{org}.csv")
    for code, frame in world.registers.items():
        put(frame, f"registers/{code}.csv")
    put(world.suspects, "suspects.csv")
    put(world.records, "truth/records.csv")
    put(world.persons, "truth/persons.csv")
    put(world.non_victims, "truth/non_victims.csv")
    put(world.captures, "truth/captures.csv")
    put(world.population, "truth/population.csv")
    put(world.totals, "truth/totals.csv")
    meta = {
        "generator": "zichtbaar.synth",
        "config": world.config.to_dict(),
        "summary": world.summary,
        "files": sorted(str(p.relative_to(out)) for p in written),
    }
    path = out / "truth" / "world.json"
    path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    written.append(path)
    return written
