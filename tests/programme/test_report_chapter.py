from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.report.factory import build_releases
from zichtbaar.disclosure.release import Release, load_release
from zichtbaar.programme import SEED, parse_yaml, snapshot
from zichtbaar.report.render import render_html

TODAY = dt.date(2024, 6, 1)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    out = build_releases(tmp_path_factory.mktemp("prel"), n_persons=800, with_extra=False)
    return load_release(out, "plain")


def test_snapshot_counts_and_overdue() -> None:
    snap = snapshot(parse_yaml(SEED.read_text(encoding="utf-8")), TODAY)
    al1 = next(a for a in snap["action_lines"] if a["id"] == "AL1")
    assert al1["total"] == 10
    assert al1["counts"]["delayed"] == 3
    assert al1["counts"]["in_progress"] == 4
    assert al1["unknown"] == 3
    assert [m["id"] for m in snap["overdue"]] == ["AL4-01"]


@pytest.mark.parametrize(
    ("lang", "title", "delayed"),
    [
        ("nl", "Uitvoering van het programma", "Vertraagd"),
        ("en", "Implementation of the programme", "Delayed"),
    ],
)
def test_chapter_is_included_when_the_release_has_programme_data(
    release: Release, lang: str, title: str, delayed: str
) -> None:
    assert title not in render_html(release, lang)
    snap = snapshot(parse_yaml(SEED.read_text(encoding="utf-8")), TODAY)
    with_programme = dataclasses.replace(release, extra={**release.extra, "programme": snap})
    html = render_html(with_programme, lang)
    assert html.count(title) >= 2  # contents entry and chapter heading
    assert 'id="programme"' in html and delayed in html
    assert "AL4-01" in html
