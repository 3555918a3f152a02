"""``zichtbaar programme``: import, export, check and update the action programme."""

from __future__ import annotations

import getpass
from enum import StrEnum
from pathlib import Path

import typer

from zichtbaar.errors import ZichtbaarError

STATUSES = (
    "not_started",
    "in_preparation",
    "in_progress",
    "delayed",
    "implemented",
    "structurally_embedded",
    "cancelled",
)
"""``programme.Status`` values, written out so that ``--help`` needs no import of the programme."""

programme_app = typer.Typer(help="Programme monitoring: measures and their status.")


class Format(StrEnum):
    YAML = "yaml"
    CSV = "csv"


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _fail(e: ZichtbaarError) -> typer.Exit:
    typer.echo(f"error: {e}", err=True)
    return typer.Exit(1)


@programme_app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    programme_id: str | None = typer.Option(
        None, "--programme", help="For CSV: the stored programme the rows belong to."
    ),
) -> None:
    """Import a programme (YAML) or measure rows (CSV); all or nothing."""
    from zichtbaar.programme import load_programme, parse_csv, parse_yaml, save_programme
    from zichtbaar.store import open_store

    text = file.read_text(encoding="utf-8")
    store = open_store()
    try:
        with store.engine.begin() as conn:
            if file.suffix.lower() == ".csv":
                doc = parse_csv(text, load_programme(conn, programme_id))
            else:
                doc = parse_yaml(text)
            changes = save_programme(conn, doc, _actor())
    except ZichtbaarError as e:
        raise _fail(e) from None
    finally:
        store.close()
    typer.echo(f"imported {len(doc.measures)} measures, {changes} status changes")


@programme_app.command("seed")
def seed() -> None:
    """Import the bundled 2018 programme "Samen tegen mensenhandel" (for the demo)."""
    from zichtbaar.programme import SEED

    import_(SEED, None)


@programme_app.command("export")
def export(
    fmt: Format = typer.Option(Format.YAML, "--format"),
    out: Path | None = typer.Option(None, "--out", "-o"),
    programme_id: str | None = typer.Option(None, "--programme"),
) -> None:
    """Export the stored programme with current statuses."""
    from zichtbaar.programme import dump_csv, dump_yaml, load_programme
    from zichtbaar.store import open_store

    store = open_store()
    try:
        with store.engine.connect() as conn:
            doc = load_programme(conn, programme_id)
    except ZichtbaarError as e:
        raise _fail(e) from None
    finally:
        store.close()
    text = dump_yaml(doc) if fmt == Format.YAML else dump_csv(doc)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"written: {out}")


@programme_app.command("status")
def status(
    measure_id: str = typer.Argument(...),
    new_status: str = typer.Argument(..., help=" | ".join(STATUSES)),
    why: str = typer.Option(..., "--why", help="Why the status changes (kept in the history)."),
) -> None:
    """Record a status change of one measure."""
    from zichtbaar.programme import Status, set_status
    from zichtbaar.store import open_store

    if new_status not in STATUSES:
        raise typer.BadParameter(f"use one of {', '.join(STATUSES)}", param_hint="NEW_STATUS")
    store = open_store()
    try:
        with store.engine.begin() as conn:
            set_status(conn, measure_id, Status(new_status), _actor(), why)
    except ZichtbaarError as e:
        raise _fail(e) from None
    finally:
        store.close()
    typer.echo(f"{measure_id}: {new_status}")


@programme_app.command("check")
def check(programme_id: str | None = typer.Option(None, "--programme")) -> None:
    """List consistency findings; exit code 1 when there are any."""
    from zichtbaar.programme import check_programme, load_programme
    from zichtbaar.store import open_store

    store = open_store()
    try:
        with store.engine.connect() as conn:
            findings = check_programme(load_programme(conn, programme_id))
    except ZichtbaarError as e:
        raise _fail(e) from None
    finally:
        store.close()
    for f in findings:
        typer.echo(f"{f.measure_id}\t{f.check.value}\t{f.message}")
    typer.echo(f"{len(findings)} findings")
    if findings:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(programme_app, name="programme")
