from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zichtbaar.cli import app
from zichtbaar.encode.keys import load_key, new_key, rotate, save_key
from zichtbaar.errors import KeyFileError


def test_key_file_round_trip_and_mode(tmp_path: Path) -> None:
    key = new_key()
    path = save_key(key, tmp_path / "k.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert set(data) == {"key_id", "secret", "created"}
    assert len(base64.b64decode(data["secret"])) == 32
    loaded = load_key(path)
    assert loaded == key
    assert loaded.subkey("token/bsn") == key.subkey("token/bsn")


def test_repr_hides_secret() -> None:
    key = new_key()
    raw = key.secret.reveal()
    for text in (repr(key), str(key), repr(key.secret), str(key.secret), f"{key}"):
        assert "[secure]" in text
        assert base64.b64encode(raw).decode() not in text
        assert raw.hex() not in text


def test_subkeys_are_separated() -> None:
    key = new_key()
    purposes = ["token/bsn", "token/dob", "bloom/hash", "bloom/flip", "bloom/permute"]
    subkeys = {key.subkey(p) for p in purposes}
    assert len(subkeys) == len(purposes)
    assert key.secret.reveal() not in subkeys
    assert new_key().subkey("token/bsn") != key.subkey("token/bsn")


def test_rotate_gives_new_secret_and_id(tmp_path: Path) -> None:
    old = new_key()
    fresh = rotate(old)
    assert fresh.key_id != old.key_id
    assert fresh.secret != old.secret
    assert fresh.rotated_from == old.key_id
    save_key(fresh, tmp_path / "new.json")
    assert load_key(tmp_path / "new.json").rotated_from == old.key_id


def test_refuses_overwrite_open_permissions_and_garbage(tmp_path: Path) -> None:
    path = save_key(new_key(), tmp_path / "k.json")
    with pytest.raises(KeyFileError):
        save_key(new_key(), path)
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_key(path)
    bad = tmp_path / "bad.json"
    bad.write_text('{"key_id": "x", "secret": "c2hvcnQ=", "created": "2024-01-01"}')
    bad.chmod(0o600)
    with pytest.raises(KeyFileError) as info:
        load_key(bad)
    assert "c2hvcnQ" not in str(info.value)
    with pytest.raises(KeyFileError):
        load_key(tmp_path / "missing.json")


def test_cli_keys_new_and_rotate(tmp_path: Path) -> None:
    runner = CliRunner()
    first = tmp_path / "k1.json"
    result = runner.invoke(app, ["keys", "new", "--out", str(first)])
    assert result.exit_code == 0, result.output
    secret = json.loads(first.read_text())["secret"]
    assert secret not in result.output
    second = tmp_path / "k2.json"
    result = runner.invoke(app, ["keys", "rotate", str(first), "--out", str(second)])
    assert result.exit_code == 0, result.output
    assert load_key(second).rotated_from == load_key(first).key_id
    assert stat.S_IMODE(second.stat().st_mode) == 0o600
