"""``zichtbaar link``: link a snapshot into a run; ``zichtbaar link evaluate``: accuracy vs truth."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from zichtbaar.config import get_settings

THRESHOLD = 0.6
"""``LinkModel.threshold``, written out so that ``--help`` needs no import of splink."""

link_app = typer.Typer(
    help="Probabilistic linkage (splink) of a snapshot into persons, events and capture histories.",
    invoke_without_command=True,
)


@link_app.callback()
def link(
    ctx: typer.Context,
    snapshot: Path | None = typer.Option(None, "--snapshot", help="The intake's snapshot dir."),
    runs: Path | None = typer.Option(None, "--runs", help="Runs directory (default: home/runs)."),
    run_id: str | None = typer.Option(None, "--run-id"),
    threshold: float = typer.Option(THRESHOLD, "--threshold", min=0.0, max=1.0),
    engine: str = typer.Option(
        "duckdb", "--engine", help="duckdb, or spark (settings: ZICHTBAAR_SPARK_*, docs/spark.md)."
    ),
    previous_run: str | None = typer.Option(
        None, "--previous-run", help="Keep this run's person ids where the data allows."
    ),
    incremental: bool = typer.Option(
        False, "--incremental", help="Score only new registrations with the previous model."
    ),
) -> None:
    """Link a snapshot into a new, immutable run."""
    from zichtbaar.link.model import LinkModel
    from zichtbaar.link.run import ENGINES, run_linkage

    if ctx.invoked_subcommand is not None:
        return
    if snapshot is None:
        raise typer.BadParameter("--snapshot is required", param_hint="--snapshot")
    if engine not in ENGINES:
        raise typer.BadParameter(f"choose one of {', '.join(ENGINES)}", param_hint="--engine")
    info = run_linkage(
        snapshot,
        runs or get_settings().runs_dir,
        run_id,
        model=LinkModel(threshold=threshold),
        previous_run=previous_run,
        incremental=incremental,
        engine=engine,
    )
    typer.echo(json.dumps(info.to_dict(), indent=2))


@link_app.command("evaluate")
def evaluate(
    truth: Path = typer.Option(..., "--truth", exists=True, dir_okay=False),
    run: str | None = typer.Option(None, "--run", help="Run id (default: the latest)."),
    runs: Path | None = typer.Option(None, "--runs"),
    charts: Path | None = typer.Option(
        None, "--charts", help="Directory for the reliability chart of the match probabilities."
    ),
) -> None:
    """Pairwise and cluster precision/recall/F1 of a run against a truth CSV, the blocking
    recall (the share of true pairs the run's blocking rules proposed at all) and, where the
    truth names register events, the register linkage's precision and recall. The truth may
    name registrations by their id at the hub or by the organisation's record id (a synthetic
    world's truth/records.csv). The calibration of the match probabilities (expected calibration
    error, Brier score) is measured on the scored pairs the truth names."""
    from zichtbaar.link.assess import evaluate_run
    from zichtbaar.link.evaluate import read_truth
    from zichtbaar.link.run import latest_run

    runs_dir = runs or get_settings().runs_dir
    run_id = run or latest_run(runs_dir)
    report = evaluate_run(runs_dir, run_id, read_truth(truth), charts)
    typer.echo(json.dumps(report, indent=2))


def register(app: typer.Typer) -> None:
    app.add_typer(link_app, name="link")
