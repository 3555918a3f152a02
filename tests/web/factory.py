"""A web app over a fresh store (SQLite) and test releases, with one user per role."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from tests.intake.factory import KEY_ID, ORG, REPORTER_TYPE
from tests.report.factory import build_releases
from zichtbaar.store import Store, add_organisation, add_user, open_store, register_key_id
from zichtbaar.web.app import create_app

PASSWORD = "correct horse battery"
OTHER_ORG = "shelter-a"
USERS = {
    "reporter": ("rep", ORG),
    "analyst": ("ana", None),
    "coordinator": ("coo", None),
    "admin": ("adm", None),
}


@dataclass
class WebEnv:
    app: FastAPI
    store: Store
    releases_dir: Path
    reports_dir: Path


def make_env(tmp: Path, with_releases: bool = True) -> WebEnv:
    store = open_store(f"sqlite:///{tmp / 'store.sqlite'}", key_file=tmp / "hub-key.json")
    add_organisation(store, ORG, "Politie", REPORTER_TYPE, actor="test")
    add_organisation(store, OTHER_ORG, "Opvang A", "shelter_care", actor="test")
    register_key_id(store, KEY_ID, actor="test")
    for role, (name, org) in USERS.items():
        add_user(store, name, PASSWORD, role, org, actor="test")
    add_user(store, "rep2", PASSWORD, "reporter", OTHER_ORG, actor="test")
    releases = build_releases(tmp) if with_releases else tmp / "releases"
    app = create_app(store, releases, tmp / "reports", secret_key="test-secret")
    return WebEnv(app, store, releases, tmp / "reports")


def zip_dir(package_dir: Path) -> bytes:
    """The package directory as a .zip, the way a reporter uploads it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(package_dir.iterdir()):
            zf.write(f, f"{package_dir.name}/{f.name}")
    return buf.getvalue()
