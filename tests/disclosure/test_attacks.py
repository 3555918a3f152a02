"""The attack suite of issue 25: "suppressed means non-zero", the joint MILP, withdrawals.

Published numbers only, no code of the release's own solver: each attack must succeed against the
rule or design it was aimed at (so the test can fail) and find nothing against the current one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.stats.world import make_world
from zichtbaar.config import settings_from_env
from zichtbaar.disclosure.attacks import (
    ATTRIBUTES,
    SAME_POPULATION,
    baseline_guess,
    joint_milp_attack,
    nonzero_inference,
    withdrawal_guess,
)
from zichtbaar.disclosure.release import Release, load_release, make_release
from zichtbaar.disclosure.release_audit import audit_published
from zichtbaar.link.run import open_run
from zichtbaar.pipeline import run_demo
from zichtbaar.stats import REGISTRY

MIN_CELL = 10


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Release, duckdb.DuckDBPyConnection]:
    home = tmp_path_factory.mktemp("demo") / "home"
    settings = settings_from_env({"ZICHTBAAR_HOME": str(home)})
    result = run_demo(settings, seed=5, scale=0.05)
    release = load_release(settings.releases_dir, result.release.name)
    return release, open_run(settings.runs_dir, release.run_id)


def test_suppressed_means_nonzero_removes_no_zero_lower_bound(
    demo: tuple[Release, duckdb.DuckDBPyConnection],
) -> None:
    release, con = demo
    now = nonzero_inference(release, con, REGISTRY)
    assert now.checked > 0 and now.zeros_published == 0 and now.lifted == 0
    assert now.zeros_suppressed > 0  # "suppressed means >= 1" is false on this release
    # against the rule before issue 25 the same attack removes the lower bound of every one
    old = nonzero_inference(release, con, REGISTRY, old_pattern=True)
    assert old.zeros_published > 0 and old.lifted == old.checked > 0


def test_the_rule_aware_audit_passes_every_table(
    demo: tuple[Release, duckdb.DuckDBPyConnection],
) -> None:
    release, con = demo
    audits = audit_published(con, release, REGISTRY)
    assert len(audits) == len(REGISTRY) and all(a.passed for a in audits)


def test_the_joint_milp_over_the_person_tables_narrows_no_small_cell(
    demo: tuple[Release, duckdb.DuckDBPyConnection],
) -> None:
    release, con = demo
    totals = {
        n: REGISTRY[n]
        .compute(con, release.year_from, release.year_to)
        .groupby("year")["count"]
        .sum()
        .to_dict()
        for n in SAME_POPULATION
    }
    assert len({tuple(sorted(t.items())) for t in totals.values()}) == 1  # same population
    checked, narrowed = joint_milp_attack(release, con, REGISTRY)
    assert checked > 0 and narrowed == 0


def _withdraw(src: Path, dst: Path, person: str) -> duckdb.DuckDBPyConnection:
    shutil.copy(src, dst)
    con = duckdb.connect(str(dst))
    con.execute("DELETE FROM persons WHERE person_id = ?", [person])
    con.close()
    return duckdb.connect(str(dst), read_only=True)


def test_a_withdrawal_pattern_names_the_person_unless_the_stratum_is_held(tmp_path: Path) -> None:
    world = make_world(tmp_path / "run.duckdb", n=300)
    full = duckdb.connect(str(tmp_path / "run.duckdb"), read_only=True)
    tables = list(SAME_POPULATION)
    make_release(full, "full", "r1", tmp_path / "base", 2018, 2021, table_names=tables)
    r1 = load_release(tmp_path / "base", "r1")
    full.close()
    hits = {"revise": 0, "hold": 0}
    baseline_hits = 0
    for k, person in enumerate(world.persons[:6]):
        truth = {a: str(person[a]) for a in ATTRIBUTES}
        base = baseline_guess(r1)
        baseline_hits += sum(base[a] == truth[a] for a in ATTRIBUTES)
        con = _withdraw(
            tmp_path / "run.duckdb", tmp_path / f"w{k}.duckdb", str(person["person_id"])
        )
        for design, batch in (("revise", 1), ("hold", None)):
            rel = tmp_path / f"{design}{k}"
            shutil.copytree(tmp_path / "base", rel)
            make_release(
                con, f"w{k}", "r2", rel, 2018, 2021, table_names=tables, revision_batch=batch
            )
            r2 = load_release(rel, "r2")
            guess = withdrawal_guess(r1, r2)
            hits[design] += sum(guess[a] == truth[a] for a in ATTRIBUTES)
            if design == "hold":
                # the person's year is republished as it was: the attacker learns nothing
                assert guess == base
                assert r2.rules["differencing"]["as_published"]
                for name in tables:
                    assert r2.tables[name].data.equals(r1.tables[name].data)
                # the median days to first help and their group sizes too
                assert r2.extra["followup_median_days"] == r1.extra["followup_median_days"]
        con.close()
    assert hits["hold"] == baseline_hits
    assert hits["revise"] > baseline_hits + 6  # the pattern names the person's attributes


def test_a_category_only_the_withdrawn_person_had_does_not_vanish(tmp_path: Path) -> None:
    """The only person of a region withdraws: the region stays in every year, as published."""
    make_world(tmp_path / "run.duckdb", n=300)
    con = duckdb.connect(str(tmp_path / "run.duckdb"))
    con.execute("UPDATE persons SET region = 'utrecht' WHERE person_id = 'P00000'")
    con.close()
    full = duckdb.connect(str(tmp_path / "run.duckdb"), read_only=True)
    table = ATTRIBUTES["region"]
    make_release(full, "full", "r1", tmp_path / "rel", 2018, 2021, table_names=[table])
    full.close()
    con = _withdraw(tmp_path / "run.duckdb", tmp_path / "w.duckdb", "P00000")
    make_release(con, "w", "r2", tmp_path / "rel", 2018, 2021, table_names=[table])
    r1, r2 = load_release(tmp_path / "rel", "r1"), load_release(tmp_path / "rel", "r2")
    assert "utrecht" in set(r2.table(table).data["region"])
    pd.testing.assert_frame_equal(r1.table(table).data, r2.table(table).data)
    assert withdrawal_guess(r1, r2) == baseline_guess(r1)
