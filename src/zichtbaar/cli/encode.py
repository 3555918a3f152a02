"""``zichtbaar encode`` and ``zichtbaar keys``: run at the reporting organisation, never at the hub."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from zichtbaar.errors import EncodeError

if TYPE_CHECKING:
    from zichtbaar.encode.keys import LinkageKey
    from zichtbaar.standard.models import PackageKind

keys_app = typer.Typer(
    help="The linkage secret: create and rotate key files (mode 0600).", no_args_is_help=True
)


@keys_app.command("new")
def keys_new(out: Path = typer.Option(..., "--out", "-o", help="Key file to create.")) -> None:
    """Create a new linkage secret."""
    from zichtbaar.encode.keys import load_key, new_key, save_key

    try:
        key = save_key(new_key(), out)
    except EncodeError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(f"key {load_key(key).key_id} written to {out} (mode 0600)")


@keys_app.command("rotate")
def keys_rotate(
    keyfile: Path = typer.Argument(..., help="The current key file."),
    out: Path = typer.Option(..., "--out", "-o", help="Key file to create for the new key."),
) -> None:
    """Create a successor key with a new key id; re-encode open registrations with it."""
    from zichtbaar.encode.keys import load_key, rotate, save_key

    try:
        old = load_key(keyfile)
        fresh = rotate(old)
        save_key(fresh, out)
    except EncodeError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(f"key {fresh.key_id} (replaces {old.key_id}) written to {out} (mode 0600)")


def encode(
    input_file: Path = typer.Argument(..., help="Input file: .csv, .xlsx or .parquet."),
    out: Path = typer.Option(..., "--out", "-o", help="Package directory to create."),
    key: Path | None = typer.Option(None, "--key", help="Linkage key file (not for suspects)."),
    org: str | None = typer.Option(None, "--org", help="Organisation id, e.g. police-nl."),
    reporter_type: str | None = typer.Option(None, "--reporter-type", help="Reporter-type code."),
    mapping: Path | None = typer.Option(
        None,
        "--mapping",
        help="Mapping profile (YAML) for the organisation's own export: columns, dates, labels.",
    ),
    kind: str = typer.Option(
        "registrations", "--kind", help="registrations|register_events|suspects"
    ),
    created_at: str | None = typer.Option(
        None, "--created-at", help="Manifest time (ISO 8601), for reproducible packages."
    ),
) -> None:
    """Encode an organisation's file into a package for the hub."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from zichtbaar.encode.keys import load_key
    from zichtbaar.encode.package import encode_file

    console = Console(stderr=True)
    if mapping is None and (org is None or reporter_type is None):
        raise typer.BadParameter("give --org and --reporter-type, or a --mapping profile")
    if kind not in ("registrations", "register_events", "suspects"):
        raise typer.BadParameter(
            "use registrations, register_events or suspects", param_hint="--kind"
        )
    package_kind: PackageKind = kind  # type: ignore[assignment]
    try:
        when = dt.datetime.fromisoformat(created_at) if created_at else None
    except ValueError:
        raise typer.BadParameter("not an ISO 8601 date-time", param_hint="--created-at") from None
    try:
        linkage_key = load_key(key) if key else None
        with Progress(
            TextColumn("encoding"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("encode", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            if mapping is not None:
                _encode_mapped(
                    input_file,
                    mapping,
                    linkage_key,
                    out,
                    org,
                    reporter_type,
                    package_kind,
                    when,
                    advance,
                )
                return
            assert org is not None and reporter_type is not None
            result = encode_file(
                input_file,
                linkage_key,
                org,
                reporter_type,
                package_kind,
                out,
                created_at=when,
                progress=advance,
            )
    except EncodeError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None
    for note in result.notes:
        typer.echo(f"note: {note}")
    typer.echo(
        f"package {result.package_dir}: {result.rows_encoded} rows encoded, "
        f"{result.rows_rejected} rows rejected, {result.warnings} warnings "
        f"(details without values: {result.rejects_path})"
    )


def _encode_mapped(
    input_file: Path,
    mapping: Path,
    key: LinkageKey | None,
    out: Path,
    org: str | None,
    reporter_type: str | None,
    kind: PackageKind,
    when: dt.datetime | None,
    advance: Callable[[int, int], None],
) -> None:
    from zichtbaar.encode.export import encode_export
    from zichtbaar.encode.mapping import load_profile

    profile = load_profile(mapping)
    result = encode_export(
        input_file, profile, key, out, org, reporter_type, kind, when, progress=advance
    )
    for note in result.notes:
        typer.echo(f"note: {note}")
    typer.echo(
        f"package {out}: {result.encoded.rows_encoded} rows encoded, "
        f"{result.rows_rejected} rows rejected, {result.warnings} warnings "
        f"(by your row numbers and column names, without values: {result.encoded.rejects_path})"
    )
    for field, labels in sorted(result.unmapped.items()):
        typer.echo(
            f"  {profile.column_label(field)}: {len(labels)} label(s) not in the mapping "
            f"(add them under values.{field} in {mapping.name}): {', '.join(sorted(labels))}"
        )


def register(app: typer.Typer) -> None:
    app.command("encode")(encode)
    app.add_typer(keys_app, name="keys")
