from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.stats.world import make_world
from zichtbaar.cli import app
from zichtbaar.config import get_settings


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    run = tmp_path / "runs" / "r1"
    run.mkdir(parents=True)
    make_world(run / "run.duckdb", n=200)
    (run / "run.json").write_text("{}")
    monkeypatch.setenv("ZICHTBAAR_HOME", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "250")  # rich wraps table cells to the terminal
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_tables_lists_the_registry(home: Path) -> None:
    res = CliRunner().invoke(app, ["tables"])
    assert res.exit_code == 0, res.output
    assert "victims_by_year_form" in res.output and "(detail)" in res.output


def test_release_commands(home: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["release", "rel1", "--from", "2018", "--to", "2021"])
    assert res.exit_code == 0, res.output
    meta = json.loads((home / "releases" / "rel1" / "release.json").read_text())
    assert meta["rules"]["method"] == "suppression" and meta["run_id"] == "r1"
    res = runner.invoke(
        app, ["release", "rel2", "--from", "2018", "--to", "2021", "--method", "rounding"]
    )
    assert res.exit_code == 0, res.output
    dp = ["--from", "2018", "--to", "2021", "--method", "dp", "--epsilon", "1", "--budget", "1"]
    assert runner.invoke(app, ["release", "rel3", *dp]).exit_code == 0
    res = runner.invoke(app, ["release", "rel4", *dp])
    assert res.exit_code == 1 and "budget" in res.output
    assert not (home / "releases" / "rel4").exists()


def test_release_prints_an_audit_anchor_that_detects_a_deleted_tail(home: Path) -> None:
    """The anchor published with a release pins the audit log: deleting its entry shows."""
    from sqlalchemy import text

    from zichtbaar.store import open_store

    runner = CliRunner()
    res = runner.invoke(app, ["release", "rel1", "--from", "2018", "--to", "2021"])
    assert res.exit_code == 0, res.output
    anchor = res.output.split("audit anchor (publish it with the release): ")[1].split()[0]
    ok = runner.invoke(app, ["admin", "verify-audit", "--anchor", anchor])
    assert ok.exit_code == 0, ok.output
    store = open_store(settings=get_settings())
    try:
        with store.engine.begin() as conn:  # the curious hub removes the newest entry
            conn.execute(text("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)"))
    finally:
        store.close()
    assert runner.invoke(app, ["admin", "verify-audit"]).exit_code == 0  # the chain alone: silent
    tampered = runner.invoke(app, ["admin", "verify-audit", "--anchor", anchor])
    assert tampered.exit_code == 1, tampered.output


def test_a_release_carries_its_anchor_and_verify_audit_release_catches_a_rewritten_tail(
    home: Path,
) -> None:
    """Every release and its reports carry ``HASH:COUNT``; ``verify-audit --release NAME`` checks
    the log against it, with no anchor kept anywhere else: a deleted tail, a whole log deleted, a
    tail rewritten with every hash recomputed are all caught."""
    from sqlalchemy import text

    from zichtbaar.disclosure.release import load_release
    from zichtbaar.report.render import render_html
    from zichtbaar.store import open_store
    from zichtbaar.store.audit import entry_hash

    runner = CliRunner()
    res = runner.invoke(app, ["release", "rel1", "--from", "2018", "--to", "2021"])
    assert res.exit_code == 0, res.output
    anchor = res.output.split("audit anchor (publish it with the release): ")[1].split()[0]
    releases = get_settings().releases_dir
    assert (releases / "rel1" / "audit-anchor.txt").read_text().strip() == anchor
    assert f"audit {anchor}" in render_html(load_release(releases, "rel1"), "en")
    ok = runner.invoke(app, ["admin", "verify-audit", "--release", "rel1"])
    assert ok.exit_code == 0 and "intact" in ok.output, ok.output

    store = open_store(settings=get_settings())
    try:
        with store.engine.begin() as conn:  # rewrite the newest entry and recompute its hash
            seq, prev, at, actor, ref = conn.execute(
                text(
                    "SELECT seq, prev_hash, at, actor, object_ref FROM audit_log"
                    " ORDER BY seq DESC LIMIT 1"
                )
            ).one()
            digest = entry_hash(prev, seq, at, actor, "nothing_happened", ref)
            conn.execute(
                text("UPDATE audit_log SET action = 'nothing_happened', hash = :h WHERE seq = :s"),
                {"h": digest, "s": seq},
            )
    finally:
        store.close()
    assert runner.invoke(app, ["admin", "verify-audit"]).exit_code == 0  # the chain alone: silent
    caught = runner.invoke(app, ["admin", "verify-audit", "--release", "rel1"])
    assert caught.exit_code == 1 and "rewritten" in caught.output, caught.output

    store = open_store(settings=get_settings())
    try:
        with store.engine.begin() as conn:  # the whole log deleted
            conn.execute(text("DELETE FROM audit_log"))
    finally:
        store.close()
    gone = runner.invoke(app, ["admin", "verify-audit", "--release", "rel1"])
    assert gone.exit_code == 1 and "newest entries deleted" in gone.output, gone.output
    missing = runner.invoke(app, ["admin", "verify-audit", "--release", "nope"])
    assert missing.exit_code == 2
