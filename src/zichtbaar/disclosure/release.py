"""Releases: a named, immutable set of disclosure-controlled tables from one linkage run.

Only protected values leave this module: a release's CSV files hold ``value`` (empty where
suppressed) and the ``suppressed`` flag, never the raw counts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from zichtbaar.disclosure.primary import protect_counts
from zichtbaar.errors import ReleaseError
from zichtbaar.stats.registry import REGISTRY, TableRegistry

RELEASE_META = "release.json"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class ReleasedTable:
    name: str
    title_nl: str
    title_en: str
    dims: tuple[str, ...]
    unit: str
    data: pd.DataFrame  # dims + value (nullable) + suppressed

    def title(self, lang: str) -> str:
        return self.title_nl if lang == "nl" else self.title_en


@dataclass(frozen=True)
class Release:
    name: str
    run_id: str
    created_at: str
    year_from: int
    year_to: int
    rules: dict[str, Any]
    tables: dict[str, ReleasedTable] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> ReleasedTable:
        try:
            return self.tables[name]
        except KeyError:
            raise ReleaseError(f"release '{self.name}' has no table '{name}'") from None


def make_release(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    name: str,
    releases_dir: Path,
    year_from: int,
    year_to: int,
    min_cell: int = 10,
    registry: TableRegistry = REGISTRY,
    table_names: list[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Release:
    """Compute, protect and store the monitor tables of a run as release ``name``."""
    if not _NAME.match(name):
        raise ReleaseError("a release name uses lowercase letters, digits, '.', '_' and '-' only")
    target = releases_dir / name
    if target.exists():
        raise ReleaseError(f"release '{name}' exists already; releases are immutable")
    if year_from > year_to:
        raise ReleaseError("the first year of a release lies after its last year")
    tables: dict[str, ReleasedTable] = {}
    for definition in registry:
        if table_names is not None and definition.name not in table_names:
            continue
        raw = definition.compute(con, year_from, year_to)
        row_dim, col_dim = definition.dims[0], definition.dims[-1]
        protected = protect_counts(raw, row_dim, col_dim, min_cell=min_cell)
        data = protected[[*definition.dims, "value", "suppressed"]].reset_index(drop=True)
        tables[definition.name] = ReleasedTable(
            definition.name,
            definition.title_nl,
            definition.title_en,
            definition.dims,
            definition.unit,
            data,
        )
    release = Release(
        name=name,
        run_id=run_id,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        year_from=year_from,
        year_to=year_to,
        rules={"method": "primary+row-secondary suppression", "min_cell": min_cell},
        tables=tables,
        extra=extra or {},
    )
    _write(release, target)
    return release


def _write(release: Release, target: Path) -> None:
    tmp = target.with_name(target.name + ".partial")
    (tmp / "tables").mkdir(parents=True, exist_ok=False)
    meta = {
        "name": release.name,
        "run_id": release.run_id,
        "created_at": release.created_at,
        "year_from": release.year_from,
        "year_to": release.year_to,
        "rules": release.rules,
        "extra": release.extra,
        "tables": [
            {
                "name": t.name,
                "title_nl": t.title_nl,
                "title_en": t.title_en,
                "dims": list(t.dims),
                "unit": t.unit,
                "file": f"tables/{t.name}.csv",
            }
            for t in release.tables.values()
        ],
    }
    for t in release.tables.values():
        t.data.to_csv(tmp / "tables" / f"{t.name}.csv", index=False)
    (tmp / RELEASE_META).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    # The rename makes the release appear whole or not at all.
    tmp.rename(target)


def load_release(releases_dir: Path, name: str) -> Release:
    """Read a stored release."""
    meta_path = releases_dir / name / RELEASE_META
    if not meta_path.exists():
        raise ReleaseError(f"there is no release called '{name}'")
    meta = json.loads(meta_path.read_text())
    tables = {}
    for t in meta["tables"]:
        df = pd.read_csv(releases_dir / name / t["file"], dtype={"value": "Int64"})
        for dim in t["dims"]:
            if dim == "year":
                df[dim] = df[dim].astype("int64")
            else:
                df[dim] = df[dim].astype(str)
        tables[t["name"]] = ReleasedTable(
            t["name"], t["title_nl"], t["title_en"], tuple(t["dims"]), t["unit"], df
        )
    return Release(
        name=meta["name"],
        run_id=meta["run_id"],
        created_at=meta["created_at"],
        year_from=meta["year_from"],
        year_to=meta["year_to"],
        rules=meta["rules"],
        tables=tables,
        extra=meta.get("extra", {}),
    )
