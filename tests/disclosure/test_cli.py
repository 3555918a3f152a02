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
