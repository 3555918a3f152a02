"""The cells of the estimate-validity study: one pattern table (or M linkage draws of it) per
world, year and kind of capture history, each with its known truth.

Kept apart from the driver so the small test (tests/estimate/test_validity_study.py) builds its
cells the same way as the bench.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from zichtbaar.estimate import PatternTable, patterns_from_histories
from zichtbaar.estimate.procedures import COVARIATE, GROUP
from zichtbaar.estimate.published import year_tables
from zichtbaar.synth.config import WorldConfig
from zichtbaar.synth.world import World, build_world


@dataclass
class Cell:
    """One estimation problem with a known answer."""

    source: str  # "world:default", "world:hard", "classic:two_class", ...
    histories: str  # "true", "linked", "linked+draws"
    seed: int
    year: int | None
    truth: int
    tables: list[PatternTable]  # one table, or the run's table and then one per linkage draw

    def key(self) -> dict[str, Any]:
        return {"source": self.source, "histories": self.histories, "seed": self.seed,
                "year": self.year, "truth": self.truth}  # fmt: skip


def true_histories(world: World) -> pd.DataFrame:
    """The world's true capture histories with one rt_<reporter type> column per type (the
    minor/adult covariate is derived by ``year_tables``, as for a run's histories)."""
    caps = world.captures.copy()
    for rtype, sub in world.organisations.groupby("reporter_type"):
        cols = [o for o in sub["org"] if o in caps.columns]
        caps[f"rt_{rtype}"] = caps[cols].max(axis=1).astype(int)
    return caps


def truth_by_year(world: World) -> dict[int, int]:
    t = world.totals
    return {int(y): int(v) for y, v in zip(t["year"], t["true_victims"], strict=True)}


def world_cells(config: WorldConfig, label: str, linked: bool, draws: int) -> Iterator[Cell]:
    """The world's cells: true histories, and (``linked``) the linked run's histories and its
    ``draws`` linkage draws."""
    world = build_world(config)
    truth = truth_by_year(world)
    for year, table in year_tables(true_histories(world))[0].items():
        yield Cell(label, "true", config.seed, year, truth[year], [table])
    if not linked:
        return
    with tempfile.TemporaryDirectory() as tmp:
        run_dir, histories = _link(config, Path(tmp))
        linked = year_tables(histories)[0]
        for year, table in linked.items():
            if year in truth:
                yield Cell(label, "linked", config.seed, year, truth[year], [table])
        if draws:
            per_draw = [year_tables(h)[0] for h in _draws(run_dir, draws, config.seed)]
            for year in sorted(truth):
                tables = [d[year] for d in per_draw if year in d]
                if len(tables) == draws and year in linked:
                    # the run's own table first: the release widens its figure by the draws'
                    yield Cell(label, "linked+draws", config.seed, year, truth[year],
                               [linked[year], *tables])  # fmt: skip


def _link(config: WorldConfig, home: Path) -> tuple[Path, pd.DataFrame]:
    """Encode, take in and link the world as the demo does; the run's capture histories."""
    from zichtbaar.config import settings_from_env
    from zichtbaar.link.run import open_run, run_linkage
    from zichtbaar.pipeline import demo_snapshot

    settings = settings_from_env({"ZICHTBAAR_HOME": str(home / "home")})
    snap = demo_snapshot(settings, config=config)
    run = run_linkage(snap.snapshot_dir, settings.runs_dir, run_id="validity")
    con = open_run(settings.runs_dir, run.run_id)
    try:
        histories = con.execute("SELECT * FROM capture_histories").df()
    finally:
        con.close()
    return settings.runs_dir / run.run_id, histories


def _draws(run_dir: Path, m: int, seed: int) -> list[pd.DataFrame]:
    from zichtbaar.link.draws import draw_histories

    return list(draw_histories(run_dir, m, seed))


def classic_cells(scenario: str, reps: int, n: int = 3000) -> Iterator[Cell]:
    from tests.estimate.populations import classic_histories

    lists = ["police", "inspection", "care", "youth_municipal", "other"]
    for r in range(reps):
        h = classic_histories(scenario, np.random.default_rng([20261207, r]), n)
        yield Cell(f"classic:{scenario}", "true", r, None, n,
                   [patterns_from_histories(h, lists, [COVARIATE, GROUP])])  # fmt: skip
