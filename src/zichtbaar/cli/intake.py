"""``zichtbaar intake`` and ``zichtbaar withdraw``: hub-side ingest and erasure."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import typer

from zichtbaar.errors import IntakeError, PackageError, StoreError

DEFAULT_MAX_BYTES = 2 * 1024**3
WITHDRAWAL_REASONS = ("consent_withdrawn", "erasure_request", "error")
"""The intake's limits and reasons, written out so that ``--help`` needs no import of it."""

MAX_SHOWN = 200


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def intake_command(
    package_dir: Path = typer.Argument(
        ..., help="The package directory (data.parquet, manifest.json, encoding.json)."
    ),
    org: str = typer.Option(..., "--org", help="The submitting organisation's id at the hub."),
    max_bytes: int = typer.Option(
        int(os.environ.get("ZICHTBAAR_MAX_PACKAGE_BYTES", DEFAULT_MAX_BYTES)),
        "--max-bytes",
        help="Refuse data files larger than this.",
    ),
) -> None:
    """Ingest a package: valid rows are stored, bad rows quarantined with their reasons."""
    from rich.console import Console
    from rich.table import Table

    from zichtbaar.intake import ingest_package
    from zichtbaar.store import open_store

    console = Console()
    try:
        store = open_store()
        report = ingest_package(store, package_dir, org, _actor(), max_bytes=max_bytes)
    except (PackageError, IntakeError, StoreError) as err:
        console.print(f"[red]refused:[/red] {err}")
        raise typer.Exit(2) from None
    head = "duplicate of an earlier submission" if report.duplicate else report.status
    console.print(
        f"submission {report.submission_id} ({report.kind}, {head}): {report.row_count:,} rows, "
        f"{report.accepted:,} stored ({report.corrected:,} corrections), "
        f"{report.unchanged:,} unchanged, {report.quarantined:,} quarantined"
    )
    if report.problems:
        table = Table(title="Quarantined rows")
        for col in ("row", "field", "reason"):
            table.add_column(col)
        for p in report.problems[:MAX_SHOWN]:
            table.add_row(str(p.row), p.field, p.reason)
        console.print(table)
        if len(report.problems) > MAX_SHOWN:
            console.print(f"... and {len(report.problems) - MAX_SHOWN:,} more problems")


def withdraw_command(
    org: str = typer.Option(..., "--org"),
    record_id: str = typer.Option(..., "--record-id"),
    reason: str = typer.Option(..., "--reason", help=" | ".join(WITHDRAWAL_REASONS)),
) -> None:
    """Erase every version of a registration; the audit log keeps only that it happened."""
    from zichtbaar.intake import withdraw
    from zichtbaar.store import open_store

    try:
        receipt = withdraw(open_store(), org, record_id, reason, _actor())
    except (IntakeError, StoreError) as err:
        typer.echo(f"refused: {err}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"withdrawal {receipt.withdrawal_id}: {receipt.removed_rows} stored version(s) erased"
    )


def register(app: typer.Typer) -> None:
    """Add ``intake``, ``withdraw`` and (one registration line for both modules) ``admin``."""
    from zichtbaar.cli import admin

    admin.register(app)
    app.command("intake")(intake_command)
    app.command("withdraw")(withdraw_command)
