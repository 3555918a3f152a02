"""Same seed, same bytes; another seed, another world; the CLI writes the same world."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from zichtbaar.cli import app
from zichtbaar.synth import WorldConfig, build_world, write_world

CONFIG = WorldConfig(seed=5, scale=0.02, start_year=2016, end_year=2019)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    write_world(build_world(CONFIG), tmp_path / "a")
    write_world(build_world(CONFIG), tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys() and len(a) > 20
    assert a == b


def test_another_seed_gives_another_world(tmp_path: Path) -> None:
    write_world(build_world(CONFIG), tmp_path / "a")
    write_world(build_world(CONFIG.with_(seed=6)), tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    differing = [k for k in a if a[k] != b[k]]
    assert "truth/persons.csv" in differing and "reporters/police-nl.csv" in differing


def test_cli_writes_the_library_world(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "--seed",
            "5",
            "--scale",
            "0.02",
            "--start-year",
            "2016",
            "--end-year",
            "2019",
            "--out",
            str(tmp_path / "cli"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "reporter rows from 14 organisations" in result.output
    write_world(build_world(CONFIG), tmp_path / "lib")
    assert _files(tmp_path / "cli") == _files(tmp_path / "lib")


def test_cli_refuses_a_bad_range(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["synth", "--start-year", "2020", "--end-year", "2019", "--out", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert not any(tmp_path.iterdir())
