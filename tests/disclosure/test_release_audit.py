"""The LP audit over every table of a full release: the demo's, on a small synthetic world.

The audit here is re-run from the outside: true counts recomputed from the run, the suppression
pattern read back from the published files. No suppressed cell may be narrowed by an attacker
below its protection range, and no sensitive cell may be published.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from tests.stats.world import make_world
from zichtbaar.config import settings_from_env
from zichtbaar.disclosure.release import load_release, make_release
from zichtbaar.disclosure.release_audit import audit_published
from zichtbaar.disclosure.structure import TOTAL
from zichtbaar.link.run import open_run
from zichtbaar.pipeline import run_demo
from zichtbaar.stats import DETAIL, REGISTRY
from zichtbaar.stats.registry import TableRegistry


def test_no_cell_of_the_demo_release_can_be_narrowed_below_its_range(tmp_path: Path) -> None:
    settings = settings_from_env({"ZICHTBAAR_HOME": str(tmp_path / "home")})
    result = run_demo(settings, seed=5, scale=0.05)
    release = load_release(settings.releases_dir, result.release.name)
    con = open_run(settings.runs_dir, release.run_id)
    try:
        audits = audit_published(con, release, REGISTRY)
    finally:
        con.close()
    assert {a.table for a in audits} == set(REGISTRY.names())  # every table
    assert sum(a.checked for a in audits) > 0  # small cells exist, so the audit had work
    assert [a.table for a in audits if not a.passed] == []
    assert min(a.slack for a in audits) >= -1e-6


def test_every_detail_table_passes_too(tmp_path: Path) -> None:
    """The release with ``--detail``: all 24 tables, hierarchies and two-way strata included."""
    everything = TableRegistry()
    for d in [*REGISTRY, *DETAIL]:
        everything.add(d)
    make_world(tmp_path / "run.duckdb", n=300)
    con = duckdb.connect(str(tmp_path / "run.duckdb"), read_only=True)
    make_release(con, "r1", "detail", tmp_path / "rel", 2018, 2021, registry=everything)
    audits = audit_published(con, load_release(tmp_path / "rel", "detail"), everything)
    assert len(audits) == len(everything) == 24
    assert [a.table for a in audits if not a.passed] == []
    assert sum(a.checked for a in audits) > 0


def test_the_audit_catches_a_tampered_release(tmp_path: Path) -> None:
    """Publish one suppressed cell's true value in a stored release: the audit must fail."""
    make_world(tmp_path / "run.duckdb", n=300)
    con = duckdb.connect(str(tmp_path / "run.duckdb"), read_only=True)
    make_release(con, "r1", "one", tmp_path / "rel", 2018, 2021)
    before = audit_published(con, load_release(tmp_path / "rel", "one"), REGISTRY)
    assert all(a.passed for a in before)
    rel = load_release(tmp_path / "rel", "one")
    name, data = next(
        (n, t.data)
        for n, t in rel.tables.items()
        if t.data["suppressed"].any() and len(t.dims) == 2
    )
    dim = rel.tables[name].dims[1]
    raw = REGISTRY[name].compute(con, 2018, 2021)
    # the smallest suppressed interior cell: a primary one
    hidden = data[data["suppressed"] & (data[dim] != TOTAL)].merge(raw, on=["year", dim])
    row = hidden.iloc[int(hidden["count"].to_numpy().argmin())]
    at = (data["year"] == row["year"]) & (data[dim] == row[dim])
    data.loc[at, "value"], data.loc[at, "suppressed"] = int(row["count"]), False
    data.to_csv(tmp_path / "rel" / "one" / "tables" / f"{name}.csv", index=False)
    after = {
        a.table: a for a in audit_published(con, load_release(tmp_path / "rel", "one"), REGISTRY)
    }
    assert not after[name].passed
    assert after[name].exposed + after[name].narrowed >= 1
