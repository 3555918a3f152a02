"""``zichtbaar demo``: the whole main job on the synthetic world, with progress bars."""

from __future__ import annotations

import typer

from zichtbaar.config import get_settings
from zichtbaar.errors import ZichtbaarError

STAGES = ("synth", "encode", "intake", "link", "estimate", "release", "report")


def demo(
    seed: int = typer.Option(1, help="Seed of the synthetic world."),
    scale: float = typer.Option(1.0, help="Size of the world (1.0 = the Netherlands)."),
    scenario: str = typer.Option(
        "default", help="'default' (calibrated to real Dutch overlaps) or 'hard' (cannot estimate)."
    ),
) -> None:
    """Run synth → encode → intake → link → tables → report on a synthetic world."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from zichtbaar.pipeline import run_demo
    from zichtbaar.report.render import year_totals
    from zichtbaar.standard.codes import FORMS

    settings = get_settings()
    console = Console()
    console.print(f"[bold]zichtbaar demo[/] into {settings.home}")
    with Progress(
        TextColumn("{task.description:>8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bars:
        tasks = {s: bars.add_task(s, total=None) for s in STAGES}

        def progress(stage: str, done: int, total: int) -> None:
            bars.update(tasks[stage], completed=done, total=total)

        try:
            result = run_demo(
                settings, seed=seed, scale=scale, progress=progress, scenario=scenario
            )
        except ZichtbaarError as err:
            console.print(f"[red]demo stopped:[/] {err}")
            raise typer.Exit(1) from None

    run = result.run
    summary = Table(title="Summary", show_header=False)
    summary.add_row("packages submitted", f"{result.packages}")
    summary.add_row(
        "rows submitted / quarantined", f"{result.rows_submitted:,} / {result.rows_quarantined:,}"
    )
    summary.add_row("registrations → persons", f"{run.registrations:,} → {run.persons:,}")
    summary.add_row("statistics-only persons", f"{run.statistics_only_persons:,}")
    summary.add_row("register events linked", f"{run.linked_events:,} of {run.register_events:,}")
    est = result.release.extra.get("estimate")
    if est:
        summary.add_row(
            f"estimated victims {est['year']} (95 % interval)",
            f"{est['total']:,} ({est['lower']:,}–{est['upper']:,}), {est['observed']:,} registered",
        )
    summary.add_row("release", result.release.name)
    for stage, seconds in result.timings.items():
        summary.add_row(f"time {stage}", f"{seconds:.1f} s")
    console.print(summary)

    main = result.release.table("victims_by_year_form")
    by_year = Table(title="Registered presumed victims (persons) per year, protected")
    by_year.add_column("year")
    by_year.add_column("total", justify="right")
    for year, total in sorted(year_totals(main).items()):
        by_year.add_row(str(year), "·" if total is None else f"{total:,}")
    console.print(by_year)
    console.print(f"forms of exploitation: {len(FORMS)}; suppressed cells are shown as ·")
    for path in result.reports:
        console.print(f"report: [link=file://{path}]{path}[/]")
    console.print(
        "web app on the demo data: [bold]uv run zichtbaar serve --demo[/] "
        "(prints one demo account per role), then open http://127.0.0.1:8000"
    )


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
