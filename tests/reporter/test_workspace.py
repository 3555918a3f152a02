"""The reporter app's folder: keys kept private, shown by id only, rotated without loss."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from zichtbaar.encode.keys import new_key, rotate, save_key
from zichtbaar.errors import EncodeError, KeyFileError
from zichtbaar.reporter.workspace import Workspace


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_key_import_rotation_and_api_key(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "home")
    first = new_key()
    ws.import_key(save_key(first, tmp_path / "a.key").read_bytes())
    assert ws.key() is not None and ws.key().key_id == first.key_id  # type: ignore[union-attr]
    assert _mode(ws.key_path) == 0o600 and _mode(ws.root) == 0o700
    second = rotate(first)
    ws.import_key(save_key(second, tmp_path / "b.key").read_bytes())
    assert ws.key().key_id == second.key_id  # type: ignore[union-attr]
    kept = ws.root / f"linkage-{first.key_id}.key"
    assert kept.is_file() and _mode(kept) == 0o600  # packages made with it stay explainable
    ws.set_api_key("zk_abc123.secretpartofthekey")
    assert ws.api_key() == "zk_abc123.secretpartofthekey"
    assert _mode(ws.root / "api.key") == 0o600


def test_a_bad_key_file_is_refused_without_its_content(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "home")
    with pytest.raises(KeyFileError) as err:
        ws.import_key(b'{"key_id": "k1", "secret": "not-base64-SECRETVALUE"}')
    assert "SECRETVALUE" not in str(err.value)
    assert ws.key() is None and not list(ws.root.glob(".key-check*"))
    with pytest.raises(EncodeError, match="API key"):
        ws.set_api_key("short")
