from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.snapshot_factory import make_snapshot
from zichtbaar.disclosure.release import load_release, make_release
from zichtbaar.errors import ReleaseError
from zichtbaar.link.run import open_run, run_linkage
from zichtbaar.report.render import pivot, render_html, write_report, year_totals
from zichtbaar.stats import REGISTRY


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("rel")
    snap = make_snapshot(tmp / "snap", n_persons=600, seed=5)
    run_linkage(snap.path, tmp / "runs", "r1")
    con = open_run(tmp / "runs", "r1")
    make_release(con, "r1", "demo", tmp / "releases", 2016, 2020, min_cell=10)
    return tmp / "releases"


def test_release_round_trip_holds_only_protected_values(release_dir: Path) -> None:
    rel = load_release(release_dir, "demo")
    assert set(rel.tables) == set(REGISTRY.names())
    for table in rel.tables.values():
        assert "count" not in table.data.columns
        v = table.data["value"].dropna()
        assert not ((v > 0) & (v < 10)).any()
    with pytest.raises(ReleaseError, match="immutable"):
        rel2 = load_release(release_dir, "demo")
        make_release(
            open_run(release_dir.parent / "runs", "r1"), "r1", rel2.name, release_dir, 2016, 2020
        )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_numbers_equal_release_numbers(release_dir: Path, tmp_path: Path, lang: str) -> None:
    rel = load_release(release_dir, "demo")
    path = write_report(rel, tmp_path, lang)
    html = path.read_text()
    assert f'lang="{lang}"' in html and "<svg" in html
    assert "<script" not in html  # readable without JavaScript
    for table in rel.tables.values():
        pv = pivot(table, rel_lang := lang)  # noqa: F841
        for year, cells in pv.rows:
            row = re.search(
                rf"<th scope=\"row\">{year}</th>(.*?)</tr>", html.split(pv.title, 1)[1], re.S
            )
            assert row is not None
            shown = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))
            assert shown == cells
    totals = year_totals(rel.table("victims_by_year_form"))
    sep = "." if lang == "nl" else ","
    last = totals[2020]
    assert last is not None
    assert f"{last:,}".replace(",", sep) in render_html(rel, lang)
