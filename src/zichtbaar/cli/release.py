"""``zichtbaar tables`` and ``zichtbaar release``: monitor tables and disclosure-controlled releases."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from zichtbaar.config import get_settings
from zichtbaar.errors import ZichtbaarError
from zichtbaar.types import Lang

if TYPE_CHECKING:  # imported inside the commands: --help stays fast
    import duckdb

METHODS = ("suppression", "rounding", "dp")
MODES = ("protect", "refuse", "off")
"""The disclosure stage's methods and differencing modes, written out for a fast ``--help``."""


def tables(lang: Lang = typer.Option(Lang.EN, "--lang")) -> None:
    """List the monitor tables (the report's and the detail tables)."""
    from rich.console import Console
    from rich.table import Table

    from zichtbaar.stats import DETAIL, REGISTRY

    out = Table(title="monitor tables")
    for col in ("name", "dims", "unit", "title"):
        out.add_column(col)
    for registry, kind in ((REGISTRY, ""), (DETAIL, " (detail)")):
        for d in registry:
            out.add_row(d.name + kind, " × ".join(d.dims), d.unit, d.title(lang))
    Console().print(out)


def release(
    name: str = typer.Argument(..., help="Name of the new (immutable) release."),
    year_from: int = typer.Option(..., "--from"),
    year_to: int = typer.Option(..., "--to"),
    run: str | None = typer.Option(None, "--run", help="Linkage run; the latest when left out."),
    method: str = typer.Option("suppression", "--method", help=f"One of {', '.join(METHODS)}."),
    min_cell: int = typer.Option(10, "--min-cell"),
    group_disclosure: bool = typer.Option(False, "--group-disclosure"),
    base: int = typer.Option(5, "--base", help="Rounding base (method rounding)."),
    epsilon: float | None = typer.Option(None, "--epsilon", help="DP epsilon of this release."),
    budget: float | None = typer.Option(None, "--budget", help="DP budget of the run."),
    detail: bool = typer.Option(False, "--detail", help="Add the multi-way detail tables."),
    estimates: bool = typer.Option(
        True,
        "--estimates/--no-estimates",
        help="Add the estimated hidden number per year, minors in domestic sexual exploitation "
        "and the sensitivity table (a minute or two of CPU).",
    ),
    linkage_draws: int = typer.Option(
        4, "--linkage-draws", min=0, help="Plausible linkages the intervals are computed over."
    ),
    differencing: str = typer.Option(
        "protect",
        "--differencing",
        help=f"Against earlier releases: one of {', '.join(MODES)} (suppression only).",
    ),
    revision_batch: int | None = typer.Option(
        None,
        "--revision-batch",
        help="Republish a published year unchanged until this many persons changed in it "
        "(default: the minimum cell frequency; 1 revises at once).",
    ),
) -> None:
    """Protect the monitor tables of a linkage run and store them as a release."""
    from zichtbaar.disclosure.release import audit_release, make_release
    from zichtbaar.link.run import latest_run, open_run
    from zichtbaar.stats import DETAIL, REGISTRY
    from zichtbaar.stats.registry import TableRegistry
    from zichtbaar.store import open_store

    settings = get_settings()
    try:
        run_id = run or latest_run(settings.runs_dir)
        registry = REGISTRY
        if detail:
            registry = TableRegistry()
            for d in [*REGISTRY, *DETAIL]:
                registry.add(d)
        con = open_run(settings.runs_dir, run_id)
        try:
            extra = _estimates(con, year_from, year_to, settings.runs_dir / run_id,
                               linkage_draws, min_cell) if estimates else {}  # fmt: skip
            rel = make_release(
                con,
                run_id,
                name,
                settings.releases_dir,
                year_from,
                year_to,
                min_cell=min_cell,
                registry=registry,
                method=method,
                group_disclosure=group_disclosure,
                rounding_base=base,
                epsilon=epsilon,
                privacy_budget=budget,
                extra=extra,
                differencing=differencing,
                revision_batch=revision_batch,
            )
        finally:
            con.close()
        store = open_store(settings=settings)
        try:
            anchor = audit_release(store, rel, actor="cli", releases_dir=settings.releases_dir)
        finally:
            store.close()
    except ZichtbaarError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"release '{rel.name}' from run '{run_id}': {len(rel.tables)} tables, "
        f"method {rel.rules['method']}, in {settings.releases_dir / rel.name}"
    )
    typer.echo(f"audit anchor (publish it with the release): {anchor}")


def _estimates(
    con: duckdb.DuckDBPyConnection,
    year_from: int,
    year_to: int,
    run_dir: Path,
    draws: int,
    min_cell: int,
) -> dict[str, Any]:
    """The release's estimate section; a run that cannot give one still gets its tables, with
    the reason on screen (a release without estimates is better than none)."""
    from zichtbaar.disclosure.estimates import estimate_section
    from zichtbaar.errors import EstimationError

    try:
        return estimate_section(con, year_from, year_to, run_dir, draws, min_cell=min_cell)
    except EstimationError as e:
        typer.echo(f"warning: no estimates in this release: {e}", err=True)
        return {}


def register(app: typer.Typer) -> None:
    app.command("tables")(tables)
    app.command("release")(release)
