"""``zichtbaar submit``: hand an encoded package to the hub over HTTP."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from zichtbaar.errors import ZichtbaarError


def submit(
    package: Path = typer.Argument(
        ..., help="The package directory written by `zichtbaar encode`."
    ),
    hub: str = typer.Option("http://127.0.0.1:8000", "--hub", help="The hub's base URL."),
    api_key_file: Path | None = typer.Option(
        None,
        "--api-key-file",
        help="File holding the organisation's API key (else ZICHTBAAR_API_KEY).",
    ),
) -> None:
    """Submit a package to the hub and show what happened to every row."""
    from rich.console import Console
    from rich.table import Table

    from zichtbaar.encode.submit import submit_package

    key = api_key_file.read_text().strip() if api_key_file else os.environ.get("ZICHTBAAR_API_KEY")
    if not key:
        raise typer.BadParameter("give --api-key-file or set ZICHTBAAR_API_KEY")
    console = Console()
    try:
        report = submit_package(package, hub, key)
    except ZichtbaarError as err:
        console.print(f"[red]not submitted:[/] {err}")
        raise typer.Exit(2) from None
    console.print(
        f"submission {report['submission_id']}: {report['accepted']:,} rows stored, "
        f"{report['quarantined']:,} quarantined"
        + (" (already submitted earlier)" if report.get("duplicate") else "")
    )
    problems = report.get("problems") or []
    if problems:
        table = Table(title="Quarantined rows")
        for col in ("row", "field", "reason"):
            table.add_column(col)
        for p in problems:
            table.add_row(str(p["row"]), str(p["field"]), str(p["reason"]))
        console.print(table)


def register(app: typer.Typer) -> None:
    app.command("submit")(submit)
