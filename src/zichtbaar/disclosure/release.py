"""Releases: a named, immutable set of disclosure-controlled tables from one linkage run.

Only protected values leave this module: a release's CSV files hold ``value`` (empty where
suppressed) and the ``suppressed`` flag, never the raw counts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from zichtbaar.disclosure.budget import PrivacyLedger
from zichtbaar.disclosure.differencing import MODES, Published, suppress_across_releases
from zichtbaar.disclosure.protect import METHODS, noisy_table, round_table
from zichtbaar.disclosure.revisions import hold_medians, with_earlier_categories
from zichtbaar.disclosure.rules import Rules
from zichtbaar.disclosure.sdmx import to_sdmx_csv
from zichtbaar.errors import ReleaseError
from zichtbaar.stats.followup import median_days_to_first_help
from zichtbaar.stats.registry import REGISTRY, TableDefinition, TableRegistry
from zichtbaar.store import AuditAnchor, Store, append_audit
from zichtbaar.store.audit import audit_head

RELEASE_META = "release.json"
ANCHOR_FILE = "audit-anchor.txt"
"""``HASH:COUNT`` of the audit log including the release's own entry, written beside its tables."""
RELEASE_LOG = "releases.log.jsonl"
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
    method: str = "suppression",
    group_disclosure: bool = False,
    rounding_base: int = 5,
    epsilon: float | None = None,
    privacy_budget: float | None = None,
    time_limit: float = 30.0,
    differencing: str = "protect",
    revision_batch: int | None = None,
) -> Release:
    """Compute, protect and store the monitor tables of a run as release ``name``.

    ``method``: ``suppression`` (primary + optimal secondary suppression, then the LP audit;
    ``min_cell`` and ``group_disclosure`` set the rules), ``rounding`` (to ``rounding_base``) or
    ``dp`` (OpenDP Laplace noise; ``epsilon`` for the whole release, split evenly over its
    tables, charged to the run's ``privacy_budget`` in the ledger before anything is computed).
    The hidden-number estimates come in through ``extra`` (``disclosure.estimates``).
    ``differencing`` (suppression only): every release already in ``releases_dir`` is an
    attacker's too; ``protect`` suppresses more where differencing with one of them would
    disclose, ``refuse`` raises naming the table and the earlier release, ``off`` skips the check
    (only to demonstrate the attack). ``revision_batch`` (default ``min_cell``; 1 revises at
    once): a stratum an earlier release of another run published is republished unchanged until
    at least that many persons changed in it (``revisions.py``). See docs/disclosure-attacks.md.
    """
    if not _NAME.match(name):
        raise ReleaseError("a release name uses lowercase letters, digits, '.', '_' and '-' only")
    target = releases_dir / name
    if target.exists():
        raise ReleaseError(f"release '{name}' exists already; releases are immutable")
    if year_from > year_to:
        raise ReleaseError("the first year of a release lies after its last year")
    if method not in METHODS:
        raise ReleaseError(f"unknown disclosure method; use one of {', '.join(METHODS)}")
    if differencing not in MODES:
        raise ReleaseError(f"unknown differencing mode; use one of {', '.join(MODES)}")
    rules_obj = Rules(min_cell=min_cell, group_disclosure=group_disclosure)
    earlier: list[Release] = []
    republished: list[dict[str, object]] = []  # strata as an earlier release published them
    batch = 1
    definitions = [d for d in registry if table_names is None or d.name in table_names]
    if method == "dp":
        # DP needs a bound on what one person adds; tables without one are left out, and said so.
        rules_skipped = [d.name for d in definitions if d.max_contributions is None]
        definitions = [d for d in definitions if d.max_contributions is not None]
    rules: dict[str, Any] = {"method": method, "min_cell": min_cell}
    if method == "suppression":
        rules.update(
            group_disclosure=group_disclosure,
            zeros=rules_obj.zeros,
            protection=(
                "every item with 0 <= count < min_cell, zeros included: lower range = count, "
                "upper range = min_cell - count (cells and margins)"
            ),
            secondary="MILP, Fischetti-Salazar cutting planes (scipy HiGHS)",
            audit="LP interval audit passed (the attacker knows this rule)",
        )
        earlier = sorted(
            (r for r in published_releases(releases_dir) if r.rules.get("method") == "suppression"),
            key=lambda r: (r.created_at, r.name),
        )
        batch = min_cell if revision_batch is None else revision_batch
        if batch < 1:
            raise ReleaseError("the revision batch must be at least 1 person")
        if differencing != "off":
            rules["differencing"] = {
                "mode": differencing,
                "checked_against": [r.name for r in earlier],
                "revision_batch": batch,
                "as_published": republished,
            }
    elif method == "rounding":
        rules.update(rounding_base=rounding_base, additive=False)
    else:
        if epsilon is None or privacy_budget is None:
            raise ReleaseError("a DP release needs an epsilon and the run's privacy budget")
        # Charge first: a refused release computes nothing.
        left = PrivacyLedger.beside(releases_dir).charge(run_id, name, epsilon, privacy_budget)
        per_table = epsilon / max(len(definitions), 1)
        rules.update(
            epsilon=epsilon,
            epsilon_per_table=per_table,
            mechanism="Laplace (OpenDP), margins summed from noisy cells",
            privacy_budget=privacy_budget,
            budget_left=left,
            additive=True,
            skipped_unbounded_contributions=rules_skipped,
        )
    tables: dict[str, ReleasedTable] = {}
    for definition in definitions:
        raw = definition.compute(con, year_from, year_to)
        if method == "suppression":
            shown = [
                Published(r.name, r.run_id, r.tables[definition.name].data)
                for r in earlier
                if definition.name in r.tables
            ]
            if differencing != "off":
                raw = with_earlier_categories(
                    raw, definition.dims, definition.strata, [p.data for p in shown]
                )
            protected = suppress_across_releases(
                definition.name,
                raw,
                definition.dims,
                run_id,
                shown,
                strata=definition.strata,
                hierarchy=definition.hierarchy,
                rules=rules_obj,
                mode=differencing,
                time_limit=time_limit,
                batch=batch,
                contributions=definition.max_contributions or 1,
                republished=republished,
            )
        else:
            protected = _protect(definition, raw, method, rounding_base, rules)
        data = protected[[*definition.dims, "value", "suppressed"]].reset_index(drop=True)
        tables[definition.name] = ReleasedTable(
            definition.name,
            definition.title_nl,
            definition.title_en,
            definition.dims,
            definition.unit,
            data,
        )
    others = [
        (r.run_id, list(r.extra.get("followup_median_days", [])))
        for r in earlier
        if r.run_id != run_id and differencing != "off"
    ]
    median_entries = _median_entries(con, year_from, year_to, min_cell, others, batch)
    extra_all = {**(extra or {}), "followup_median_days": median_entries}
    release = Release(
        name=name,
        run_id=run_id,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        year_from=year_from,
        year_to=year_to,
        rules=rules,
        tables=tables,
        extra=json.loads(json.dumps(extra_all, default=_plain)),
    )
    _write(release, target)
    _log(releases_dir, release)
    return release


def _median_entries(
    con: duckdb.DuckDBPyConnection,
    year_from: int,
    year_to: int,
    min_cell: int,
    earlier: list[tuple[str, list[dict[str, object]]]],
    batch: int,
) -> list[dict[str, object]]:
    """Median days to first help, for groups of at least ``min_cell``; held like the tables."""
    medians = median_days_to_first_help(con, year_from, year_to)
    ok = medians["n"] >= min_cell
    entries: list[dict[str, object]] = [
        {
            **{k: r[k] for k in ("year", "help", "by", "group")},
            "n": int(r["n"]) if o else None,
            "median_days": float(r["median_days"]) if o else None,
        }
        for (_, r), o in zip(medians.iterrows(), ok, strict=True)
    ]
    return hold_medians(entries, earlier, batch) if earlier else entries


def _plain(o: object) -> object:
    return o.item() if hasattr(o, "item") else str(o)


def _protect(
    definition: TableDefinition,
    raw: pd.DataFrame,
    method: str,
    base: int,
    meta: dict[str, Any],
) -> pd.DataFrame:
    """Rounding or DP noise (suppression goes through ``suppress_across_releases``)."""
    args = (raw, definition.dims)
    kw: dict[str, Any] = {"strata": definition.strata, "hierarchy": definition.hierarchy}
    if method == "rounding":
        return round_table(*args, base=base, **kw)
    return noisy_table(
        *args,
        epsilon=float(meta["epsilon_per_table"]),
        contributions=definition.max_contributions or 1,
        **kw,
    )


def _log(releases_dir: Path, release: Release) -> None:
    """Append the release to the releases' log (the store's audit log takes it over later)."""
    entry = {
        "event": "release",
        "name": release.name,
        "run_id": release.run_id,
        "created_at": release.created_at,
        "rules": release.rules,
        "tables": list(release.tables),
    }
    with (releases_dir / RELEASE_LOG).open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry) + "\n")


def _write(release: Release, target: Path) -> None:
    tmp = target.with_name(target.name + ".partial")
    # A ``.partial`` left by a killed earlier attempt was never published: start afresh.
    shutil.rmtree(tmp, ignore_errors=True)
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
                "sdmx": f"tables/{t.name}.sdmx.csv",
            }
            for t in release.tables.values()
        ],
    }
    for t in release.tables.values():
        t.data.to_csv(tmp / "tables" / f"{t.name}.csv", index=False)
        (tmp / "tables" / f"{t.name}.sdmx.csv").write_text(to_sdmx_csv(t.data, t.dims, t.name))
    (tmp / RELEASE_META).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    # The rename makes the release appear whole or not at all.
    tmp.rename(target)


def published_releases(releases_dir: Path) -> list[Release]:
    """Every complete release in ``releases_dir`` (a ``.partial`` one was never published)."""
    if not releases_dir.is_dir():
        return []
    return [
        load_release(releases_dir, d.name)
        for d in sorted(releases_dir.iterdir())
        if d.is_dir() and not d.name.endswith(".partial") and (d / RELEASE_META).exists()
    ]


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
        extra={**meta.get("extra", {}), **_anchor_extra(releases_dir / name)},
    )


def _anchor_extra(release_dir: Path) -> dict[str, str]:
    path = release_dir / ANCHOR_FILE
    return {"audit_anchor": path.read_text().strip()} if path.is_file() else {}


def release_anchor(releases_dir: Path, name: str) -> AuditAnchor:
    """The audit anchor a published release carries (``zichtbaar admin verify-audit --release``)."""
    path = releases_dir / name / ANCHOR_FILE
    if not path.is_file():
        raise ReleaseError(f"release '{name}' carries no audit anchor (made before anchors were)")
    try:
        return AuditAnchor.parse(path.read_text())
    except ValueError as err:
        raise ReleaseError(f"release '{name}': its audit anchor is malformed ({err})") from None


def audit_release(
    store: Store, release: Release, actor: str, releases_dir: Path | None = None
) -> AuditAnchor:
    """Record a release in the operational store's hash-chained audit log.

    The entry names the release, its run and its method; never a number from it. Returns the
    chain's head including this entry: published with the release, it lets anyone later detect
    that newest entries were deleted (``zichtbaar admin verify-audit --anchor``), which the chain
    alone cannot show. With ``releases_dir`` the anchor is also written into the release's
    directory (``audit-anchor.txt``, published with it) and carried into its reports, so every
    published release can check the log (``verify-audit --release NAME``).
    """
    with store.engine.begin() as conn:
        append_audit(
            conn,
            actor,
            "release_made",
            f"release:{release.name} run:{release.run_id} method:{release.rules.get('method')}",
        )
        anchor = audit_head(conn)
    release.extra["audit_anchor"] = str(anchor)
    if releases_dir is not None:
        target = releases_dir / release.name / ANCHOR_FILE
        partial = target.with_name(ANCHOR_FILE + ".partial")
        partial.write_text(f"{anchor}\n")
        partial.replace(target)
    return anchor
