"""Reporter records of a synthetic world, as each organisation holds them, with the truth beside.

The world (``zichtbaar.synth``) is built at the scale that yields about the wanted number of
reporter rows; a seeded sample then takes exactly that many, so the clear-text and the encoded
side link the very same records. Registers are left out (``nonvictims_per_victim=0``): this job
is the deduplication of registrations only, and the synth's random streams are per component, so
the reporter records do not change with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from zichtbaar.synth import VICTIM_COLUMNS, WorldConfig, build_world

REPORTER_ROWS_AT_SCALE_1 = 14_461
"""Reporter rows of the default world at scale 1 (seed 1; ``bench/results/synth.json``)."""
HEADROOM = 1.1
"""Build a little more than needed: the row count varies with the seed."""
MAX_SCALE = 10.0
"""``WorldConfig`` refuses larger scales: about 145,000 reporter rows."""

SOURCES = "sources"
"""Per-organisation Parquet files, as the organisation holds them (the encoder's input)."""
TRUTH = "truth.parquet"
"""registration_id -> person_id."""


@dataclass(frozen=True)
class Records:
    """Where the sampled records were written and how many there are."""

    root: Path
    registrations: int
    true_persons: int
    scale: float

    @property
    def sources(self) -> Path:
        return self.root / SOURCES

    @property
    def truth(self) -> Path:
        return self.root / TRUTH


def scale_for(registrations: int) -> float:
    """The world scale that gives at least ``registrations`` reporter rows (capped by synth)."""
    return min(MAX_SCALE, max(0.01, registrations / REPORTER_ROWS_AT_SCALE_1 * HEADROOM))


def write_records(root: Path, registrations: int, seed: int = 1) -> Records:
    """Build a world, sample ``registrations`` reporter rows and write them under ``root``.

    Each organisation's rows go to ``sources/<org>.parquet`` with the columns of
    ``VictimSource``; record ids (``<org>-000001``) are unique across organisations and serve as
    registration ids on both sides.
    """
    scale = scale_for(registrations)
    # the hard scenario: REPORTER_ROWS_AT_SCALE_1 and the bench's figures are of that world
    world = build_world(
        WorldConfig(seed=seed, scale=scale, nonvictims_per_victim=0.0, scenario="hard")
    )
    frames = [f.assign(org=org) for org, f in world.reporters.items() if len(f)]
    rows = pd.concat(frames, ignore_index=True)
    rng = np.random.default_rng(seed)
    if len(rows) > registrations:
        keep = np.sort(rng.choice(len(rows), size=registrations, replace=False))
        rows = rows.iloc[keep].reset_index(drop=True)
    reporter_rows = world.records[world.records["source"].str.startswith("reporters/")]
    truth = reporter_rows.set_index("record_id")["person_id"].reindex(rows["record_id"])
    sources = root / SOURCES
    sources.mkdir(parents=True, exist_ok=True)
    text = pa.schema([pa.field(c, pa.string()) for c in VICTIM_COLUMNS])
    for org, frame in rows.groupby("org", sort=True):
        columns = {c: [None if pd.isna(v) else str(v) for v in frame[c]] for c in VICTIM_COLUMNS}
        pq.write_table(pa.table(columns, schema=text), sources / f"{org}.parquet")
    pd.DataFrame(
        {"registration_id": rows["record_id"].to_numpy(), "person_id": truth.to_numpy()}
    ).to_parquet(root / TRUTH, index=False)
    return Records(root, len(rows), truth.nunique(), scale)


def read_sources(path: Path) -> list[dict[str, str | None]]:
    """One organisation's rows, every cell text or None (as the encoder's reader gives them)."""
    rows: list[dict[str, str | None]] = pq.read_table(path).to_pylist()
    return rows


def read_truth(root: Path) -> dict[str, str]:
    frame = pd.read_parquet(root / TRUTH)
    return dict(zip(frame["registration_id"], frame["person_id"], strict=True))
