"""A backup holds nothing a reporter's key can test: the dictionary attack on a stolen backup.

Every reporter holds the shared linkage key, and a Bloom filter is deterministic given a person
and that key: a reporter who steals a backup encodes a guessed person and looks the filter up.
Snapshots and runs held the filters open, so the guess found the person's registration (with
date, form, region, age group and nationality); now they are sealed under the hub key.
"""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.encode.people import people, write_csv
from tests.intake.factory import ORG, REPORTER_TYPE
from zichtbaar.encode.keys import new_key
from zichtbaar.encode.package import encode_file
from zichtbaar.errors import StoreError
from zichtbaar.intake import export_snapshot, ingest_package
from zichtbaar.store import Store, register_key_id
from zichtbaar.store.backup import backup_store, restore_store


def _filters(folder: Path, name: str = "data.parquet") -> list[bytes]:
    table = pq.read_table(folder / name, columns=["bloom"])
    return [b for b in table.column("bloom").to_pylist() if b]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_reporters_key_finds_nobody_in_a_backup(store: Store, tmp_path: Path) -> None:
    key = new_key()
    register_key_id(store, key.key_id, actor="test")
    victims = people(30)
    encode_file(
        write_csv(victims, tmp_path / "in.csv"),
        key,
        ORG,
        REPORTER_TYPE,
        "registrations",
        tmp_path / "pkg",
    )  # type: ignore[arg-type]
    ingest_package(store, tmp_path / "pkg", ORG, "test")
    home = tmp_path / "home"
    snap = home / "snapshots" / "s1"
    export_snapshot(store, snap)
    (home / "runs" / "run-1").mkdir(parents=True)
    shutil.copy(snap / "registrations.parquet", home / "runs" / "run-1")

    # The attacker, a reporter: encodes each guessed person alone with the shared key.
    probes = []
    for i, person in enumerate(victims):
        guess = tmp_path / f"guess{i}"
        encode_file(
            write_csv([person], tmp_path / f"g{i}.csv"),
            key,
            ORG,
            REPORTER_TYPE,
            "registrations",
            guess,
        )  # type: ignore[arg-type]
        probes += _filters(guess)
    assert len(probes) == 30
    # The open snapshot holds the filters as column values (its compressed bytes need not hold
    # them verbatim: a byte search there missed 1 in 30 with some keys).
    snapshot = set(_filters(snap, "registrations.parquet"))
    assert sum(p in snapshot for p in probes) == 30  # the attack works on the open files ...

    out = tmp_path / "b.tar"
    backup_store(store, home, out, "test-admin")
    stolen = out.read_bytes()
    assert sum(p in stolen for p in probes) == 0  # ... and finds nobody in the backup
    with tarfile.open(out) as tar:
        names = tar.getnames()
    assert all(n.endswith(".sealed") for n in names if n.startswith(("snapshots/", "runs/")))

    original = (snap / "registrations.parquet").read_bytes()
    restore_store(store, home, out, "test-admin")  # the hub itself, with its key, opens them
    assert (snap / "registrations.parquet").read_bytes() == original
    restored = set(_filters(snap, "registrations.parquet"))
    assert sum(p in restored for p in probes) == 30


def test_a_sealed_member_under_another_key_or_cut_short_is_refused(tmp_path: Path) -> None:
    from zichtbaar.store.sealed_files import open_file, seal_file

    src = tmp_path / "a.bin"
    src.write_bytes(bytes(range(256)) * 10_000)  # 2.5 MB: three chunks
    sealed = tmp_path / "a.sealed"
    seal_file(b"k" * 32, src, sealed)
    open_file(b"k" * 32, sealed, tmp_path / "back.bin")
    assert (tmp_path / "back.bin").read_bytes() == src.read_bytes()
    with pytest.raises(StoreError, match="fails authentication"):
        open_file(b"j" * 32, sealed, tmp_path / "x.bin")
    data = sealed.read_bytes()
    last = data.rfind(b"\x00\x00", 0, len(data))  # any cut at a chunk boundary or inside one
    for cut in (len(data) - 1, len(data) // 2, last):
        (tmp_path / "cut.sealed").write_bytes(data[:cut])
        with pytest.raises(StoreError, match="fails authentication"):
            open_file(b"k" * 32, tmp_path / "cut.sealed", tmp_path / "x.bin")
