"""The intake/withdraw/admin commands: exit codes and the per-row table."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.intake.factory import KEY_ID, registrations, write_package
from zichtbaar.cli import app
from zichtbaar.config import get_settings


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZICHTBAAR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZICHTBAAR_DATABASE_URL", raising=False)
    monkeypatch.delenv("ZICHTBAAR_HUB_KEY_FILE", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


def test_cli_end_to_end(home: Path, tmp_path: Path) -> None:
    run = CliRunner().invoke
    assert (
        run(
            app, ["admin", "org", "add", "police-nl", "--type", "police", "--name", "Politie"]
        ).exit_code
        == 0
    )
    assert run(app, ["admin", "keyid", "add", KEY_ID]).exit_code == 0
    rows = registrations(4)
    rows[1]["form"] = "bogus-form"
    pkg = write_package(tmp_path / "p", rows)
    result = run(app, ["intake", str(pkg), "--org", "police-nl"])
    assert result.exit_code == 0, result.output
    assert "Quarantined rows" in result.output and "bogus-form" not in result.output
    assert rows[0]["tok_bsn"] not in result.output
    refused = run(app, ["intake", str(pkg), "--org", "shelter-a"])
    assert refused.exit_code != 0 and "refused" in refused.output
    wd = run(
        app,
        [
            "withdraw",
            "--org",
            "police-nl",
            "--record-id",
            rows[0]["record_id"],
            "--reason",
            "error",
        ],
    )
    assert wd.exit_code == 0 and "1 stored version" in wd.output
    snap = run(app, ["admin", "snapshot", "--out", str(tmp_path / "snap")])
    assert snap.exit_code == 0 and "2 registrations" in snap.output
    key = run(app, ["admin", "apikey", "new", "--org", "police-nl"])
    prefix = key.output.split("prefix: ")[1].split()[0]
    assert run(app, ["admin", "apikey", "revoke", prefix]).exit_code == 0
    weak = run(app, ["admin", "user", "add", "anna", "--role", "admin", "--password", "a"])
    assert weak.exit_code != 0 and "12 to 256 characters" in weak.output  # as the web form
    strong = "correct horse battery"
    user = run(app, ["admin", "user", "add", "anna", "--role", "analyst", "--password", strong])
    assert user.exit_code == 0
    audit = run(app, ["admin", "verify-audit"])
    assert audit.exit_code == 0 and "intact" in audit.output
    assert (home / "hub-key.json").exists()
