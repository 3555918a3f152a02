"""Monitor tables + disclosure control: all tables of a run, and a 10 × 12 × 8 table's suppression.

The run is a DuckDB file shaped like a linkage run (persons, registrations, person events,
suspects) generated here, at about the default synthetic world's size (20,000 registered persons
over ten years) and 10× that, so the benchmark measures stats + disclosure alone, not the linkage.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from harness import Measurement, measure, write_results
from zichtbaar.disclosure.audit import audit
from zichtbaar.disclosure.release import make_release
from zichtbaar.disclosure.rules import Rules, protection
from zichtbaar.disclosure.secondary import suppress
from zichtbaar.disclosure.structure import LinearTable, build_tables

FORMS = ["domestic_sexual", "crossborder_sexual", "labour", "criminal", "other_unknown"]
HELP = ["shelter", "residence_permit", "youth_care_start", "child_protection_measure"]


def make_run(path: Path, n: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    first = pd.Timestamp("2014-01-01") + pd.to_timedelta(rng.integers(0, 3650, n), unit="D")

    def pick(xs: list[str], p: list[float] | None = None) -> np.ndarray:
        return np.array(xs)[rng.choice(len(xs), n, p=p)]

    persons = pd.DataFrame(
        {
            "person_id": [f"P{i:07d}" for i in range(n)],
            "first_date": first.date,
            "year": first.year.astype(int),
            "form": pick(FORMS, [0.4, 0.2, 0.25, 0.1, 0.05]),
            "minor_adult": pick(["minor", "adult", "unknown"], [0.15, 0.8, 0.05]),
            "gender": pick(["female", "male", "other", "unknown"], [0.6, 0.37, 0.01, 0.02]),
            "nationality_group": pick(
                [
                    "NL",
                    "EU_EEA",
                    "EUROPE_OTHER",
                    "AFRICA",
                    "ASIA",
                    "AMERICAS",
                    "OCEANIA",
                    "STATELESS_UNKNOWN",
                ],
                [0.4, 0.2, 0.05, 0.2, 0.08, 0.04, 0.005, 0.025],
            ),
            "region": pick([f"r{i}" for i in range(11)]),
            "statistics_only": rng.random(n) < 0.15,
        }
    )
    regs = pd.DataFrame(
        {
            "registration_id": [f"R{i:07d}" for i in range(n)],
            "reporter_type": pick(["police", "kmar", "shelter_care", "youth_care", "ngo", "other"]),
            "registration_date": persons["first_date"],
            "nationality": pick([f"N{i:02d}" for i in range(40)]),
            "legal_basis": np.where(persons["statistics_only"], "none", "explicit_consent"),
        }
    )
    links = pd.DataFrame(
        {"registration_id": regs["registration_id"], "person_id": persons["person_id"]}
    )
    m = n // 2
    who = rng.integers(0, n, m)
    events = pd.DataFrame(
        {
            "person_id": persons["person_id"].to_numpy()[who],
            "event_id": [f"E{i:07d}" for i in range(m)],
            "event_type": pick([*HELP, "police_report", "asylum_application"])[:m],
            "event_date": (
                pd.to_datetime(persons["first_date"].to_numpy()[who])
                + pd.to_timedelta(rng.integers(0, 500, m), unit="D")
            ).date,
            "dublin_status": pick(["dublin_claim", "no_dublin", "not_applicable"])[:m],
        }
    )
    k = n // 5
    suspects = pd.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(k)],
            "year": rng.integers(2014, 2024, k),
            "form": np.array(FORMS)[rng.integers(0, 5, k)],
            "age": rng.integers(15, 60, k),
            "gender": np.array(["male", "female"])[rng.integers(0, 2, k)],
            "nationality_group": np.array(["NL", "AFRICA", "EU_EEA"])[rng.integers(0, 3, k)],
            "prosecution_decision": np.array(["summons", "pending"])[rng.integers(0, 2, k)],
            "conviction": np.array(["convicted", "none"])[rng.integers(0, 2, k)],
        }
    )
    con = duckdb.connect(str(path))
    for name, frame in (
        ("persons", persons),
        ("registrations", regs),
        ("registration_person", links),
        ("person_events", events),
        ("suspects", suspects),
    ):
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        con.unregister("frame")
    con.close()


def table_10_12_8(seed: int = 1) -> LinearTable:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(12, (10, 12, 8))
    rows = [
        {"a": f"a{i}", "b": f"b{j}", "c": f"c{k}", "count": int(counts[i, j, k])}
        for i, j, k in itertools.product(range(10), range(12), range(8))
    ]
    (t,) = build_tables(pd.DataFrame(rows), ["a", "b", "c"], strata=())
    return t


def main() -> None:
    out: list[Measurement] = []
    extra: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, n in (("default", 20_000), ("10x", 200_000)):
            db = Path(tmp) / f"{label}.duckdb"
            make_run(db, n)
            con = duckdb.connect(str(db), read_only=True)
            counter = iter(range(100))

            def release(
                con: duckdb.DuckDBPyConnection = con,
                label: str = label,
                counter: Iterator[int] = counter,
            ) -> None:
                make_release(
                    con, "bench", f"{label}-{next(counter)}", Path(tmp) / "rel", 2014, 2023
                )

            out.append(
                measure(
                    f"all monitor tables + suppression + audit, {label} ({n:,} persons)",
                    release,
                    repeats=2,
                )
            )
    t = table_10_12_8()
    prot = protection(t, Rules(10))
    for limit in (30.0, 120.0):
        t0 = time.perf_counter()
        mask = suppress(t, prot, time_limit=limit)
        secs = time.perf_counter() - t0
        t1 = time.perf_counter()
        audit(t, mask, prot)
        audit_s = time.perf_counter() - t1
        out.append(Measurement(f"secondary suppression 10x12x8, time limit {limit:g} s", [secs]))
        out.append(Measurement(f"LP audit 10x12x8 (after limit {limit:g} s)", [audit_s]))
        extra[f"10x12x8_limit_{limit:g}"] = {
            "sensitive": int(prot.sensitive.sum()),
            "suppressed": int(mask.sum()),
            "suppressed_value": int(t.values[mask].sum()),
            "items": t.n_items,
        }
    write_results("disclosure", out, **extra)


if __name__ == "__main__":
    main()
