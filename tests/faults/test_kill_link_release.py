"""kill -9 of ``zichtbaar link`` and ``zichtbaar release`` mid-way: nothing half-done is visible.

A run is visible (``latest_run``, ``open_run``) only once its ``run.json`` is written, last; a
release only once its ``.partial`` directory is renamed into place. After the kill the same
command, with the same name, runs again to completion.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.faults.processes import BIN, cli, hub_env, kill9, wait_until
from tests.snapshot_factory import make_snapshot
from zichtbaar.disclosure.release import load_release, published_releases
from zichtbaar.link.run import latest_run, open_run

# One linked run per module: keep these tests on one xdist worker (``make test`` uses loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults-linked")]


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One complete run ``r0`` (linking is the slow part), copied into each test's own home."""
    base = tmp_path_factory.mktemp("linked")
    snap = base / "snap"
    make_snapshot(snap, n_persons=200, seed=3)
    res = cli(hub_env(base / "home"), "link", "--snapshot", str(snap), "--run-id", "r0")
    assert res.returncode == 0, res.stderr[-2000:]
    return base / "home", snap


@pytest.fixture
def hub(linked: tuple[Path, Path], tmp_path: Path) -> tuple[dict[str, str], Path, Path]:
    home = tmp_path / "home"
    shutil.copytree(linked[0], home)
    return hub_env(home), home, linked[1]


def test_kill_during_linkage_leaves_no_visible_run(
    hub: tuple[dict[str, str], Path, Path], tmp_path: Path
) -> None:
    env, home, snap = hub
    runs = home / "runs"
    proc = subprocess.Popen(
        [str(BIN), "link", "--snapshot", str(snap), "--run-id", "r1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert wait_until(lambda: (runs / "r1").is_dir() or proc.poll() is not None, timeout=600)
    time.sleep(0.3)  # splink is training / predicting
    assert proc.poll() is None, "the run finished before the kill"
    kill9(proc)
    assert latest_run(runs) == "r0"
    assert not (runs / "r1" / "run.json").exists()
    # Re-running the interrupted run under the same id works and then becomes the latest.
    res = cli(env, "link", "--snapshot", str(snap), "--run-id", "r1")
    assert res.returncode == 0, res.stderr[-2000:]
    assert latest_run(runs) == "r1"
    con = open_run(runs, "r1")
    assert con.execute("SELECT count(*) FROM persons").fetchone()[0] > 0  # type: ignore[index]
    con.close()


def test_kill_during_release_publishes_nothing_partial(
    hub: tuple[dict[str, str], Path, Path],
) -> None:
    env, home, _ = hub
    releases = home / "releases"
    args = ("release", "rel-a", "--from", "2016", "--to", "2020", "--run", "r0")
    proc = subprocess.Popen(
        [str(BIN), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    # Kill as soon as the release starts writing (or, if we miss that, right after it finished).
    wait_until(lambda: (releases / "rel-a.partial").exists() or proc.poll() is not None, 300, 0.005)
    if proc.poll() is None:
        kill9(proc)
    names = [r.name for r in published_releases(releases)]
    if (releases / "rel-a").exists():
        assert names == ["rel-a"] and load_release(releases, "rel-a").tables
    else:
        assert names == []
        res = cli(env, *args)
        assert res.returncode == 0, res.stderr[-2000:]
        assert [r.name for r in published_releases(releases)] == ["rel-a"]
    assert cli(env, "admin", "verify-audit").returncode == 0


def test_stale_partial_release_does_not_block_a_rerun(
    hub: tuple[dict[str, str], Path, Path],
) -> None:
    env, home, _ = hub
    # What a kill inside the release's final write leaves behind.
    stale = home / "releases" / "rel-b.partial" / "tables"
    stale.mkdir(parents=True)
    (stale / "half.csv").write_text("year,va")
    assert published_releases(home / "releases") == []
    res = cli(env, "release", "rel-b", "--from", "2016", "--to", "2020", "--run", "r0")
    assert res.returncode == 0, res.stderr[-2000:]
    assert [r.name for r in published_releases(home / "releases")] == ["rel-b"]
    assert not (home / "releases" / "rel-b.partial").exists()
