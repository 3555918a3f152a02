"""Differencing attacks across releases: they succeed on unprotected pairs and fail after protection."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.stats.world import make_world
from zichtbaar.disclosure.budget import PrivacyLedger
from zichtbaar.disclosure.differencing import (
    DifferencingError,
    Published,
    differencing_attack,
    suppress_across_releases,
)
from zichtbaar.disclosure.release import Release, ReleasedTable, load_release, make_release
from zichtbaar.disclosure.release_audit import audit_published
from zichtbaar.disclosure.rules import Rules
from zichtbaar.disclosure.structure import TOTAL
from zichtbaar.errors import ReleaseError
from zichtbaar.stats import REGISTRY
from zichtbaar.stats.registry import TableRegistry

TABLE = "victims_by_year_form"
LATE = 3  # late registrations of one year and form: a small group
REGISTRY_ONE = TableRegistry()
REGISTRY_ONE.add(REGISTRY[TABLE])


@pytest.fixture()
def runs(tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]:
    """Run A (before three late 2020 labour registrations) and run B (with them)."""
    make_world(tmp_path / "b.duckdb", n=300)
    shutil.copy(tmp_path / "b.duckdb", tmp_path / "a.duckdb")
    con = duckdb.connect(str(tmp_path / "a.duckdb"))
    con.execute(
        "DELETE FROM persons WHERE person_id IN (SELECT person_id FROM persons "
        f"WHERE year = 2020 AND form = 'labour' ORDER BY person_id LIMIT {LATE})"
    )
    con.close()
    return (
        duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True),
        duckdb.connect(str(tmp_path / "b.duckdb"), read_only=True),
    )


def _pair(
    runs: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection],
    rel_dir: Path,
    mode: str,
    batch: int | None = 1,
) -> tuple[Release, Release]:
    """Release 2 revises at once (``batch`` 1) unless told otherwise: the per-cell defence."""
    a, b = runs
    first = make_release(a, "runA", "r2020", rel_dir, 2018, 2020, table_names=[TABLE])
    second = make_release(
        b,
        "runB",
        "r2021",
        rel_dir,
        2018,
        2021,
        table_names=[TABLE],
        differencing=mode,
        revision_batch=batch,
    )
    return load_release(rel_dir, first.name), load_release(rel_dir, second.name)


def test_overlapping_years_leak_late_registrations_without_protection(
    runs: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection], tmp_path: Path
) -> None:
    first, second = _pair(runs, tmp_path / "rel", "off")
    findings = differencing_attack(first, second)
    hit = {(f.item, f.kind, f.low) for f in findings}
    # The labour cell and the year's total both differ by exactly the three late persons.
    assert ("year=2020, form=labour", "difference", LATE) in hit
    assert (f"year=2020, form={TOTAL}", "difference", LATE) in hit
    assert all(f.table == TABLE and f.earlier == "r2020" for f in findings)


def test_protection_defeats_the_attack(
    runs: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection], tmp_path: Path
) -> None:
    first, second = _pair(runs, tmp_path / "rel", "protect")
    assert differencing_attack(first, second) == []
    data = second.table(TABLE).data
    cell = data[(data.year == 2020) & (data.form == "labour")]
    assert cell["suppressed"].item()  # the changed cell is hidden, and the years before are not
    assert not data[data.year == 2018]["suppressed"].any()
    assert second.rules["differencing"] == {
        "mode": "protect",
        "checked_against": ["r2020"],
        "revision_batch": 1,
        "as_published": [
            {"table": TABLE, "year": 2018, "from": "r2020"},
            {"table": TABLE, "year": 2019, "from": "r2020"},
        ],
    }


def test_by_default_a_year_with_few_changes_is_held_as_published(
    runs: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection], tmp_path: Path
) -> None:
    """Three late persons < min_cell: 2020 is republished as release 1 had it (issue 25)."""
    first, second = _pair(runs, tmp_path / "rel", "protect", batch=None)
    assert differencing_attack(first, second) == []
    listed = second.rules["differencing"]["as_published"]
    assert [h["year"] for h in listed] == [2018, 2019, 2020]  # held and unchanged alike
    a, b = first.table(TABLE).data, second.table(TABLE).data
    pd.testing.assert_frame_equal(
        a[a.year <= 2020].reset_index(drop=True), b[b.year <= 2020].reset_index(drop=True)
    )
    assert (b.year == 2021).any()  # the new year is published
    con = runs[1]
    (audit,) = audit_published(con, second, REGISTRY_ONE)
    assert audit.passed and audit.items > 0  # the held year is skipped, the rest audited


def test_refusal_names_the_table_and_the_earlier_release(
    runs: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection], tmp_path: Path
) -> None:
    with pytest.raises(DifferencingError, match=f"'{TABLE}'.*'r2020'") as err:
        _pair(runs, tmp_path / "rel", "refuse")
    assert str(LATE) not in str(err.value).replace("r2020", "").replace("2021", "")
    assert not (tmp_path / "rel" / "r2021").exists()  # nothing partial was published


def test_unknown_mode_is_refused(
    runs: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection], tmp_path: Path
) -> None:
    with pytest.raises(ReleaseError, match="differencing mode"):
        make_release(runs[0], "runA", "x", tmp_path, 2018, 2020, differencing="maybe")


def test_a_rerelease_of_the_same_run_and_years_is_unchanged(
    runs: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection], tmp_path: Path
) -> None:
    a = runs[0]
    first = make_release(a, "runA", "one", tmp_path, 2018, 2021)
    second = make_release(a, "runA", "two", tmp_path, 2018, 2021, differencing="refuse")
    for name, table in first.tables.items():
        pd.testing.assert_frame_equal(table.data, second.tables[name].data)
        assert differencing_attack(load_release(tmp_path, "one"), second) == []


# --- the same population published twice with different patterns (hand-made, exact numbers)


def _cells() -> pd.DataFrame:
    return pd.DataFrame({"year": [2020] * 4, "x": list("abcd"), "count": [3, 12, 50, 20]})


def _published(suppressed: set[str]) -> pd.DataFrame:
    values = {"a": 3, "b": 12, "c": 50, "d": 20, TOTAL: 85}
    rows = [
        {
            "year": 2020,
            "x": k,
            "value": None if k in suppressed else v,
            "suppressed": k in suppressed,
        }
        for k, v in values.items()
    ]
    out = pd.DataFrame(rows)
    out["value"] = out["value"].astype("Int64")
    return out


def _release(name: str, data: pd.DataFrame, run: str = "r1") -> Release:
    table = ReleasedTable("t", "t", "t", ("year", "x"), "persons", data)
    rules = {"method": "suppression", "min_cell": 10}
    return Release(name, run, "2026-01-01", 2020, 2020, rules, {"t": table})


def test_two_patterns_that_each_pass_reveal_a_cell_together() -> None:
    one, two = _release("one", _published({"a", "b"})), _release("two", _published({"a", "c"}))
    assert differencing_attack(one, one) == []  # each alone protects the small cell
    assert differencing_attack(two, two) == []
    (finding,) = differencing_attack(one, two)
    assert (finding.item, finding.kind, finding.low, finding.high) == (
        "year=2020, x=a",
        "combined",
        3,
        3,
    )
    # different runs: no common population, so no union of constraints
    assert differencing_attack(one, _release("other", _published({"a", "c"}), run="r2")) == []


def _candidate(mode: str, earlier: pd.DataFrame, rules: Rules | None = None) -> pd.DataFrame:
    out = suppress_across_releases(
        "t",
        _cells(),
        ["year", "x"],
        "r1",
        [Published("one", "r1", earlier)],
        rules=rules,
        mode=mode,
    )
    return out


def test_a_rerelease_adopts_the_published_pattern() -> None:
    earlier = _published({"a", "c"})  # not the pattern the solver would choose (b is cheaper)
    unprotected = _candidate("off", earlier)
    assert differencing_attack(_release("one", earlier), _release("two", unprotected))
    protected = _candidate("protect", earlier)
    assert set(protected.loc[protected["suppressed"], "x"]) == {"a", "c"}
    assert differencing_attack(_release("one", earlier), _release("two", protected)) == []
    with pytest.raises(DifferencingError, match=r"'t'.*'one'"):
        _candidate("refuse", earlier)


def test_a_cell_published_earlier_under_a_laxer_rule_is_refused() -> None:
    earlier = _published(set())  # published with min_cell 3: the 3 is out
    with pytest.raises(DifferencingError, match=r"'t'.*'one'.*refused"):
        _candidate("protect", earlier)


def _one_table(name: str, run: str, dims: list[str], data: pd.DataFrame) -> Release:
    table = ReleasedTable("t", "t", "t", tuple(dims), "persons", data)
    return Release(name, run, "-", 2020, 2020, {"method": "suppression"}, {"t": table})


def test_random_nested_updates_never_leak_after_protection() -> None:
    """Simulation: a later run adds a few persons to random cells of a 2-way table."""
    dims = ["year", "x", "y"]
    protected = leaked = 0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        base = pd.DataFrame(
            [
                {"year": 2020, "x": i, "y": j, "count": int(rng.integers(0, 40))}
                for i in "abcd"
                for j in "pqr"
            ]
        )
        later = base.copy()
        later["count"] += rng.integers(0, 3, len(later)) * (rng.random(len(later)) < 0.3)
        first = suppress_across_releases("t", base, dims, "A", [])
        pub = [Published("one", "A", first)]
        one = _one_table("one", "A", dims, first)
        off = suppress_across_releases("t", later, dims, "B", pub, mode="off")
        leaked += bool(differencing_attack(one, _one_table("two", "B", dims, off)))
        try:
            second = suppress_across_releases("t", later, dims, "B", pub, mode="protect")
        except DifferencingError:
            continue  # refused: nothing published, nothing leaked
        protected += 1
        assert differencing_attack(one, _one_table("two", "B", dims, second)) == []
    assert leaked == 6 and protected == 6  # the attack works, and protection holds


def test_dp_releases_are_exempt_but_the_ledger_counts_both(
    runs: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection], tmp_path: Path
) -> None:
    b = runs[1]
    kw = {"method": "dp", "privacy_budget": 1.0, "table_names": [TABLE]}
    one = make_release(b, "runB", "dp2020", tmp_path, 2018, 2020, epsilon=0.4, **kw)  # type: ignore[arg-type]
    two = make_release(b, "runB", "dp2021", tmp_path, 2018, 2021, epsilon=0.5, **kw)  # type: ignore[arg-type]
    assert differencing_attack(one, two) == []
    ledger = PrivacyLedger.beside(tmp_path)
    assert ledger.spent("runB") == pytest.approx(0.9)
    assert two.rules["budget_left"] == pytest.approx(0.1)
    # a suppression release after DP ones is not checked against the noisy tables
    sup = make_release(b, "runB", "sup", tmp_path, 2018, 2021, table_names=[TABLE])
    assert sup.rules["differencing"]["checked_against"] == []


def test_cli_refuses_or_protects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from zichtbaar.cli import app
    from zichtbaar.config import get_settings

    for run in ("before", "after"):
        (tmp_path / "runs" / run).mkdir(parents=True)
        make_world(tmp_path / "runs" / run / "run.duckdb", n=300)
        (tmp_path / "runs" / run / "run.json").write_text("{}")
    con = duckdb.connect(str(tmp_path / "runs" / "before" / "run.duckdb"))
    con.execute(
        "DELETE FROM persons WHERE person_id IN (SELECT person_id FROM persons "
        "WHERE year = 2020 ORDER BY person_id LIMIT 2)"
    )
    con.close()
    monkeypatch.setenv("ZICHTBAAR_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        one = ["release", "one", "--from", "2018", "--to", "2020", "--run", "before"]
        assert runner.invoke(app, one).exit_code == 0
        two = ["release", "two", "--from", "2018", "--to", "2021", "--run", "after"]
        res = runner.invoke(app, [*two, "--differencing", "refuse"])
        assert res.exit_code == 1 and "release 'one'" in res.output, res.output
        assert not (tmp_path / "releases" / "two").exists()
        res = runner.invoke(app, [*two, "--differencing", "protect"])
        assert res.exit_code == 0, res.output
        found = differencing_attack(
            load_release(tmp_path / "releases", "one"), load_release(tmp_path / "releases", "two")
        )
        assert found == []
    finally:
        get_settings.cache_clear()
