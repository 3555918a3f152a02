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
from zichtbaar.estimate.procedures import combine_figures, run_procedure
from zichtbaar.estimate.published import year_tables
from zichtbaar.link.calibration import CalibrationMap, fit_isotonic, reliability
from zichtbaar.link.draws import draw_histories, run_histories
from zichtbaar.synth import World


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    tmp = tmp_path_factory.mktemp("draws")
    world = link_small_world(tmp, 4, "w")
    return tmp / "runs" / "w", world


@pytest.fixture(scope="module")
def run_dir(linked: tuple[Path, World]) -> Path:
    return linked[0]


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


def test_with_draws_the_interval_is_wider_and_covers_the_world_at_least_as_often(
    linked: tuple[Path, World],
) -> None:
    """Per year of the world: the log-linear interval over the run's histories against the one
    the release publishes with four linkage draws (the run's widened by the draws' spread).
    Never narrower, and it contains the world's true number in at least as many years (the
    acceptance of [estimate-validity], point 4); some year must actually widen."""
    run_dir, world = linked
    truth = dict(zip(world.totals["year"], world.totals["true_victims"], strict=True))
    run = year_tables(run_histories(run_dir))[0]
    draws = [year_tables(h)[0] for h in draw_histories(run_dir, 4, seed=5)]
    covered = {"run": 0, "draws": 0}
    widened = 0
    years = [y for y in run if all(y in d for d in draws)]
    assert len(years) >= 8
    for y in years:
        alone = run_procedure("loglinear", run[y], seed=1)
        both = combine_figures(
            [run_procedure("loglinear", d[y], seed=1) for d in draws], base=alone
        )
        assert alone.ok and both.ok
        assert both.ci_low <= alone.ci_low and both.ci_high >= alone.ci_high
        widened += both.ci_high - both.ci_low > 1.001 * (alone.ci_high - alone.ci_low)
        covered["run"] += alone.ci_low <= truth[y] <= alone.ci_high
        covered["draws"] += both.ci_low <= truth[y] <= both.ci_high
    assert covered["draws"] >= covered["run"], covered
    assert widened > 0


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


def test_evaluation_measures_calibration_and_draws_the_reliability_chart(
    run_dir: Path, tmp_path: Path
) -> None:
    """``zichtbaar link evaluate --charts``: the run's match probabilities against the world's
    truth, as figures in the report and as a reliability chart (the run itself is not touched)."""
    from zichtbaar.link.assess import evaluate_run
    from zichtbaar.link.evaluate import read_truth

    before = sorted(p.name for p in run_dir.rglob("*"))
    truth = read_truth(run_dir.parent.parent / "world" / "truth" / "records.csv")
    report = evaluate_run(run_dir.parent, run_dir.name, truth, charts=tmp_path / "eval")
    cal = report["calibration"]
    assert isinstance(cal, dict)
    assert cal["pairs"] > 100 and 0.0 <= cal["ece"] < 0.05 and 0.0 <= cal["brier"] < 0.05
    spec = json.loads((tmp_path / "eval" / "reliability.json").read_text())
    assert "Calibration of the match probabilities" in json.dumps(spec)
    figures = json.loads((tmp_path / "eval" / "reliability_figures.json").read_text())
    assert sum(b["pairs"] for b in figures["bins"]) == cal["pairs"]
    assert sorted(p.name for p in run_dir.rglob("*")) == before
