"""``zichtbaar report``: render the monitor report of a release as HTML or PDF."""

from __future__ import annotations

from pathlib import Path

import typer

from zichtbaar.config import get_settings
from zichtbaar.errors import ZichtbaarError
from zichtbaar.types import Lang


def report(
    release: str = typer.Option(..., "--release", help="The release to report on."),
    lang: Lang = typer.Option(Lang.NL, "--lang", help="nl or en."),
    fmt: str = typer.Option("html", "--format", help="html or pdf."),
    out: Path | None = typer.Option(None, "--out", help="Directory (default: <home>/reports)."),
) -> None:
    """Render the monitor report of a release (only disclosure-controlled numbers)."""
    from zichtbaar.disclosure.release import load_release
    from zichtbaar.report.render import write_report

    if fmt not in {"html", "pdf"}:
        raise typer.BadParameter("--format is 'html' or 'pdf'")
    settings = get_settings()
    try:
        rel = load_release(settings.releases_dir, release)
        path = write_report(rel, out or settings.reports_dir, lang, fmt)
    except ZichtbaarError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"written: {path}")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
