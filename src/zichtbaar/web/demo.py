"""Demo accounts (one per role) for ``zichtbaar serve --demo`` on synthetic data.

Passwords are random and kept in ``<home>/demo-accounts.json`` (mode 0600) so that a second
start prints the same accounts; this is for the synthetic demo only, never for real use. A plain
``serve`` disables them (``disable_demo_accounts``): before, ``demo-admin`` kept logging in on a
hub started without ``--demo``, with no warning.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update

from zichtbaar.store import ROLES, Store, add_organisation, add_user, append_audit, get_organisation
from zichtbaar.store.models import User
from zichtbaar.web.queries import user_role

DEMO_ORG = "demo-police"
DEMO_FILE = "demo-accounts.json"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


def ensure_demo_accounts(store: Store, home: Path) -> list[DemoAccount]:
    """Create (once) a demo organisation and one user per role; return their credentials."""
    path = home / DEMO_FILE
    saved: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    if get_organisation(store, DEMO_ORG) is None:
        add_organisation(store, DEMO_ORG, "Demo police", "police", actor="demo")
    _set_demo_active(store, True)
    accounts = []
    for role in ROLES:
        username = f"demo-{role}"
        if user_role(store, username) is None or username not in saved:
            if user_role(store, username) is not None:
                continue  # created elsewhere with a password we do not know
            saved[username] = secrets.token_urlsafe(12)
            add_user(
                store,
                username,
                saved[username],
                role,
                DEMO_ORG if role == "reporter" else None,
                actor="demo",
            )
        accounts.append(DemoAccount(username, saved[username], role))
    home.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(saved, indent=2) + "\n")
    path.chmod(0o600)
    return accounts


def _demo_names() -> list[str]:
    return [f"demo-{role}" for role in ROLES]


def _set_demo_active(store: Store, active: bool) -> int:
    with store.engine.begin() as conn:
        changed = conn.execute(
            update(User)
            .where(User.username.in_(_demo_names()), User.active.is_(not active))
            .values(active=active)
        ).rowcount
        if changed:
            action = "demo_accounts_enable" if active else "demo_accounts_disable"
            append_audit(conn, "serve", action, f"users:{changed}")
    return int(changed)


def disable_demo_accounts(store: Store) -> int:
    """Disable every demo account (``serve`` without ``--demo``); returns how many were active."""
    return _set_demo_active(store, False)
