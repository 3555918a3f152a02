"""A small linked world written straight into DuckDB, with the same facts kept as plain Python.

The tables are computed by SQL in zichtbaar.stats and by plain loops over these lists here, so a
test compares two independent computations.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

FORMS = ("domestic_sexual", "crossborder_sexual", "labour", "criminal")
RTYPES = ("police", "shelter_care", "youth_care", "ngo")
NATS = (("NLD", "NL"), ("POL", "EU_EEA"), ("NGA", "AFRICA"), ("CHN", "ASIA"))
HELP = ("shelter", "residence_permit", "youth_care_start", "child_protection_measure")


@dataclass
class World:
    persons: list[dict[str, object]] = field(default_factory=list)
    registrations: list[dict[str, object]] = field(default_factory=list)
    links: list[dict[str, object]] = field(default_factory=list)
    events: list[dict[str, object]] = field(default_factory=list)
    suspects: list[dict[str, object]] = field(default_factory=list)


def make_world(path: Path, n: int = 400, seed: int = 0, with_suspects: bool = True) -> World:
    rnd = random.Random(seed)
    w = World()
    for i in range(n):
        pid = f"P{i:05d}"
        first = dt.date(rnd.randint(2018, 2021), rnd.randint(1, 12), rnd.randint(1, 28))
        nat, group = rnd.choice(NATS)
        age = rnd.choice(["12-17", "18-22", "30-39", "unknown"])
        stats_only = rnd.random() < 0.2
        person = {
            "person_id": pid,
            "first_date": first,
            "year": first.year,
            "form": rnd.choice(FORMS),
            "age_group": age,
            "minor_adult": "minor"
            if age == "12-17"
            else ("unknown" if age == "unknown" else "adult"),
            "gender": rnd.choice(["female", "male"]),
            "nationality_group": group,
            "region": rnd.choice(["amsterdam", "rotterdam", "limburg"]),
            "n_registrations": 0,
            "n_orgs": 0,
            "statistics_only": stats_only,
        }
        w.persons.append(person)
        for k in range(rnd.randint(1, 3)):
            rid = f"R{len(w.registrations):06d}"
            w.registrations.append(
                {
                    "registration_id": rid,
                    "org": f"org-{k}",
                    "reporter_type": rnd.choice(RTYPES),
                    "registration_date": first + dt.timedelta(days=30 * k),
                    "nationality": nat,
                    "legal_basis": "none" if stats_only else "explicit_consent",
                }
            )
            w.links.append({"registration_id": rid, "person_id": pid})
        if not stats_only:
            for _ in range(rnd.randint(0, 3)):
                etype = rnd.choice([*HELP, "police_report", "asylum_application"])
                w.events.append(
                    {
                        "person_id": pid,
                        "event_id": f"E{len(w.events):06d}",
                        "register_org": "reg",
                        "event_type": etype,
                        "event_date": first + dt.timedelta(days=rnd.randint(-20, 500)),
                        "dublin_status": rnd.choice(["dublin_claim", "no_dublin"])
                        if etype == "asylum_application"
                        else "not_applicable",
                    }
                )
    for i in range(150 if with_suspects else 0):
        w.suspects.append(
            {
                "case_id": f"C{i}",
                "year": rnd.randint(2018, 2021),
                "form": rnd.choice(FORMS),
                "age": rnd.choice([None, 17, 20, 25, 40]),
                "gender": rnd.choice(["male", "female"]),
                "nationality_group": rnd.choice(["NL", "AFRICA"]),
                "prosecution_decision": rnd.choice(["summons", "pending"]),
                "conviction": rnd.choice(["convicted", "none"]),
            }
        )
    con = duckdb.connect(str(path))
    for name, rows in (
        ("persons", w.persons),
        ("registrations", w.registrations),
        ("registration_person", w.links),
        ("person_events", w.events),
    ):
        frame = pd.DataFrame(rows)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
    if with_suspects:
        frame = pd.DataFrame(w.suspects)  # noqa: F841
        con.execute("CREATE TABLE suspects AS SELECT * FROM frame")
    else:
        con.execute("CREATE TABLE suspects (case_id VARCHAR, year INTEGER, form VARCHAR)")
    ch = pd.DataFrame(  # noqa: F841
        [{k: p[k] for k in ("person_id", "year", "form", "minor_adult")} for p in w.persons]
    )
    con.execute("CREATE TABLE capture_histories AS SELECT * FROM ch")
    con.close()
    return w
