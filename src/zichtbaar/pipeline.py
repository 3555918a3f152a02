"""The stages wired together: what ``zichtbaar demo`` runs, so the CLI stays a shell.

The demo plays every party on one machine, but keeps their files apart the way the trust
boundaries require::

    <home>/world/        the synthetic world: what the organisations hold, and the truth
    <home>/reporters/    the reporters' side: the linkage key and the packages they encode
    <home>/...           the hub: store (SQLite), snapshots, runs, releases, reports

The hub's stages never read ``world/`` or the linkage key; only packages cross over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from zichtbaar.config import Settings
from zichtbaar.disclosure.estimates import estimate_section
from zichtbaar.disclosure.release import Release, audit_release, make_release
from zichtbaar.encode.keys import LinkageKey, Secret, new_key, save_key
from zichtbaar.encode.package import encode_file
from zichtbaar.errors import EstimationError, ZichtbaarError
from zichtbaar.estimate.published import LINKAGE_DRAWS
from zichtbaar.estimate.yearly import coverage
from zichtbaar.intake import ingest_package
from zichtbaar.intake.snapshot import export_snapshot
from zichtbaar.link.calibration import labelled_pairs, reliability
from zichtbaar.link.evaluate import keyed_by_id
from zichtbaar.link.quality import write_reliability
from zichtbaar.link.run import RunInfo, open_run, run_linkage
from zichtbaar.programme import SEED, load_programme, parse_yaml, save_programme, snapshot
from zichtbaar.report.render import write_report
from zichtbaar.standard.models import PackageKind
from zichtbaar.store import add_organisation, open_store, register_key_id
from zichtbaar.synth.config import WorldConfig
from zichtbaar.synth.world import World, build_world, write_world
from zichtbaar.types import Lang

DEMO_MARKER = ".zichtbaar-demo"
ACTOR = "demo"

REGISTER_HOLDERS: dict[str, tuple[str, str]] = {
    "youth_care": ("Jeugdzorgregister (synthetisch)", "youth_care"),
    "child_protection": ("Raad voor de Kinderbescherming (synthetisch)", "youth_care"),
    "asylum": ("Asiel- en Dublinregister (synthetisch)", "other"),
    "shelter": ("Opvangregister (synthetisch)", "shelter_care"),
    "residence_permits": ("Verblijfsvergunningen (synthetisch)", "other"),
    "police_reports": ("Aangifteregister (synthetisch)", "police"),
    "prosecution": ("Vervolgingsregister (synthetisch)", "other_investigative"),
}
"""Who holds each external register in the demo (organisation name, reporter type)."""

SUSPECTS_ORG = (
    "register-suspects",
    "Openbaar Ministerie, verdachten (synthetisch)",
    "other_investigative",
)

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: how far a stage is."""


@dataclass
class DemoResult:
    home: Path
    world_dir: Path
    run: RunInfo
    release: Release
    reports: list[Path]
    packages: int
    rows_submitted: int
    rows_quarantined: int
    timings: dict[str, float] = field(default_factory=dict)


def _prepare_home(home: Path) -> None:
    """Start from an empty demo home; refuse to wipe a directory that is not a demo's."""
    if home.exists() and any(home.iterdir()):
        if not (home / DEMO_MARKER).exists():
            raise ZichtbaarError(
                f"{home} holds data that is not from a demo; set ZICHTBAAR_HOME to an empty "
                "directory for the demo"
            )
        shutil.rmtree(home)
    home.mkdir(parents=True, exist_ok=True)
    (home / DEMO_MARKER).write_text("created by zichtbaar demo; safe to delete\n")


def demo_key(seed: int) -> LinkageKey:
    """The demo's linkage key, derived from the world's seed.

    With a fresh random key every run, the same ``--seed`` gave different links and estimates (the
    bit flip and LSH bands depend on the key), so two analysts could not compare demo runs. The
    seed is public, so this key is too: it is for the synthetic world only. Real organisations use
    ``zichtbaar keys new``, which draws from the operating system's random source.
    """
    fresh = new_key()
    secret = hashlib.sha256(f"zichtbaar demo linkage key, seed {seed}".encode()).digest()
    return LinkageKey(fresh.key_id, Secret(secret), fresh.created)


@dataclass
class DemoSnapshot:
    """A synthetic world encoded by its organisations and taken in by the hub: what the demo
    links, and what the synthetic-world benchmark measures the linkage on."""

    world: World
    world_dir: Path
    snapshot_dir: Path
    organisations: int
    packages: int
    rows_submitted: int
    rows_quarantined: int
    programme: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)


def _ticker(progress: Progress | None) -> Progress:
    """``progress``, or nothing where no one listens."""

    def tick(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    return tick


def demo_snapshot(
    settings: Settings,
    seed: int = 1,
    scale: float = 1.0,
    progress: Progress | None = None,
    config: WorldConfig | None = None,
) -> DemoSnapshot:
    """Run synth → encode → intake → snapshot into ``settings.home`` (emptied first).

    ``config`` replaces ``seed`` and ``scale`` with a whole world configuration (a scenario)."""

    tick = _ticker(progress)
    timings: dict[str, float] = {}
    home = settings.home
    _prepare_home(home)
    world_dir, reporter_dir = home / "world", home / "reporters"

    t0 = time.perf_counter()
    config = config or WorldConfig(seed=seed, scale=scale)
    seed = config.seed
    steps = 7
    done = 0

    def synth_step(_name: str) -> None:
        nonlocal done
        done += 1
        tick("synth", done, steps)

    world = build_world(config, progress=synth_step)
    write_world(world, world_dir)
    timings["synth"] = time.perf_counter() - t0

    # --- the reporters' side: one shared linkage key, each organisation encodes its own file
    t0 = time.perf_counter()
    reporter_dir.mkdir(parents=True)
    key = demo_key(seed)
    save_key(key, reporter_dir / "linkage.key")
    jobs = _encode_jobs(world_dir, world.organisations)
    packages: list[Path] = []
    for i, job in enumerate(jobs):
        out = reporter_dir / "packages" / job.org
        job_key = None if job.kind == "suspects" else key  # suspects carry no identifiers
        encode_file(job.source, job_key, job.org, job.reporter_type, job.kind, out)
        packages.append(out)
        tick("encode", i + 1, len(jobs))
    timings["encode"] = time.perf_counter() - t0

    # --- the hub: register organisations and the key id, ingest every package
    t0 = time.perf_counter()
    store = open_store(settings.database_url, settings=settings)
    try:
        for job in jobs:  # one package per organisation
            add_organisation(store, job.org, job.name, job.reporter_type, ACTOR)
        register_key_id(store, key.key_id, ACTOR)
        # The coordinator's side: the public 2018 programme, with its statuses as published.
        with store.engine.begin() as conn:
            save_programme(conn, parse_yaml(SEED.read_text(encoding="utf-8")), ACTOR)
            programme = snapshot(load_programme(conn))
        submitted = quarantined = 0
        for i, (job, pkg) in enumerate(zip(jobs, packages, strict=True)):
            report = ingest_package(store, pkg, job.org, ACTOR)
            submitted += report.row_count
            quarantined += report.quarantined
            tick("intake", i + 1, len(packages))
        snapshot_dir = home / "snapshots" / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        export_snapshot(store, snapshot_dir)
    finally:
        store.close()
    timings["intake"] = time.perf_counter() - t0
    return DemoSnapshot(
        world=world,
        world_dir=world_dir,
        snapshot_dir=snapshot_dir,
        organisations=len(jobs),
        packages=len(packages),
        rows_submitted=submitted,
        rows_quarantined=quarantined,
        programme=programme,
        timings=timings,
    )


def run_demo(
    settings: Settings,
    seed: int = 1,
    scale: float = 1.0,
    progress: Progress | None = None,
    scenario: str = "default",
) -> DemoResult:
    """Run synth → encode → intake → link → release → report into ``settings.home``."""

    tick = _ticker(progress)
    config = WorldConfig(seed=seed, scale=scale, scenario=scenario)
    snap = demo_snapshot(settings, seed, scale, progress, config=config)
    timings = dict(snap.timings)
    world, config, programme = snap.world, snap.world.config, snap.programme
    snapshot_dir = snap.snapshot_dir

    t0 = time.perf_counter()
    tick("link", 0, 1)
    run = run_linkage(snapshot_dir, settings.runs_dir, run_id=f"demo-seed{seed}")
    tick("link", 1, 1)
    timings["link"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    con = open_run(settings.runs_dir, run.run_id)
    try:
        totals = world.totals
        truth = {
            int(y): int(v) for y, v in zip(totals["year"], totals["true_victims"], strict=True)
        }
        years = (config.start_year, config.end_year)
        run_dir = settings.runs_dir / run.run_id
        estimates = _estimates(con, truth, years, run_dir, settings.min_cell)
        calibration = _calibration(con, world, settings.home / "evaluation" / run.run_id)
        tick("estimate", 1, 1)
        timings["estimate"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        release = make_release(
            con,
            run.run_id,
            f"demo-{config.start_year}-{config.end_year}",
            settings.releases_dir,
            config.start_year,
            config.end_year,
            min_cell=settings.min_cell,
            extra={
                "linkage": {**run.to_dict(), "organisations": snap.organisations},
                "synthetic": True,
                "linkage_calibration": calibration,
                "programme": programme,
                **estimates,
            },
        )
    finally:
        con.close()
    store = open_store(settings.database_url, settings=settings)
    try:
        audit_release(store, release, ACTOR, settings.releases_dir)
    finally:
        store.close()
    tick("release", 1, 1)
    timings["release"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    reports = [
        write_report(release, settings.reports_dir, lang, fmt=fmt)
        for fmt in ("html", "pdf")
        for lang in (Lang.NL, Lang.EN)
    ]
    tick("report", 1, 1)
    timings["report"] = time.perf_counter() - t0
    return DemoResult(
        home=settings.home,
        world_dir=snap.world_dir,
        run=run,
        release=release,
        reports=reports,
        packages=snap.packages,
        rows_submitted=snap.rows_submitted,
        rows_quarantined=snap.rows_quarantined,
        timings=timings,
    )


def _calibration(con: duckdb.DuckDBPyConnection, world: World, out: Path) -> dict[str, Any]:
    """The run's match probabilities against the world's truth: figures for the release and the
    reliability chart in ``out`` (``<home>/evaluation/<run>``; the demo can, because it knows who
    is who)."""
    truth = dict(zip(world.records["record_id"], world.records["person_id"], strict=True))
    rel = reliability(
        *labelled_pairs(con, keyed_by_id(con, "registrations", "registration_id", truth))
    )
    write_reliability(rel, out)
    return {"ece": round(rel.ece, 4), "brier": round(rel.brier, 4), "pairs": rel.pairs}


def _estimates(
    con: duckdb.DuckDBPyConnection,
    truth: dict[int, int],
    years: tuple[int, int],
    run_dir: Path,
    min_cell: int,
) -> dict[str, Any]:
    """Per-year MSE estimates of the run, in the release's shape (``disclosure.estimates``:
    the default procedure over the run's linkage draws, sensitivity, minors).

    The world's true totals only feed ``estimate_validation`` (how often the intervals cover
    them), which exists because this run is synthetic.
    """
    try:
        out = estimate_section(con, *years, run_dir, LINKAGE_DRAWS, min_cell=min_cell)
    except EstimationError as err:
        return {"estimate_warning": str(err)}
    out["estimate_validation"] = coverage(out["estimate_by_year"], truth)
    return out


class EncodeJob(NamedTuple):
    """One file an organisation holds, and how it is encoded."""

    org: str
    name: str
    reporter_type: str
    kind: PackageKind
    source: Path


def _encode_jobs(world_dir: Path, organisations: pd.DataFrame) -> list[EncodeJob]:
    """Every file an organisation holds in the world: reporters, register holders, prosecution."""
    jobs = [
        EncodeJob(
            str(org), str(name), str(rtype), "registrations", world_dir / "reporters" / f"{org}.csv"
        )
        for org, name, rtype in zip(
            organisations["org"], organisations["name"], organisations["reporter_type"], strict=True
        )
    ]
    for code, (name, rtype) in REGISTER_HOLDERS.items():
        path = world_dir / "registers" / f"{code}.csv"
        if path.exists():
            jobs.append(EncodeJob(f"register-{code}", name, rtype, "register_events", path))
    org, name, rtype = SUSPECTS_ORG
    jobs.append(EncodeJob(org, name, rtype, "suspects", world_dir / "suspects.csv"))
    return jobs
