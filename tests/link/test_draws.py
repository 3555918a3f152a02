"""Linkage draws on a small synthetic world run: a certain linkage gives the run's own clustering,
draws are reproducible, they spread around the run, and the CLI combines them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.link.linked_world import link_small_world
from zichtbaar.link.calibration import CalibrationMap, fit_isotonic, reliability
from zichtbaar.link.draws import draw_histories, run_histories


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("draws")
    link_small_world(tmp, 4, "w")
    return tmp / "runs" / "w"


def _key(h: pd.DataFrame) -> pd.DataFrame:
    flags = sorted(c for c in h.columns if c.startswith(("rt_", "org_")))
    cols = ["year", "form", "age_group", "gender", *flags]
    return h[cols].sort_values(cols).reset_index(drop=True)


def test_a_certain_linkage_draws_the_runs_own_clustering(run_dir: Path) -> None:
    """Probabilities mapped to 0 below the run's threshold and 1 above: every draw keeps exactly
    the run's links, so its histories are the run's."""
    threshold = float(json.loads((run_dir / "run.json").read_text())["threshold"])
    step = CalibrationMap([threshold - 1e-9, threshold], [0.0, 1.0])
    run = run_histories(run_dir)
    for drawn in draw_histories(run_dir, 2, seed=3, calibration=step):
        pd.testing.assert_frame_equal(_key(drawn), _key(run), check_dtype=False)


def test_draws_are_reproducible_and_spread_around_the_run(run_dir: Path) -> None:
    a = [len(h) for h in draw_histories(run_dir, 4, seed=9)]
    b = [len(h) for h in draw_histories(run_dir, 2, seed=9)]
    assert a[:2] == b  # draw i does not depend on how many are drawn
    run = len(run_histories(run_dir))
    assert max(abs(n - run) for n in a) < 0.05 * run
    # links kept at half their probability: every draw loses links, so it has more persons,
    # and draws differ from each other
    half = [
        len(h)
        for h in draw_histories(
            run_dir, 3, seed=9, calibration=CalibrationMap([0.0, 1.0], [0.0, 0.5])
        )
    ]
    assert min(half) > run and len(set(half)) > 1


def test_reliability_by_hand() -> None:
    r = reliability([0.05, 0.05, 0.95, 0.95], [False, True, True, True], bins=10)
    assert [b.pairs for b in r.bins] == [2, 2]
    assert r.bins[0].observed == 0.5 and r.bins[1].observed == 1.0
    assert r.ece == pytest.approx((2 * 0.45 + 2 * 0.05) / 4)


def test_estimate_cli_combines_linkage_draws(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zichtbaar.cli import app
    from zichtbaar.config import get_settings

    monkeypatch.setenv("ZICHTBAAR_HOME", str(run_dir.parent.parent))
    get_settings.cache_clear()
    try:
        res = CliRunner().invoke(
            app, ["estimate", "--run", "w", "--linkage-draws", "3", "--model", "main", "--json"]
        )
    finally:
        get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    rows = out if isinstance(out, list) else out.get("estimates", [out])
    assert rows and all(np.isfinite(r["estimate"]) for r in rows)


def test_isotonic_repairs_overconfidence_on_unseen_data() -> None:
    rng = np.random.default_rng(1)

    def world(n: int) -> tuple[np.ndarray, np.ndarray]:
        truth = rng.random(n)
        y = rng.random(n) < truth
        z = np.log(truth / (1 - truth))
        return 1 / (1 + np.exp(-3 * z)), y  # over-confident scores

    p, y = world(5000)
    cal = fit_isotonic(p, y)
    p2, y2 = world(5000)
    assert reliability(cal(p2), y2).ece < reliability(p2, y2).ece / 2
