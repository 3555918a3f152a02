"""``zichtbaar mapping``: suggest and check a mapping profile for an organisation's own export."""

from __future__ import annotations

from pathlib import Path

import typer

mapping_app = typer.Typer(
    help="Mapping profiles: an organisation's own export in the standard's terms.",
    no_args_is_help=True,
)


@mapping_app.command("suggest")
def suggest_cmd(
    export: Path = typer.Argument(..., help="The organisation's export: .csv or .xlsx."),
    out: Path = typer.Option(..., "--out", "-o", help="Profile (YAML) to write."),
    org: str | None = typer.Option(None, "--org", help="Organisation id to store in it."),
    reporter_type: str | None = typer.Option(None, "--reporter-type"),
) -> None:
    """Suggest a profile from the export's headers and values; read and correct it before use."""
    from zichtbaar.encode.mapping import dump_profile
    from zichtbaar.encode.package import source_columns
    from zichtbaar.encode.reader import read_table
    from zichtbaar.encode.suggest import suggest
    from zichtbaar.errors import EncodeError

    try:
        table = read_table(export)
        found = suggest(table, source_columns("registrations")[0])
    except EncodeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    profile = found.profile.model_copy(update={"organisation": org, "reporter_type": reporter_type})
    if out.exists():
        typer.echo(f"error: {out} exists; choose another name", err=True)
        raise typer.Exit(2)
    out.write_text(dump_profile(profile), "utf-8")
    mapped = {c for f in profile.fields for c in profile.columns_of(f)}
    for field in profile.fields:
        typer.echo(f"  {profile.column_label(field):<32} -> {field}")
    for col in table.columns:
        if col not in mapped:
            typer.echo(f"  {col:<32} -> (not sent)")
    for _, en in found.notes:
        typer.echo(f"note: {en}")
    for field, labels in found.unmapped.items():
        typer.echo(f"decide: {field}: no code known for {', '.join(labels)}")
    typer.echo(f"profile written to {out}")


@mapping_app.command("check")
def check_cmd(
    export: Path = typer.Argument(..., help="The organisation's export."),
    mapping: Path = typer.Option(..., "--mapping", help="The profile (YAML)."),
    lang: str = typer.Option("en", "--lang", help="nl or en."),
) -> None:
    """List every problem of the export under the profile, by row and column, encoding nothing."""
    from zichtbaar.encode.export import check_export
    from zichtbaar.encode.mapping import load_profile
    from zichtbaar.errors import EncodeError

    try:
        _, mapped = check_export(export, load_profile(mapping))
    except EncodeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for p in mapped.problems:
        typer.echo(f"row {p.row}, {p.column}: {p.reason(lang)} [{p.action}]")
    typer.echo(f"{len(mapped.table.rows)} rows would be sent, {len(mapped.problems)} problems")


def register(app: typer.Typer) -> None:
    app.add_typer(mapping_app, name="mapping")
