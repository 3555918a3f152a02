"""Analysts' dashboard: filters, charts, published numbers only, downloads."""

from __future__ import annotations

import io
import re

import pandas as pd
from fastapi.testclient import TestClient

from tests.report.htmltables import read_tables
from tests.web.factory import WebEnv
from zichtbaar.disclosure.release import load_release
from zichtbaar.report.findings import published_int
from zichtbaar.web.releases import latest_release


def test_dashboard_numbers_equal_the_release(env: WebEnv, clients: dict[str, TestClient]) -> None:
    rel = latest_release(env.releases_dir)
    assert rel is not None
    data = clients["analyst"].get("/api/analyst/dashboard").json()
    assert data["release"] == rel.name
    for table in data["tables"]:
        df = rel.tables[table["name"]].data
        col = rel.tables[table["name"]].dims[-1]
        expected = {
            (int(y), str(c)): published_int(v)
            for y, c, v in zip(df["year"], df[col], df["value"].astype(object), strict=True)
        }
        got = {(c["year"], c["code"]): c["value"] for c in table["cells"]}
        assert got == expected
        assert all(c["suppressed"] == (c["value"] is None) for c in table["cells"])


def test_filters_narrow_tables_without_recomputing_totals(
    env: WebEnv, clients: dict[str, TestClient]
) -> None:
    c = clients["analyst"]
    q = "/api/analyst/dashboard?year=2019&year=2020&form=labour&nationality=NL&year=1850"
    data = c.get(q).json()
    assert data["years"] == [2019, 2020]  # unknown years are dropped
    by_name = {t["name"]: t["cells"] for t in data["tables"]}
    assert {x["year"] for x in by_name["victims_by_year_form"]} == {2019, 2020}
    assert {x["code"] for x in by_name["victims_by_year_form"]} == {"labour", "_total"}
    assert {x["code"] for x in by_name["victims_by_year_nationality"]} == {"NL", "_total"}
    full = c.get("/api/analyst/dashboard").json()
    totals = {
        (x["year"]): x["value"]
        for t in full["tables"]
        if t["name"] == "victims_by_year_form"
        for x in t["cells"]
        if x["code"] == "_total"
    }
    for x in by_name["victims_by_year_form"]:
        if x["code"] == "_total":
            assert x["value"] == totals[x["year"]]
    html = c.get(q.replace("/api/analyst/dashboard", "/analyst")).text
    assert 'value="2019" checked' in html and 'value="2016" checked' not in html
    shown = read_tables(html)["victims_by_year_form"]
    assert [r[0] for r in shown[1:]] == ["2019", "2020"]
    charts = re.findall(r'<img src="(/analyst/chart/[^"]+)" alt="([^"]+)"', html)
    assert len(charts) == len(data["tables"]) and all(alt for _src, alt in charts)
    src = charts[0][0].replace("&amp;", "&")
    assert "year=2019" in src and "year=2020" in src and "form=labour" in src
    svg = c.get(src)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg") and "2018" not in svg.text
    assert c.get("/analyst/chart/nope.svg").status_code == 404
    assert "1850" not in html.split('id="content"', 1)[1]  # ignored, not echoed


def test_suppressed_cells_are_marked(env: WebEnv, clients: dict[str, TestClient]) -> None:
    html = clients["analyst"].get("/analyst?lang=en").text
    rel = latest_release(env.releases_dir)
    assert rel is not None
    n_suppressed = sum(int(t.data["value"].isna().sum()) for t in rel.tables.values())
    assert n_suppressed > 0
    assert html.count('class="num suppressed"') == n_suppressed
    assert html.count('title="not published"') == n_suppressed


def test_csv_download_is_the_published_table(env: WebEnv, clients: dict[str, TestClient]) -> None:
    rel = latest_release(env.releases_dir)
    assert rel is not None
    res = clients["analyst"].get("/analyst/download/victims_by_year_region.csv")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
    got = pd.read_csv(io.StringIO(res.text), dtype={"value": "Int64"})
    assert "count" not in got.columns
    stored = load_release(env.releases_dir, rel.name).tables["victims_by_year_region"].data
    pd.testing.assert_frame_equal(got, stored, check_dtype=False)
    assert clients["analyst"].get("/analyst/download/nope.csv").status_code == 404


def test_report_download(env: WebEnv, clients: dict[str, TestClient]) -> None:
    """The report of the latest release, rendered once and then served from disk.

    (The PDF variant is downloaded by the browser test; here the cheaper HTML keeps this fast.)
    """
    res = clients["analyst"].get("/analyst/report.html?lang=en")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in res.text and "<svg" in res.text
    cached = next(env.reports_dir.glob("report-*-en.html"))
    assert clients["analyst"].get("/analyst/report.html?lang=en").content == cached.read_bytes()
    assert clients["analyst"].get("/analyst/report.docx").status_code == 404


def test_language_switch(env: WebEnv, clients: dict[str, TestClient]) -> None:
    c = clients["coordinator"]
    en = c.get("/coordinator?lang=en").text
    assert '<html lang="en">' in en and "Log out" in en and 'hreflang="nl"' in en
    assert '<html lang="en">' in c.get("/coordinator").text  # remembered in the session
    nl = c.get("/coordinator?lang=nl").text
    assert '<html lang="nl">' in nl and "Uitloggen" in nl


def test_coordinator_lists_releases(env: WebEnv, clients: dict[str, TestClient]) -> None:
    names = {r["name"] for r in clients["coordinator"].get("/api/coordinator/releases").json()}
    assert names == {"plain", "full"}
    html = clients["coordinator"].get("/coordinator").text
    assert ">plain</th>" in html and ">full</th>" in html


def test_sdmx_download_holds_the_published_values(
    clients: dict[str, TestClient], env: WebEnv
) -> None:
    rel = latest_release(env.releases_dir)
    assert rel is not None
    name = next(iter(rel.tables))
    res = clients["analyst"].get(f"/analyst/sdmx/{name}.csv")
    assert res.status_code == 200
    lines = res.text.strip().splitlines()
    assert lines[0].startswith("STRUCTURE,STRUCTURE_ID,ACTION")
    assert len(lines) - 1 == len(rel.tables[name].data)
    assert clients["reporter"].get(f"/analyst/sdmx/{name}.csv").status_code == 403
