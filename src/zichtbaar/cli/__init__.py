"""The ``zichtbaar`` command line: one thin command per stage, plus ``demo``.

Each stage's commands live in their own module here and call the library; no logic lives in the
CLI that the library does not offer. A module is imported only when one of its commands runs (or
shows its own ``--help``): importing every stage up front cost 10 s and 350 MB before the CLI
could print its help. ``COMMANDS`` names each command's module and its one-line help, so
``zichtbaar --help`` needs none of them (a test keeps the lines equal to the commands' own).
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

COMMANDS: dict[str, tuple[str, str]] = {
    "encode": ("encode", "Encode an organisation's file into a package for the hub."),
    "keys": ("encode", "The linkage secret: create and rotate key files (mode 0600)."),
    "mapping": (
        "mapping",
        "Mapping profiles: an organisation's own export in the standard's terms.",
    ),
    "submit": ("submit", "Submit a package to the hub and show what happened to every row."),
    "reporter": ("reporter", "Start the reporter app on this computer (127.0.0.1 only)."),
    "intake": (
        "intake",
        "Ingest a package: valid rows are stored, bad rows quarantined with their reasons.",
    ),
    "withdraw": (
        "intake",
        "Erase every version of a registration; the audit log keeps only that it happened.",
    ),
    "admin": ("intake", "Administer the hub's operational store."),
    "link": (
        "link",
        "Probabilistic linkage (splink) of a snapshot into persons, events and capture histories.",
    ),
    "estimate": ("estimate", "Estimate the total (observed + hidden) number of victims."),
    "tables": ("release", "List the monitor tables (the report's and the detail tables)."),
    "release": (
        "release",
        "Protect the monitor tables of a linkage run and store them as a release.",
    ),
    "report": (
        "report",
        "Render the monitor report of a release (only disclosure-controlled numbers).",
    ),
    "programme": ("programme", "Programme monitoring: measures and their status."),
    "synth": (
        "synth",
        "Generate a synthetic world of trafficking victims, reporters and registers, with its truth.",
    ),
    "standard": ("standard", "The data standard: JSON Schema and code lists."),
    "serve": ("serve", "Start the web app on the store and releases under ZICHTBAAR_HOME."),
    "demo": ("demo", "Run synth → encode → intake → link → tables → report on a synthetic world."),
}
"""Command name -> (module under ``zichtbaar.cli``, one-line help)."""


def load_command(name: str) -> Any:
    """Import the module of command ``name`` and return the (click) command it registers."""
    if name not in COMMANDS:
        return None
    module = importlib.import_module(f"zichtbaar.cli.{COMMANDS[name][0]}")
    holder = typer.Typer(pretty_exceptions_show_locals=False, rich_markup_mode=None)
    module.register(holder)
    group = typer.main.get_group(holder)
    return group.commands.get(name)


class LazyGroup(TyperGroup):
    """A group whose commands are imported on first use; its own help lists them from COMMANDS."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._listing and cmd_name in COMMANDS:
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][1])
        return load_command(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="zichtbaar",
    cls=LazyGroup,
    rich_markup_mode=None,  # plain help: rich's help formatter alone costs 0.4 s to import
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold identifiers or keys
)


@app.callback()
def main() -> None:
    """zichtbaar: a privacy-safe picture of human-trafficking victims."""
