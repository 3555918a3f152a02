"""A small synthetic world taken through the whole chain (encode, intake, snapshot, link), for
the tests that need a real run of the world (its year rule, its linkage draws)."""

from __future__ import annotations

from pathlib import Path

from zichtbaar.encode.keys import new_key
from zichtbaar.encode.package import encode_file
from zichtbaar.intake import export_snapshot, ingest_package
from zichtbaar.link.run import run_linkage
from zichtbaar.store import add_organisation, open_store, register_key_id
from zichtbaar.synth import World, WorldConfig, build_world, write_world


def link_small_world(tmp: Path, seed: int, run_id: str) -> World:
    """Build ``WorldConfig.small(seed)``, encode every reporter's file as that organisation,
    take the packages in, snapshot and link into ``tmp / "runs" / run_id``."""
    world = build_world(WorldConfig.small(seed=seed))
    write_world(world, tmp / "world")
    key = new_key()
    store = open_store(f"sqlite:///{tmp / 'hub.sqlite'}", key_file=tmp / "hub-key.json")
    try:
        register_key_id(store, key.key_id, "test")
        for org in world.organisations.itertuples():
            add_organisation(store, org.org, org.name, org.reporter_type, "test")
            pkg = tmp / "packages" / org.org
            src = tmp / "world" / "reporters" / f"{org.org}.csv"
            encode_file(src, key, org.org, org.reporter_type, "registrations", pkg)
            ingest_package(store, pkg, org.org, "test")
        export_snapshot(store, tmp / "snap")
    finally:
        store.close()
    run_linkage(tmp / "snap", tmp / "runs", run_id)
    return world
