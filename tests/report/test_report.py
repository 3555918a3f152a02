from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.report.factory import EXTRA, PER_YEAR_TABLES, build_releases, persons_connection
from tests.report.htmltables import read_tables
from tests.snapshot_factory import make_snapshot
from zichtbaar.config import get_settings
from zichtbaar.disclosure.release import Release, load_release, make_release
from zichtbaar.errors import ReleaseError, ReportError
from zichtbaar.link.run import open_run, run_linkage
from zichtbaar.report.findings import findings
from zichtbaar.report.render import label, render_html, render_pdf, write_report
from zichtbaar.report.texts import fmt_int, fmt_pct

LANGS = ["nl", "en"]


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_releases(tmp_path_factory.mktemp("rel"))


def _fmt(v: object, lang: str) -> str:
    if v is None or pd.isna(v):
        return "·"
    n = int(v)  # type: ignore[call-overload]
    return f"{n:,}".replace(",", "." if lang == "nl" else ",")


def test_release_round_trip_holds_only_protected_values(release_dir: Path) -> None:
    rel = load_release(release_dir, "plain")
    assert set(rel.tables) == set(PER_YEAR_TABLES)
    for table in rel.tables.values():
        assert "count" not in table.data.columns
        v = table.data["value"].dropna()
        assert not ((v > 0) & (v < 10)).any()
    with pytest.raises(ReleaseError, match="immutable"):
        make_release(persons_connection(50, 1), "r1", "plain", release_dir, 2016, 2020)


@pytest.mark.slow
def test_release_from_a_linkage_run(tmp_path: Path) -> None:
    """The real path: snapshot → linkage run → release → report."""
    snap = make_snapshot(tmp_path / "snap", n_persons=300, seed=5)
    try:
        run_linkage(snap.path, tmp_path / "runs", "r1")
    except Exception as exc:  # the linkage is another stage; its failures are tested there
        pytest.skip(f"linkage run unavailable: {type(exc).__name__}")
    con = open_run(tmp_path / "runs", "r1")
    rel = make_release(con, "r1", "linked", tmp_path / "releases", 2016, 2020)
    html = render_html(rel, "en")
    assert set(read_tables(html)) == set(rel.tables)


@pytest.mark.parametrize("lang", LANGS)
def test_every_released_cell_appears_in_the_html_as_published(
    release_dir: Path, tmp_path: Path, lang: str
) -> None:
    rel = load_release(release_dir, "full")
    html = write_report(rel, tmp_path, lang).read_text()
    assert f'<html lang="{lang}">' in html
    assert "<script" not in html  # readable without JavaScript
    assert "src=" not in html  # self-contained: nothing loaded from elsewhere
    shown = read_tables(html)
    assert set(shown) == set(rel.tables)
    checked = suppressed = 0
    for name, table in rel.tables.items():
        header, *rows = shown[name]
        by_year = {int(r[0]): dict(zip(header[1:], r[1:], strict=True)) for r in rows}
        col_dim = table.dims[-1]
        for year, code, value in zip(
            table.data["year"], table.data[col_dim], table.data["value"], strict=True
        ):
            text = by_year[int(year)][label(col_dim, code, lang)]
            assert text == _fmt(value, lang)
            checked += 1
            suppressed += text == "·"
    assert checked > 150
    assert suppressed > 0  # the fixture has suppressed cells, and they are marked
    assert html.count('class="num suppressed"') + html.count("total suppressed") == suppressed
    assert html.count("<svg") == len(rel.tables)


@pytest.mark.parametrize("lang", LANGS)
def test_summary_numbers_come_from_the_release(release_dir: Path, lang: str) -> None:
    rel = load_release(release_dir, "full")
    html = render_html(rel, lang)
    tb = rel.table("victims_by_year_form").data
    totals = tb[tb["form"] == "_total"].set_index("year")["value"]
    first, last = int(totals[2016]), int(totals[2020])
    change = fmt_pct(100 * (last - first) / first, lang)
    summary = findings(rel, lang)[0]
    assert _fmt(first, lang) in summary and _fmt(last, lang) in summary and change in summary
    assert summary in html
    est = EXTRA["estimate"]
    assert ("." if lang == "nl" else ",") in _fmt(last, lang)  # thousands separator per language
    # 2345.6 rounds to 2346
    assert ("2.346" if lang == "nl" else "2,346") in html
    assert _fmt(est["lower"], lang) in html and _fmt(est["upper"], lang) in html
    assert ("42,3 %" if lang == "nl" else "42.3 %") in html
    assert 'id="estimate"' in html and 'id="followup"' in html
    assert "[AB][AC][D]" in html  # the model, in the methods appendix
    assert _fmt(EXTRA["linkage"]["registrations"], lang) in html  # 1234: separator per language


def test_optional_sections_only_when_the_release_carries_them(release_dir: Path) -> None:
    html = render_html(load_release(release_dir, "plain"), "en")
    assert 'id="estimate"' not in html and 'id="followup"' not in html
    assert "Linkage quality" not in html
    assert 'id="methods"' in html and "min_cell" in html


def test_minor_share_is_computed_from_published_cells(release_dir: Path) -> None:
    rel = load_release(release_dir, "plain")
    tb = rel.table("victims_by_year_minor").data
    row = tb[tb["year"] == 2020].set_index("minor_adult")["value"]
    text = " ".join(findings(rel, "en"))
    if "minor" in row.index and not pd.isna(row["minor"]):
        share = f"{100 * int(row['minor']) / int(row['_total']):.1f} %"
        assert share in text
    else:
        assert "were minors" not in text


def test_a_release_without_the_main_table_is_refused(release_dir: Path) -> None:
    rel = load_release(release_dir, "plain")
    partial = Release(
        rel.name,
        rel.run_id,
        rel.created_at,
        rel.year_from,
        rel.year_to,
        rel.rules,
        {k: v for k, v in rel.tables.items() if k != "victims_by_year_form"},
    )
    with pytest.raises(ReportError, match="victims_by_year_form"):
        render_html(partial, "nl")
    with pytest.raises(ReportError, match="html"):
        write_report(rel, Path("unused"), "nl", "docx")


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_contents_page_numbers_and_the_release_numbers(
    release_dir: Path, lang: str
) -> None:
    rel = load_release(release_dir, "full")
    import io

    reader = pypdf.PdfReader(io.BytesIO(render_pdf(rel, lang)))
    pages = [p.extract_text() for p in reader.pages]
    n = len(pages)
    assert n >= len(rel.tables) + 1
    word = "pagina" if lang == "nl" else "page"
    for i, text in enumerate(pages, start=1):
        assert f"{word} {i} / {n}" in text
    contents = pages[0]
    assert ("Inhoud" if lang == "nl" else "Contents") in contents
    listed = [int(m) for m in re.findall(r"\.{3,}\s*(\d+)\s*$", contents, re.M)]
    assert len(listed) == len(rel.tables) + 4  # summary, estimate, follow-up, chapters, methods
    assert listed == sorted(listed) and listed[-1] <= n
    methods = "Verantwoording" if lang == "nl" else "Methods"
    assert pages[listed[-1] - 1].lstrip().startswith(methods)
    for page, table in zip(listed[3:], rel.tables.values(), strict=False):
        # each chapter starts on the page the contents give for it
        assert pages[page - 1].lstrip().startswith(table.title(lang)[:25])
    alltext = "\n".join(pages)
    tb = rel.table("victims_by_year_form").data
    for v in tb[tb["form"] == "_total"]["value"]:
        assert _fmt(v, lang) in alltext
    assert ("2.346" if lang == "nl" else "2,346") in alltext


@given(st.integers(min_value=0, max_value=10**12))
def test_formatted_integers_read_back(n: int) -> None:
    assert int(fmt_int(n, "nl").replace(".", "")) == n
    assert int(fmt_int(n, "en").replace(",", "")) == n
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", fmt_int(n, "nl"))
    assert fmt_int(None, "en") == "·"


def test_cli_writes_html_and_pdf(
    release_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zichtbaar.cli import app

    monkeypatch.setenv("ZICHTBAAR_HOME", str(release_dir.parent))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        res = runner.invoke(
            app, ["report", "--release", "plain", "--lang", "en", "--out", str(tmp_path)]
        )
        assert res.exit_code == 0, res.output
        assert (tmp_path / "report-plain-en.html").read_text().startswith("<!doctype html>")
        res = runner.invoke(app, ["report", "--release", "nope", "--format", "html"])
        assert res.exit_code == 1 and "no release" in res.output
        res = runner.invoke(app, ["report", "--release", "plain", "--format", "odt"])
        assert res.exit_code != 0
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_table_with_nothing_published_gets_a_note_not_an_endless_chart(lang: str) -> None:
    from zichtbaar.disclosure.release import ReleasedTable
    from zichtbaar.report.render import chart_svg

    data = pd.DataFrame(
        {
            "year": [2020, 2020, 2020],
            "nationality_group": ["nl", "eu", "_total"],
            "value": [None, None, 12],
            "suppressed": [True, True, False],
        }
    )
    tb = ReleasedTable("t", "T", "T", ("year", "nationality_group"), "persons", data)
    svg = chart_svg(tb, lang)
    assert "e+308" not in svg and "inf" not in svg.lower().replace("info", "")
    assert ("afgeschermd" if lang == "nl" else "protected") in svg
    data.loc[0, "value"], data.loc[0, "suppressed"] = 12, False
    assert "<rect" in chart_svg(tb, lang)  # with a published cell: the bars
