"""``zichtbaar standard``: the data standard (JSON Schema, code lists)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from zichtbaar.types import Lang

standard_app = typer.Typer(
    help="The data standard: JSON Schema and code lists.", no_args_is_help=True
)


@standard_app.command("schema")
def schema(
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file."),
) -> None:
    """Print (or write) the JSON Schema of the data standard."""
    from zichtbaar.standard.schema import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"written: {out}")


@standard_app.command("codes")
def codes(
    name: str | None = typer.Argument(None, help="A code list; all lists when left out."),
    lang: Lang = typer.Option(Lang.EN, "--lang"),
) -> None:
    """Show code lists with their labels."""
    from rich.console import Console
    from rich.table import Table

    from zichtbaar.standard.codes import CODE_LISTS

    names = [name] if name else list(CODE_LISTS)
    console = Console()
    for n in names:
        if n not in CODE_LISTS:
            raise typer.BadParameter(
                f"no code list called '{n}'; try one of: {', '.join(CODE_LISTS)}"
            )
        cl = CODE_LISTS[n]
        table = Table(title=f"{cl.title(lang)} ({n})")
        table.add_column("code")
        table.add_column("label")
        for c in cl:
            table.add_row(c.code, c.label(lang))
        console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(standard_app, name="standard")
