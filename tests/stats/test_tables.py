from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from tests.stats.world import HELP, World, make_world
from zichtbaar.stats import DETAIL, REGISTRY
from zichtbaar.stats.followup import median_days_to_first_help
from zichtbaar.stats.minors import estimated_minors_domestic_sexual

Y0, Y1 = 2018, 2021


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, duckdb.DuckDBPyConnection]:
    db = tmp_path_factory.mktemp("w") / "run.duckdb"
    w = make_world(db)
    return w, duckdb.connect(str(db), read_only=True)


def _sql_counts(con: duckdb.DuckDBPyConnection, name: str) -> Counter[tuple[object, ...]]:
    d = (REGISTRY if name in REGISTRY.names() else DETAIL)[name]
    df = d.compute(con, Y0, Y1)
    return Counter({tuple(r[:-1]): int(r[-1]) for r in df.itertuples(index=False) if r[-1]})


@pytest.mark.parametrize(
    ("name", "attr"),
    [
        ("victims_by_year_form", "form"),
        ("victims_by_year_minor", "minor_adult"),
        ("victims_by_year_gender", "gender"),
        ("victims_by_year_nationality", "nationality_group"),
        ("victims_by_year_region", "region"),
    ],
)
def test_victim_tables_count_persons(
    world: tuple[World, duckdb.DuckDBPyConnection], name: str, attr: str
) -> None:
    w, con = world
    truth = Counter((p["year"], p[attr]) for p in w.persons)
    assert _sql_counts(con, name) == truth


def test_grid_includes_zero_cells(world: tuple[World, duckdb.DuckDBPyConnection]) -> None:
    _, con = world
    df = REGISTRY["victims_by_year_form"].compute(con, Y0, Y1)
    assert len(df) == 4 * 4  # every year × every form seen, zeros included


def test_reporter_type_of_first_registration(
    world: tuple[World, duckdb.DuckDBPyConnection],
) -> None:
    w, con = world
    regs = {r["registration_id"]: r for r in w.registrations}
    first: dict[object, dict[str, object]] = {}
    for link in w.links:
        r = regs[link["registration_id"]]
        cur = first.get(link["person_id"])
        if cur is None or r["registration_date"] < cur["registration_date"]:  # type: ignore[operator]
            first[link["person_id"]] = r
    years = {p["person_id"]: p["year"] for p in w.persons}
    truth = Counter((years[pid], r["reporter_type"]) for pid, r in first.items())
    assert _sql_counts(con, "victims_by_year_reporter_type") == truth


def test_minors_and_statistics_only(world: tuple[World, duckdb.DuckDBPyConnection]) -> None:
    w, con = world
    minors = Counter(
        (p["year"], "registered")
        for p in w.persons
        if p["form"] == "domestic_sexual" and p["minor_adult"] == "minor"
    )
    assert _sql_counts(con, "minors_domestic_sexual") == minors
    stats_only = Counter(
        (r["registration_date"].year, r["reporter_type"])  # type: ignore[attr-defined]
        for r in w.registrations
        if r["legal_basis"] == "none" and r["registration_date"].year <= Y1  # type: ignore[attr-defined]
    )
    assert _sql_counts(con, "statistics_only_by_year_reporter_type") == stats_only
    est = estimated_minors_domestic_sexual(
        con, Y0, Y1, lambda ch: {"estimate": 2.0 * len(ch), "lower": 1.0, "upper": 9.0}
    )
    assert list(est["registered"]) == [minors[(y, "registered")] for y in range(Y0, Y1 + 1)]
    assert list(est["estimate"].fillna(0)) == [2.0 * r for r in est["registered"]]


def test_police_reports_and_asylum(world: tuple[World, duckdb.DuckDBPyConnection]) -> None:
    w, con = world
    group = {p["person_id"]: p["nationality_group"] for p in w.persons}
    four = {"NL": "dutch", "EU_EEA": "other_eu", "AFRICA": "african"}
    reports = {
        (e["event_date"].year, e["person_id"])  # type: ignore[attr-defined]
        for e in w.events
        if e["event_type"] == "police_report"
    }
    truth = Counter((y, four.get(str(group[pid]), "other")) for y, pid in reports if Y0 <= y <= Y1)
    assert _sql_counts(con, "police_reports_by_year_nationality") == truth
    claims: dict[object, bool] = {}
    for e in w.events:
        if e["event_type"] == "asylum_application":
            claims[e["person_id"]] = claims.get(e["person_id"], False) or (
                e["dublin_status"] == "dublin_claim"
            )
    asylum = Counter(
        (
            p["year"],
            "no_asylum_application"
            if p["person_id"] not in claims
            else ("asylum_dublin_claim" if claims[p["person_id"]] else "asylum_no_dublin_claim"),
        )
        for p in w.persons
        if not p["statistics_only"]
    )
    assert _sql_counts(con, "asylum_dublin_by_year") == asylum


def _first_help(w: World, help_type: str) -> dict[object, object]:
    firsts = {p["person_id"]: p["first_date"] for p in w.persons}
    out: dict[object, object] = {}
    for e in w.events:
        pid = e["person_id"]
        if (
            e["event_type"] == help_type
            and e["event_date"] >= firsts[pid]  # type: ignore[operator]
            and (pid not in out or e["event_date"] < out[pid])  # type: ignore[operator]
        ):
            out[pid] = e["event_date"]
    return out


def _months_later(d: object, months: int) -> object:
    import datetime as dt

    assert isinstance(d, dt.date)
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    import calendar

    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


@pytest.mark.parametrize("help_type", HELP)
def test_followup_timing(world: tuple[World, duckdb.DuckDBPyConnection], help_type: str) -> None:
    w, con = world
    helped = _first_help(w, help_type)
    truth: Counter[tuple[object, ...]] = Counter()
    for p in w.persons:
        if p["statistics_only"]:
            continue
        h = helped.get(p["person_id"])
        cat = "later_or_none"
        if h is not None:
            for months, label in ((3, "m00_03"), (6, "m03_06"), (12, "m06_12")):
                if h <= _months_later(p["first_date"], months):  # type: ignore[operator]
                    cat = label
                    break
        truth[(p["year"], cat)] += 1
    assert _sql_counts(con, f"followup_{help_type}_by_year") == truth
    by_form = _sql_counts(con, "followup_by_year_form")
    collapsed: Counter[tuple[object, ...]] = Counter()
    for (year, h, _form, timing), c in by_form.items():
        if h == help_type:
            collapsed[(year, timing)] += c
    assert collapsed == truth


def test_median_days(world: tuple[World, duckdb.DuckDBPyConnection]) -> None:
    import statistics

    w, con = world
    helped = _first_help(w, "shelter")
    days = [
        (h - p["first_date"]).days  # type: ignore[operator]
        for p in w.persons
        if p["year"] == 2019 and not p["statistics_only"] and (h := helped.get(p["person_id"]))
    ]
    df = median_days_to_first_help(con, Y0, Y1)
    row = df[(df.year == 2019) & (df.help == "shelter") & (df.by == "all")].iloc[0]
    assert int(row["n"]) == len(days)
    assert float(row["median_days"]) == statistics.median(days)


def test_suspect_tables(world: tuple[World, duckdb.DuckDBPyConnection]) -> None:
    w, con = world
    for dim in ("form", "gender", "nationality_group", "prosecution_decision", "conviction"):
        truth = Counter((s["year"], s[dim]) for s in w.suspects)
        assert _sql_counts(con, f"suspects_by_year_{dim}") == truth

    def under23(age: object) -> str:
        return "unknown" if age is None else ("under_23" if age < 23 else "23_plus")  # type: ignore[operator]

    truth = Counter(
        (s["year"], under23(s["age"])) for s in w.suspects if s["form"] == "domestic_sexual"
    )
    assert _sql_counts(con, "suspects_by_year_under23_domestic_sexual") == truth


def test_a_run_without_suspect_fields_gives_empty_tables(tmp_path: Path) -> None:
    make_world(tmp_path / "r.duckdb", n=30, with_suspects=False)
    con = duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True)
    assert REGISTRY["suspects_by_year_gender"].compute(con, Y0, Y1).empty
    assert not REGISTRY["victims_by_year_form"].compute(con, Y0, Y1).empty


def test_nationality_hierarchy_detail(world: tuple[World, duckdb.DuckDBPyConnection]) -> None:
    w, con = world
    df = DETAIL["victims_by_year_nationality_detail"].compute(con, Y0, Y1)
    # a nationality appears only under its own group
    assert df.groupby("nationality")["nationality_group"].nunique().max() == 1
    assert int(df["count"].sum()) == len(w.persons)
