"""``zichtbaar serve``: the web app (uvicorn), optionally with demo accounts."""

from __future__ import annotations

import os

import typer

from zichtbaar.config import get_settings


def serve(
    demo: bool = typer.Option(False, "--demo", help="Create and print one demo account per role."),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
) -> None:
    """Start the web app on the store and releases under ZICHTBAAR_HOME."""
    import uvicorn

    from zichtbaar.store import open_store
    from zichtbaar.web.app import create_app
    from zichtbaar.web.demo import disable_demo_accounts, ensure_demo_accounts
    from zichtbaar.web.releases import release_names

    settings = get_settings()
    store = open_store(settings=settings)
    if not demo and disable_demo_accounts(store):
        typer.echo(
            "Demo accounts found and disabled: they belong to `serve --demo` on synthetic data only."
        )
    if demo:
        accounts = ensure_demo_accounts(store, settings.home)
        typer.echo("Demo accounts (synthetic data only):")
        for a in accounts:
            typer.echo(f"  {a.role:<12} {a.username:<18} {a.password}")
        if not release_names(settings.releases_dir):
            typer.echo("There is no release yet: run `zichtbaar demo` first for the dashboard.")
    typer.echo(f"Open http://{host}:{port}/")
    # ZICHTBAAR_SESSION_SECRET keeps sessions valid across restarts; otherwise a random one.
    # The session cookie is Secure (sent over TLS only) unless this is the demo on plain HTTP.
    app = create_app(
        store,
        settings.releases_dir,
        settings.reports_dir,
        secret_key=os.environ.get("ZICHTBAAR_SESSION_SECRET"),
        https_only=settings.secure_cookie and not demo,
        max_upload_bytes=settings.max_upload_bytes,
        temp_budget_bytes=settings.temp_budget_bytes,
        trusted_proxies=settings.trusted_proxies,
    )
    # X-Forwarded-For is read by the app, from ZICHTBAAR_TRUSTED_PROXIES only: uvicorn's own
    # default believes it from 127.0.0.1, i.e. from anyone on the hub's machine or its proxy.
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
