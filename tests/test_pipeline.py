"""End to end: the demo pipeline on a small synthetic world, and what the hub side may never hold."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from zichtbaar.config import settings_from_env
from zichtbaar.errors import ZichtbaarError
from zichtbaar.pipeline import DemoResult, run_demo
from zichtbaar.standard.codes import CODE_LISTS

HUB_PARTS = ("zichtbaar.sqlite", "snapshots", "runs", "releases", "reports")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    home = tmp_path_factory.mktemp("demo") / "home"
    stages: list[str] = []
    result = run_demo(
        settings_from_env({"ZICHTBAAR_HOME": str(home)}),
        seed=3,
        scale=0.05,
        progress=lambda stage, done, total: stages.append(stage),
    )
    assert {"synth", "encode", "intake", "link", "release", "report"} <= set(stages)
    return result


def test_demo_writes_reports_in_both_languages(demo: DemoResult) -> None:
    assert sorted(p.name for p in demo.reports) == sorted(
        f"report-{demo.release.name}-{lang}.{fmt}"
        for lang in ("nl", "en")
        for fmt in ("html", "pdf")
    )
    assert all(p.stat().st_size > 1000 for p in demo.reports)
    nl = demo.reports[0].read_text()
    assert "Binnenlandse seksuele uitbuiting" in nl and "<svg" in nl
    assert demo.rows_submitted > 0
    assert demo.run.persons < demo.run.registrations  # linkage merged duplicates


def test_persons_are_close_to_the_truth(demo: DemoResult) -> None:
    """The linked person count is near the number of true persons behind the registrations."""
    records = pd.read_csv(demo.world_dir / "truth" / "records.csv")
    reporters = records[records["source"].str.startswith("reporters/")]
    true_persons = reporters["person_id"].nunique()
    assert abs(demo.run.persons - true_persons) / true_persons < 0.05


def _hub_text(home: Path) -> str:
    """Everything the hub side wrote, as text (decompressing Parquet and reading databases)."""
    chunks: list[str] = []
    for part in HUB_PARTS:
        root = home / part
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for f in files:
            if f.suffix == ".parquet":
                chunks.append(pd.read_parquet(f).to_csv())
            elif f.suffix == ".duckdb":
                con = duckdb.connect(str(f), read_only=True)
                for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
                    chunks.append(con.execute(f'SELECT * FROM "{table}"').df().to_csv())
                con.close()
            elif f.suffix == ".sqlite":
                db = sqlite3.connect(f)
                chunks.extend(db.iterdump())
                db.close()
            else:
                chunks.append(f.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(chunks).lower()


def test_no_identifier_reaches_the_hub(demo: DemoResult) -> None:
    persons = pd.read_csv(demo.world_dir / "truth" / "persons.csv", dtype=str)
    text = _hub_text(demo.home)
    words = set(re.findall(r"[^\W_]+", text))
    vocabulary = {
        w
        for cl in CODE_LISTS.values()
        for c in cl
        for w in re.findall(r"[^\W_]+", f"{c.code} {c.nl} {c.en}".lower())
    }

    name_parts = {
        w
        for col in ("given_names", "surname", "alias_surname")
        for value in persons[col].dropna()
        for w in re.findall(r"[^\W\d_]+", value.lower())
        if len(w) >= 4
    } - vocabulary
    leaked_names = name_parts & words
    assert not leaked_names, f"{len(leaked_names)} name parts found on the hub side"

    bsns = set(persons["bsn"].dropna())
    assert bsns and not (bsns & words), "a BSN reached the hub side"

    places = {p.lower() for p in persons["place_of_birth"].dropna() if len(p) >= 4}
    places -= vocabulary
    assert not any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text) for p in places)

    old_dobs = {d for d in persons["date_of_birth"].dropna() if d < "2012-01-01"}
    assert old_dobs and not any(d in text for d in old_dobs), "a date of birth reached the hub side"


def test_demo_refuses_a_home_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("not a demo")
    with pytest.raises(ZichtbaarError, match="not from a demo"):
        run_demo(settings_from_env({"ZICHTBAAR_HOME": str(tmp_path)}), scale=0.01)
    assert (tmp_path / "precious.txt").exists()
