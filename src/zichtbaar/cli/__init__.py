"""The ``zichtbaar`` command line: one thin command per stage, plus ``demo``.

Each stage's commands live in their own module here and call the library; no logic lives in the
CLI that the library does not offer.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="zichtbaar",
    help="zichtbaar: a privacy-safe picture of human-trafficking victims.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold identifiers or keys
)


def _register() -> None:
    # Imported here so that `import zichtbaar.cli` stays cheap and each module adds its commands.
    from zichtbaar.cli import standard as _standard

    _standard.register(app)
    __import__("zichtbaar.cli.encode", fromlist=["register"]).register(app)
    __import__("zichtbaar.cli.estimate", fromlist=["register"]).register(app)
    __import__("zichtbaar.cli.link", fromlist=["register"]).register(app)
    __import__("zichtbaar.cli.intake", fromlist=["register"]).register(app)
    __import__("zichtbaar.cli.synth", fromlist=["register"]).register(app)
    __import__("zichtbaar.cli.report", fromlist=["register"]).register(app)
    __import__("zichtbaar.cli.release", fromlist=["register"]).register(app)
    __import__("zichtbaar.cli.serve", fromlist=["register"]).register(app)
    __import__("zichtbaar.cli.demo", fromlist=["register"]).register(app)
    __import__("zichtbaar.cli.submit", fromlist=["register"]).register(app)
    __import__("zichtbaar.cli.programme", fromlist=["register"]).register(app)


_register()
