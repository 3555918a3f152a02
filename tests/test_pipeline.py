"""End to end: the demo pipeline on a small synthetic world, and what the hub side may never hold."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pypdf import PdfReader

from zichtbaar.config import settings_from_env
from zichtbaar.errors import ZichtbaarError
from zichtbaar.pipeline import DemoResult, run_demo
from zichtbaar.standard.codes import CODE_LISTS


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
    assert {"synth", "encode", "intake", "link", "estimate", "release", "report"} <= set(stages)
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
    assert "Uitvoering van het programma" in nl  # the programme chapter, from the seed
    est = demo.release.extra.get("estimate")  # None when no year supports a figure
    assert est is None or est["lower"] <= est["total"] <= est["upper"]
    assert demo.rows_submitted > 0
    assert demo.run.persons < demo.run.registrations  # linkage merged duplicates


def test_persons_are_close_to_the_truth(demo: DemoResult) -> None:
    """The linked person count is near the number of true persons behind the registrations."""
    records = pd.read_csv(demo.world_dir / "truth" / "records.csv")
    reporters = records[records["source"].str.startswith("reporters/")]
    true_persons = reporters["person_id"].nunique()
    assert abs(demo.run.persons - true_persons) / true_persons < 0.05


DATA_PARTS = ("zichtbaar.sqlite", "snapshots", "runs", "releases")
"""Hub-side files that hold data; reports are rendered from releases and checked separately."""


def _text_columns(df: pd.DataFrame) -> str:
    """The frame as CSV without binary columns (Bloom filters are random bits: the encoder's
    tests prove they carry no readable identifier; their bytes would only give chance hits)."""
    keep = [
        c for c in df.columns if not df[c].map(lambda v: isinstance(v, bytes | bytearray)).any()
    ]
    return df[keep].to_csv()


def _json_values(node: object) -> list[str]:
    """The values of a JSON document (its keys are settings names, not data)."""
    if isinstance(node, dict):
        return [v for child in node.values() for v in _json_values(child)]
    if isinstance(node, list):
        return [v for child in node for v in _json_values(child)]
    return [str(node)]


def _hub_data_text(home: Path) -> str:
    """Every data file the hub side wrote, as text (decompressing Parquet, reading databases)."""
    chunks: list[str] = []
    for part in DATA_PARTS:
        root = home / part
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for f in files:
            if f.parent.name == "charts" or f.name == "splink_model.json":
                continue  # the model's parameters and chart specs: no rows, only settings
            if f.suffix == ".parquet":
                chunks.append(_text_columns(pd.read_parquet(f)))
            elif f.suffix == ".duckdb":
                con = duckdb.connect(str(f), read_only=True)
                for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
                    if table.startswith("link_"):
                        continue  # model parameters and histograms: settings and aggregates
                    chunks.append(_text_columns(con.execute(f'SELECT * FROM "{table}"').df()))
                con.close()
            elif f.suffix == ".sqlite":
                db = sqlite3.connect(f)
                chunks.extend(db.iterdump())  # blobs come out as X'..' hex: no chance words
                db.close()
            elif f.suffix == ".json":
                chunks.extend(_json_values(json.loads(f.read_text(encoding="utf-8"))))
            elif f.suffix == ".jsonl":
                for line in f.read_text(encoding="utf-8").splitlines():
                    chunks.extend(_json_values(json.loads(line)))
            elif f.suffix in (".csv", ".txt"):  # .txt: a release's audit anchor
                chunks.append(f.read_text(encoding="utf-8"))
            else:
                raise AssertionError(f"unexpected hub file type: {f.name}")
    return "\n".join(chunks).lower()


def _report_text(reports: list[Path]) -> str:
    chunks = []
    for f in reports:
        if f.suffix == ".pdf":
            chunks.extend(page.extract_text() for page in PdfReader(f).pages)
        else:
            chunks.append(f.read_text(encoding="utf-8"))
    return "\n".join(chunks).lower()


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text))


def test_no_identifier_reaches_the_hub(demo: DemoResult) -> None:
    persons = pd.read_csv(demo.world_dir / "truth" / "persons.csv", dtype=str)
    organisations = pd.read_csv(demo.world_dir / "reporters" / "organisations.csv", dtype=str)
    text = _hub_data_text(demo.home)
    words = _words(text)
    # Words the hub may hold for other reasons: codes and labels, organisation ids and names.
    vocabulary = _words(
        " ".join(f"{c.code} {c.nl} {c.en}" for cl in CODE_LISTS.values() for c in cl).lower()
        + " ".join(organisations["org"]).lower()
        + " ".join(organisations["name"]).lower()
    )
    name_parts = {
        w
        for col in ("given_names", "surname", "alias_surname")
        for value in persons[col].dropna()
        for w in re.findall(r"[^\W\d_]+", value.lower())
        if len(w) >= 4
    } - vocabulary
    leaked_names = name_parts & words
    assert not leaked_names, f"{len(leaked_names)} name parts found in hub data"

    bsns = set(persons["bsn"].dropna())
    assert bsns and not (bsns & words), "a BSN reached the hub side"

    places = {p.lower() for p in persons["place_of_birth"].dropna() if len(p) >= 4}
    places -= vocabulary
    assert not any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text) for p in places)

    old_dobs = {d for d in persons["date_of_birth"].dropna() if d < "2012-01-01"}
    assert old_dobs and not any(d in text for d in old_dobs), "a date of birth reached the hub side"


def test_no_person_appears_in_the_reports(demo: DemoResult) -> None:
    persons = pd.read_csv(demo.world_dir / "truth" / "persons.csv", dtype=str).dropna(
        subset=["given_names", "surname"]
    )
    text = _report_text(demo.reports)
    full_names = {
        f"{g} {s}".lower() for g, s in zip(persons["given_names"], persons["surname"], strict=True)
    }
    assert not any(n in text for n in full_names)
    assert not (set(persons["bsn"].dropna()) & _words(text))


def test_demo_refuses_a_home_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("not a demo")
    with pytest.raises(ZichtbaarError, match="not from a demo"):
        run_demo(settings_from_env({"ZICHTBAAR_HOME": str(tmp_path)}), scale=0.01)
    assert (tmp_path / "precious.txt").exists()


def test_the_leak_check_sees_a_planted_name(tmp_path: Path) -> None:
    """The scan must be able to fail: a name hidden in a snapshot's Parquet file is found."""
    (tmp_path / "snapshots").mkdir()
    pd.DataFrame({"note": ["x Wilhelmina y"], "bloom": [b"\x00\x01"]}).to_parquet(
        tmp_path / "snapshots" / "s.parquet"
    )
    assert "wilhelmina" in _words(_hub_data_text(tmp_path))


def test_demo_release_is_in_the_audit_log(demo: DemoResult) -> None:
    from sqlalchemy import text

    from zichtbaar.store import open_store, verify_audit

    store = open_store(settings=settings_from_env({"ZICHTBAAR_HOME": str(demo.home)}))
    try:
        report = verify_audit(store)
        assert report.ok, report.problems
        with store.engine.connect() as conn:
            refs = conn.execute(
                text("SELECT object_ref FROM audit_log WHERE action = 'release_made'")
            ).fetchall()
    finally:
        store.close()
    assert [r[0] for r in refs] == [
        f"release:{demo.release.name} run:{demo.run.run_id} method:{demo.release.rules['method']}"
    ]


def test_demo_key_depends_on_the_seed_only() -> None:
    from zichtbaar.pipeline import demo_key

    assert demo_key(1).subkey("bloom/hash") == demo_key(1).subkey("bloom/hash")
    assert demo_key(1).subkey("bloom/hash") != demo_key(2).subkey("bloom/hash")


def test_every_published_estimate_is_the_releases(demo: DemoResult) -> None:
    """The report's estimate tables (per year, minors, sensitivity) show exactly the figures
    of the release's JSON, which the estimate stage wrote (estimate.published)."""
    from tests.report.htmltables import TableReader
    from zichtbaar.report.texts import fmt_int

    extra = json.loads((demo.home / "releases" / demo.release.name / "release.json").read_text())
    extra = extra.get("extra", extra)
    html = next(p for p in demo.reports if p.name.endswith("-en.html")).read_text()
    reader = TableReader()
    reader.feed(html)
    years = {row[0]: row[1:] for row in reader.tables["estimate-years"][1:]}
    assert sorted(years) == sorted(str(e["year"]) for e in extra["estimate_by_year"])
    for e in extra["estimate_by_year"]:
        cells = years[str(e["year"])]
        want = [fmt_int(e.get(k), "en") for k in ("observed", "total", "lower", "upper")]
        assert cells[:4] == want
        levels = e.get("levels") or {}
        assert cells[4:6] == [
            fmt_int(levels.get("minor"), "en"),
            fmt_int(levels.get("adult"), "en"),
        ]
        assert (cells[-1] == "") == (e["total"] is not None)  # a refused year says why
    minors = {row[0]: row[1:5] for row in reader.tables["estimate-minors"][1:]}
    for m in extra["minors_domestic_sexual_estimated"]:
        assert minors[str(m["year"])] == [
            fmt_int(m.get(k), "en") for k in ("registered", "estimate", "lower", "upper")
        ]
    if not extra["estimate_sensitivity"]:  # no year supported a figure: no sensitivity table
        assert "estimate-sensitivity" not in reader.tables
        # and the methods say why there is no estimate at all, with the number of lists
        assert extra.get("estimate") is None
        n_lists = max(len(e.get("lists") or []) for e in extra["estimate_by_year"])
        assert n_lists >= 2
        assert f"In no year could the {n_lists} lists support an estimate" in html
        return
    sens = reader.tables["estimate-sensitivity"]
    methods = sens[0][1:]
    for year in extra["estimate_sensitivity"]:
        row = next(r for r in sens[1:] if r[0] == str(year["year"]))
        for f in year["figures"]:
            cell = row[1 + methods.index(f["label"])]
            if f["total"] is None:
                assert cell == "—"
            else:
                assert (
                    cell
                    == f"{fmt_int(f['total'], 'en')} ({fmt_int(f['lower'], 'en')}–{fmt_int(f['upper'], 'en')})"
                )
    head = extra.get("estimate")
    if head is not None:
        assert head == [e for e in extra["estimate_by_year"] if e["total"] is not None][-1]


def test_demo_measures_the_calibration_of_its_match_probabilities(demo: DemoResult) -> None:
    cal = demo.release.extra["linkage_calibration"]
    assert cal["pairs"] > 0 and 0.0 <= cal["ece"] <= 1.0
    chart = demo.home / "evaluation" / demo.run.run_id
    assert (chart / "reliability.html").exists() and (chart / "reliability_figures.json").exists()
    figures = json.loads((chart / "reliability_figures.json").read_text())
    assert figures["pairs"] == cal["pairs"]
