"""``zichtbaar reporter``: the reporting organisation's local app, on 127.0.0.1 only."""

from __future__ import annotations

from pathlib import Path

import typer


def reporter(
    home: Path = typer.Option(
        Path("zichtbaar-reporter"),
        "--home",
        help="Folder for the key, API key, profiles and the submission log (stays here).",
    ),
    hub: str = typer.Option("http://127.0.0.1:8000", "--hub", help="The hub's base URL."),
    port: int = typer.Option(8765, "--port"),
    lang: str = typer.Option("nl", "--lang", help="nl or en."),
) -> None:
    """Start the reporter app on this computer (127.0.0.1 only)."""
    import uvicorn

    from zichtbaar.reporter.app import create_reporter_app

    app = create_reporter_app(home, hub, lang=lang)
    typer.echo(f"Open http://127.0.0.1:{port}/ in your browser (Ctrl+C stops the app).")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("reporter")(reporter)
