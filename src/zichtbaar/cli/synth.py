"""``zichtbaar synth``: generate a synthetic world (reporter files, registers, suspects, truth)."""

from __future__ import annotations

from pathlib import Path

import typer

from zichtbaar.errors import SynthError


def synth(
    out: Path = typer.Option(..., "--out", "-o", help="Directory to write the world into."),
    seed: int = typer.Option(1, "--seed", help="Random seed; the same seed gives the same files."),
    start_year: int = typer.Option(2014, "--start-year"),
    end_year: int = typer.Option(2023, "--end-year"),
    scale: float = typer.Option(1.0, "--scale", help="1.0 is the Netherlands; 0.05 a test world."),
    nonvictims_per_victim: float = typer.Option(
        4.0, "--nonvictims-per-victim", help="Non-victims in each register per victim event."
    ),
    scenario: str = typer.Option(
        "default",
        "--scenario",
        help="Detection: 'default' (calibrated to the real Dutch overlaps) or 'hard' "
        "(minors nearly invisible to every list; estimation must refuse).",
    ),
) -> None:
    """Generate a synthetic world of trafficking victims, reporters and registers, with its truth."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from zichtbaar.synth import STEPS, WorldConfig, build_world, write_world

    try:
        config = WorldConfig(
            seed=seed,
            start_year=start_year,
            end_year=end_year,
            scale=scale,
            nonvictims_per_victim=nonvictims_per_victim,
            scenario=scenario,
        )
    except SynthError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("synth", total=len(STEPS) + 1)

        def advance(step: str) -> None:
            progress.update(task, description=step, completed=STEPS.index(step))

        world = build_world(config, progress=advance)
        progress.update(task, description="writing", completed=len(STEPS))
        written = write_world(world, out)
        progress.update(task, description="done", completed=len(STEPS) + 1)
    table = Table(title=f"Synthetic world ({scenario}, seed {seed}, scale {scale:g}) in {out}")
    table.add_column("year", justify="right")
    for col in ("true victims", "detected", "registered with basis", "consented (other orgs)"):
        table.add_column(col, justify="right")
    for row in world.totals.itertuples(index=False):
        table.add_row(
            str(row.year),
            f"{row.true_victims:,}",
            f"{row.detected:,}",
            f"{row.registered_with_basis:,}",
            f"{row.consented_other:,}",
        )
    Console().print(table)
    s = world.summary
    Console().print(
        f"{s['reporter_rows']:,} reporter rows from {s['organisations']} organisations, "
        f"{s['register_rows']:,} register rows ({s['non_victims']:,} non-victims), "
        f"{s['suspects']:,} suspects; {len(written)} files."
    )


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
