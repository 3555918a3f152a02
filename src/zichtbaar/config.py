"""One frozen settings object, read from the ``ZICHTBAAR_*`` environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from zichtbaar.errors import ConfigError


@dataclass(frozen=True)
class Settings:
    """Where zichtbaar keeps its data and how it runs.

    ``home`` holds the operational store (SQLite by default), the analytic runs and releases.
    ``database_url`` overrides the SQLite default, e.g. with a PostgreSQL URL in production.
    """

    home: Path
    database_url: str
    engine: str = "duckdb"
    min_cell: int = 10
    extra: dict[str, str] = field(default_factory=dict)
    max_upload_bytes: int = 1024**3
    temp_budget_bytes: int = 4 * 1024**3
    trusted_proxies: tuple[str, ...] = ()
    secure_cookie: bool = True

    @property
    def runs_dir(self) -> Path:
        return self.home / "runs"

    @property
    def releases_dir(self) -> Path:
        return self.home / "releases"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    def __repr__(self) -> str:
        # The database URL may hold a password: never print it.
        return f"Settings(home={self.home!s}, database_url=[secure], engine={self.engine})"


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    """Build settings from ``env`` (default: the process environment)."""
    env = dict(os.environ) if env is None else env
    home = Path(env.get("ZICHTBAAR_HOME", "zichtbaar-data")).resolve()
    url = env.get("ZICHTBAAR_DATABASE_URL") or f"sqlite:///{home / 'zichtbaar.sqlite'}"
    engine = env.get("ZICHTBAAR_ENGINE", "duckdb")
    if engine not in {"duckdb", "spark"}:
        raise ConfigError("ZICHTBAAR_ENGINE must be 'duckdb' or 'spark'")
    raw_min = env.get("ZICHTBAAR_MIN_CELL", "10")
    if not raw_min.isdigit() or int(raw_min) < 1:
        raise ConfigError("ZICHTBAAR_MIN_CELL must be a positive whole number")
    return Settings(
        home=home,
        database_url=url,
        engine=engine,
        min_cell=int(raw_min),
        max_upload_bytes=_bytes(env, "ZICHTBAAR_MAX_UPLOAD_BYTES", 1024**3),
        temp_budget_bytes=_bytes(env, "ZICHTBAAR_TEMP_BUDGET_BYTES", 4 * 1024**3),
        trusted_proxies=tuple(
            p.strip() for p in env.get("ZICHTBAAR_TRUSTED_PROXIES", "").split(",") if p.strip()
        ),
        secure_cookie=env.get("ZICHTBAAR_SECURE_COOKIE", "1").strip().lower()
        not in {"0", "false", "no", "off"},
    )


def _bytes(env: dict[str, str], name: str, default: int) -> int:
    """A size in bytes (a whole number; suffixes K, M, G for KiB, MiB, GiB)."""
    raw = env.get(name, "").strip().upper()
    if not raw:
        return default
    factor = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(raw[-1], 1)
    digits = raw[:-1] if factor > 1 else raw
    if not digits.isdigit() or int(digits) < 1:
        raise ConfigError(f"{name} must be a positive number of bytes (e.g. 1073741824 or 1G)")
    return int(digits) * factor


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return settings_from_env()
