"""The CLI imports a stage only for that stage's command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from zichtbaar.cli import COMMANDS, load_command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_listed_help_is_the_commands_own(name: str) -> None:
    command = load_command(name)
    assert command is not None
    assert command.get_short_help_str(limit=300) == COMMANDS[name][1]


def test_root_help_imports_no_stage() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from zichtbaar.cli import app;"
        "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output;"
        "heavy = [m for m in ('pandas', 'pyarrow', 'duckdb', 'splink', 'fastapi', 'sqlalchemy',"
        " 'scipy', 'zichtbaar.encode', 'zichtbaar.intake') if m in sys.modules];"
        "assert not heavy, heavy; print(r.output)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    for name in COMMANDS:
        assert name in out.stdout


def test_unknown_command_is_refused() -> None:
    assert load_command("nonsense") is None
    from typer.testing import CliRunner

    from zichtbaar.cli import app

    result = CliRunner().invoke(app, ["nonsense"])
    assert result.exit_code == 2
    assert set(load_command("keys").commands) == {"new", "rotate"}


def test_constants_written_out_for_help_match_the_library() -> None:
    from zichtbaar.cli import admin, intake, link, programme, release
    from zichtbaar.disclosure.differencing import MODES
    from zichtbaar.disclosure.protect import METHODS
    from zichtbaar.intake import DEFAULT_MAX_BYTES, WITHDRAWAL_REASONS
    from zichtbaar.link.model import LinkModel
    from zichtbaar.programme import Status
    from zichtbaar.store import ROLES

    assert admin.ROLES == ROLES
    assert (intake.DEFAULT_MAX_BYTES, intake.WITHDRAWAL_REASONS) == (
        DEFAULT_MAX_BYTES,
        WITHDRAWAL_REASONS,
    )
    assert LinkModel.threshold == link.THRESHOLD
    assert tuple(s.value for s in Status) == programme.STATUSES
    assert (release.METHODS, release.MODES) == (METHODS, MODES)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_subcommand_help_imports_no_heavy_library(name: str) -> None:
    # (typer itself imports pydantic.)
    code = (
        "import sys; from typer.testing import CliRunner; from zichtbaar.cli import app;"
        f"r = CliRunner().invoke(app, [{name!r}, '--help']); assert r.exit_code == 0, r.output;"
        "heavy = [m for m in ('pandas', 'pyarrow', 'duckdb', 'splink', 'fastapi', 'sqlalchemy',"
        " 'scipy', 'numpy', 'altair') if m in sys.modules]; assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
