"""zichtbaar's own path: encode each organisation's file, assemble a snapshot, ``run_linkage``.

Encoding goes through ``encode_file`` (validation, normalisation, tokens, Bloom filter with the
default schema, the package) so the bench always measures the defaults of the day. The snapshot
is assembled from the packages directly instead of through intake and the operational store:
intake re-encrypts the tokens under the hub key, which keeps equal tokens equal, so the linkage
sees the same equalities; its cost is not the linkage's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from zichtbaar.encode.keys import new_key
from zichtbaar.encode.package import encode_file
from zichtbaar.standard.package import DATA_FILE

PACKAGES = "packages"
SNAPSHOT = "snapshot"
RUNS = "runs"
RUN_ID = "encoded"


def encode_sources(sources: Path, work: Path, reporter_types: dict[str, str]) -> dict[str, Any]:
    """One package per organisation under a fresh linkage key (the default schema of the day);
    rows encoded and rejected, and the schema version used."""
    key = new_key()
    encoded = rejected = 0
    schema = ""
    for path in sorted(sources.glob("*.parquet")):
        org = path.stem
        result = encode_file(
            path, key, org, reporter_types[org], "registrations", work / PACKAGES / org
        )
        encoded += result.rows_encoded
        rejected += result.rows_rejected
        schema = result.manifest.schema_version
    return {"encoded": encoded, "rejected": rejected, "schema_version": schema}


def make_snapshot(work: Path, reporter_types: dict[str, str]) -> Path:
    """``registrations.parquet`` as ``export_snapshot`` writes it, from the packages."""
    frames = []
    for pkg in sorted((work / PACKAGES).iterdir()):
        if not pkg.is_dir():
            continue
        frame = pd.read_parquet(pkg / DATA_FILE)
        frame.insert(0, "registration_id", frame["record_id"])
        frame.insert(1, "org", pkg.name)
        frame.insert(2, "reporter_type", reporter_types[pkg.name])
        frame["statistics_only"] = frame["legal_basis"] == "none"
        frames.append(frame)
    out = work / SNAPSHOT
    out.mkdir(parents=True, exist_ok=True)
    pd.concat(frames, ignore_index=True).to_parquet(out / "registrations.parquet", index=False)
    return out


def link_encoded(work: Path) -> dict[str, Any]:
    """``run_linkage`` with the default ``LinkModel``; the mapping and the run's counts."""
    from zichtbaar.link.run import person_of_registration, run_linkage

    info = run_linkage(work / SNAPSHOT, work / RUNS, RUN_ID)
    mapping = person_of_registration(work / RUNS, RUN_ID)
    return {
        "mapping": mapping,
        "matched_pairs": info.dedupe_pairs,
        "persons": info.persons,
        "registrations": info.registrations,
    }
