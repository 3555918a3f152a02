from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zichtbaar.config import get_settings
from zichtbaar.store import Store, open_store


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}", key_file=tmp_path / "hub-key.json")
    yield s
    s.close()


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ZICHTBAAR_HOME", str(tmp_path))
    monkeypatch.delenv("ZICHTBAAR_DATABASE_URL", raising=False)
    monkeypatch.setenv("ZICHTBAAR_HUB_KEY_FILE", str(tmp_path / "hub-key.json"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
