"""Migration 0008 (standard 1.1) upgrades a store the previous head wrote, rows and all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from tests.intake.factory import KEY_ID, registrations, write_package
from tests.integration.postgres.server import fresh_database
from zichtbaar.intake import export_snapshot, ingest_package
from zichtbaar.store import open_store
from zichtbaar.store.engine import MIGRATIONS, make_engine

PREVIOUS_HEAD = "0007"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.sqlite'}"
    admin = str(request.getfixturevalue("postgres_admin_url"))
    return fresh_database(admin, template=None)


def _migrate(engine: sa.Engine, revision: str, down: bool = False) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _write_as_previous_head(url: str) -> None:
    """A store at 0007 with an organisation, a key id, a submission and one registration."""
    engine = make_engine(url)
    _migrate(engine, PREVIOUS_HEAD)
    meta = sa.MetaData()
    meta.reflect(engine)
    assert "exploitation_year" not in meta.tables["registrations"].c
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            meta.tables["organisations"].insert(),
            {
                "id": "police-nl",
                "name": "Politie",
                "reporter_type": "police",
                "active": True,
                "created_at": now,
            },
        )
        conn.execute(
            meta.tables["key_ids"].insert(), {"key_id": KEY_ID, "active": True, "added_at": now}
        )
        conn.execute(
            meta.tables["submissions"].insert(),
            {
                "id": "s" * 32,
                "org_id": "police-nl",
                "kind": "registrations",
                "sha256": "0" * 64,
                "package_id": "0" * 64,
                "key_id": KEY_ID,
                "received_at": now,
                "actor": "old-hub",
                "row_count": 1,
                "accepted": 1,
                "unchanged": 0,
                "corrected": 0,
                "quarantined": 0,
                "status": "accepted",
            },
        )
        conn.execute(
            meta.tables["registrations"].insert(),
            {
                "org_id": "police-nl",
                "version": 1,
                "current": True,
                "submission_id": "s" * 32,
                "content_hash": "0" * 16,
                "record_id": "OLD-1",
                "registration_date": dt.date(2020, 5, 1),
                "gender": "female",
                "nationality": "NLD",
                "nationality_group": "NL",
                "age_group": "18-22",
                "form": "labour",
                "region": "amsterdam",
                "legal_basis": "legal_duty",
            },
        )
    engine.dispose()


def test_a_store_of_the_previous_head_upgrades_and_keeps_working(
    empty_url: str, tmp_path: Path
) -> None:
    _write_as_previous_head(empty_url)
    store = open_store(empty_url, key_file=tmp_path / "hub-key.json")  # migrates to head
    try:
        t = sa.Table("registrations", sa.MetaData(), autoload_with=store.engine)
        assert isinstance(t.c.exploitation_year.type, sa.Integer) and t.c.exploitation_year.nullable
        with store.engine.connect() as conn:
            old = conn.execute(sa.select(t.c.record_id, t.c.exploitation_year)).all()
        assert [tuple(r) for r in old] == [("OLD-1", None)]
        rows = registrations(2)
        frame = pd.DataFrame(rows).assign(exploitation_year=pd.array([2023, None], "Int64"))
        pkg = write_package(tmp_path / "p", frame, manifest_over={"standard_version": "1.1"})
        assert ingest_package(store, pkg, "police-nl", "tester").accepted == 2
        export_snapshot(store, tmp_path / "snap")
    finally:
        store.close()
    snap = pd.read_parquet(tmp_path / "snap" / "registrations.parquet")
    years = dict(zip(snap["record_id"], snap["exploitation_year"], strict=True))
    assert pd.isna(years["OLD-1"]) and years[rows[0]["record_id"]] == 2023


def test_0008_downgrades_to_the_previous_head(empty_url: str) -> None:
    engine = make_engine(empty_url)
    _migrate(engine, "head")
    _migrate(engine, PREVIOUS_HEAD, down=True)
    t = sa.Table("registrations", sa.MetaData(), autoload_with=engine)
    assert "exploitation_year" not in t.c
    engine.dispose()
