"""``zichtbaar admin``: organisations, users, API keys, key ids, audit check, snapshots."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer

from zichtbaar.config import get_settings
from zichtbaar.errors import StoreError, ZichtbaarError

ROLES = ("reporter", "analyst", "coordinator", "admin")
"""``store.ROLES``, written out so that ``--help`` needs no import of the store."""

admin_app = typer.Typer(help="Administer the hub's operational store.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations.", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys for submissions.", no_args_is_help=True)
keyid_app = typer.Typer(help="Linkage key ids known to the hub.", no_args_is_help=True)
admin_app.add_typer(org_app, name="org")
admin_app.add_typer(user_app, name="user")
admin_app.add_typer(apikey_app, name="apikey")
admin_app.add_typer(keyid_app, name="keyid")


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _fail(err: Exception) -> typer.Exit:
    typer.echo(f"refused: {err}", err=True)
    return typer.Exit(2)


@org_app.command("add")
def org_add(
    org_id: str = typer.Argument(...),
    reporter_type: str = typer.Option(..., "--type"),
    name: str = typer.Option(..., "--name"),
) -> None:
    """Register an organisation."""
    from zichtbaar.store import add_organisation, open_store

    try:
        add_organisation(open_store(), org_id, name, reporter_type, _actor())
    except StoreError as err:
        raise _fail(err) from None
    typer.echo(f"organisation {org_id} added")


@user_app.command("add")
def user_add(
    username: str = typer.Argument(...),
    role: str = typer.Option(..., "--role", help=" | ".join(ROLES)),
    org: str | None = typer.Option(None, "--org"),
    password: str = typer.Option(
        ..., "--password", prompt=True, hide_input=True, confirmation_prompt=True
    ),
) -> None:
    """Add a user (the password is hashed with argon2)."""
    from zichtbaar.store import add_user, open_store

    try:
        add_user(open_store(), username, password, role, org, _actor())
    except StoreError as err:
        raise _fail(err) from None
    typer.echo(f"user {username} added")


@apikey_app.command("new")
def apikey_new(org: str = typer.Option(..., "--org")) -> None:
    """Create an API key; the full key is printed once and never stored."""
    from zichtbaar.store import new_api_key, open_store

    try:
        prefix, key = new_api_key(open_store(), org, _actor())
    except StoreError as err:
        raise _fail(err) from None
    typer.echo(f"prefix: {prefix}\nkey (shown once): {key}")


@apikey_app.command("revoke")
def apikey_revoke(prefix: str = typer.Argument(...)) -> None:
    """Revoke an API key by its public prefix."""
    from zichtbaar.store import open_store, revoke_api_key

    try:
        revoke_api_key(open_store(), prefix, _actor())
    except StoreError as err:
        raise _fail(err) from None
    typer.echo(f"API key {prefix} revoked")


@keyid_app.command("add")
def keyid_add(key_id: str = typer.Argument(...)) -> None:
    """Make a linkage key id known (the secret itself never comes to the hub)."""
    from zichtbaar.store import open_store, register_key_id

    try:
        register_key_id(open_store(), key_id, _actor())
    except StoreError as err:
        raise _fail(err) from None
    typer.echo(f"key id {key_id} registered")


@admin_app.command("verify-audit")
def verify_audit_command(
    anchor: str | None = typer.Option(
        None, "--anchor", help="HASH:COUNT from `admin audit-head`, as published with a release."
    ),
    release: str | None = typer.Option(
        None, "--release", help="Check against the anchor this published release carries."
    ),
) -> None:
    """Check the audit log's hash chain; exit 1 when it was tampered with.

    Without ``--anchor`` a deleted tail (the newest entries) cannot be seen: pass the head
    published with the last release.
    """
    from zichtbaar.store import AuditAnchor, open_store, verify_audit

    try:
        parsed = AuditAnchor.parse(anchor) if anchor is not None else None
        if release is not None:
            from zichtbaar.config import get_settings
            from zichtbaar.disclosure.release import release_anchor

            if parsed is not None:
                raise ValueError("give --anchor or --release, not both")
            parsed = release_anchor(get_settings().releases_dir, release)
    except (ValueError, ZichtbaarError) as err:
        raise _fail(err) from None
    report = verify_audit(open_store(), parsed)
    for p in report.problems:
        typer.echo(p)
    typer.echo(f"{report.entries} entries, {'intact' if report.ok else 'TAMPERED'}")
    if not report.ok:
        raise typer.Exit(1)


@admin_app.command("audit-head")
def audit_head_command() -> None:
    """Print the audit chain's head as HASH:COUNT: publish it with each release."""
    from zichtbaar.store import current_audit_head, open_store

    typer.echo(str(current_audit_head(open_store())))


@admin_app.command("snapshot")
def snapshot_command(out: Path = typer.Option(..., "--out")) -> None:
    """Export current registrations, register events and suspects for linkage."""
    from zichtbaar.intake import export_snapshot
    from zichtbaar.store import open_store

    info = export_snapshot(open_store(), out)
    typer.echo(
        f"snapshot in {info.out_dir}: {info.registrations:,} registrations, "
        f"{info.register_events:,} register events, {info.suspects:,} suspects"
    )


@admin_app.command("backup")
def backup_command(out: Path = typer.Option(..., "--out", help="The backup file (a tar).")) -> None:
    """Back up the store and the snapshots, runs, releases and reports under ZICHTBAAR_HOME."""
    from zichtbaar.store import open_store
    from zichtbaar.store.backup import backup_store

    try:
        manifest = backup_store(open_store(), get_settings().home, out, _actor())
    except StoreError as err:
        raise _fail(err) from None
    typer.echo(f"backup written to {out}: {len(manifest.files)} files, {manifest.dialect} store")


@admin_app.command("restore")
def restore_command(
    backup: Path = typer.Argument(..., exists=True, dir_okay=False, help="A backup file."),
) -> None:
    """Replace the store and the data directories with a backup (checked before anything changes)."""
    from zichtbaar.store import open_store
    from zichtbaar.store.backup import restore_store

    try:
        manifest = restore_store(open_store(), get_settings().home, backup, _actor())
    except StoreError as err:
        raise _fail(err) from None
    typer.echo(f"restored the backup made at {manifest.created_at} ({len(manifest.files)} files)")


def register(app: typer.Typer) -> None:
    app.add_typer(admin_app, name="admin")
