"""Finding and caching releases for the pages (a release is immutable, so caching is safe)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from zichtbaar.disclosure.release import RELEASE_META, Release, load_release


def release_names(releases_dir: Path) -> list[str]:
    """Complete releases, newest first (a ``.partial`` directory has no metadata yet)."""
    metas = []
    for meta in releases_dir.glob(f"*/{RELEASE_META}"):
        created = json.loads(meta.read_text()).get("created_at", "")
        metas.append((created, meta.parent.name))
    return [name for _, name in sorted(metas, reverse=True)]


@lru_cache(maxsize=16)
def _cached(releases_dir: Path, name: str) -> Release:
    return load_release(releases_dir, name)


def get_release(releases_dir: Path, name: str) -> Release:
    """A release, read from disk once per process."""
    return _cached(releases_dir, name)


def latest_release(releases_dir: Path) -> Release | None:
    names = release_names(releases_dir)
    return get_release(releases_dir, names[0]) if names else None
