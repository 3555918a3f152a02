"""The analyst's dashboard: a release's tables and charts narrowed by filters.

Filters only select published cells (years, categories); nothing is recomputed from them, so a
row total stays the published total and a suppressed cell stays suppressed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from zichtbaar.disclosure.release import Release, ReleasedTable
from zichtbaar.report.estimate_chapter import chapter_context as estimate_chapter
from zichtbaar.report.findings import estimate_of, published_int
from zichtbaar.report.render import PivotTable, chart_svg, label, pivot
from zichtbaar.report.texts import fmt_int
from zichtbaar.standard.codes import CODE_LISTS
from zichtbaar.types import Lang

FILTER_DIMS = {"form": "form", "age": "minor_adult", "nationality": "nationality_group"}
"""Query parameter → the table dimension it narrows (age groups are published as minor/adult)."""


@dataclass(frozen=True)
class Filters:
    years: tuple[int, ...] = ()
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # dim -> selected codes

    def key(self) -> tuple[tuple[int, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
        return self.years, tuple(sorted(self.codes.items()))


def parse_filters(release: Release, years: list[int], params: dict[str, list[str]]) -> Filters:
    """Keep only known years and codes (anything else is ignored, never echoed)."""
    valid_years = tuple(y for y in sorted(set(years)) if release.year_from <= y <= release.year_to)
    codes: dict[str, tuple[str, ...]] = {}
    for param, dim in FILTER_DIMS.items():
        cl = CODE_LISTS.get(dim)
        chosen = tuple(c for c in params.get(param, []) if cl is not None and c in cl)
        if chosen:
            codes[dim] = chosen
    return Filters(valid_years, codes)


def narrow(table: ReleasedTable, filters: Filters) -> ReleasedTable:
    """The table's published cells for the chosen years and categories (row totals kept)."""
    df = table.data
    row_dim, col_dim = table.dims[0], table.dims[-1]
    if filters.years:
        df = df[df[row_dim].isin(filters.years)]
    chosen = filters.codes.get(col_dim)
    if chosen:
        df = df[df[col_dim].isin([*chosen, "_total"])]
    return replace(table, data=df.reset_index(drop=True))


@dataclass(frozen=True)
class DashboardTable:
    name: str
    pivot: PivotTable
    chart: str
    cells: list[dict[str, Any]]


_CHARTS: dict[tuple[Any, ...], str] = {}
_CHARTS_MAX = 512
_LOCK = threading.Lock()
"""Rendered charts by (release, table, filters, language): a release never changes, so a chart
rendered once stays right; vl-convert costs ~50-100 ms a chart, a cache hit nothing."""


def dashboard(
    release: Release, lang: Lang | str, filters: Filters, charts: bool = True
) -> list[DashboardTable]:
    """Each table of the release, narrowed, with its chart (if asked) and its cells as data."""
    lang = Lang(lang)
    out = []
    for name, table in release.tables.items():
        small = narrow(table, filters)
        chart = _chart_for(release, name, filters, lang, small) if charts else ""
        col_dim = table.dims[-1]
        cells = [
            {
                "year": int(y),
                "code": str(c),
                "label": label(col_dim, str(c), lang),
                "value": published_int(v),
                "suppressed": bool(s),
            }
            for y, c, v, s in zip(
                small.data[table.dims[0]],
                small.data[col_dim],
                small.data["value"].astype(object),
                small.data["suppressed"],
                strict=True,
            )
        ]
        out.append(DashboardTable(name, pivot(small, lang), chart, cells))
    return out


def _chart_for(
    release: Release, name: str, filters: Filters, lang: Lang, table: ReleasedTable
) -> str:
    key = (release.name, release.created_at, name, filters.key(), lang.value)
    svg = _CHARTS.get(key)
    if svg is None:
        svg = chart_svg(table, lang)
        with _LOCK:  # pages are served from a thread pool
            if len(_CHARTS) >= _CHARTS_MAX:
                _CHARTS.pop(next(iter(_CHARTS)))  # drop the oldest
            _CHARTS[key] = svg
    return svg


def table_chart(release: Release, name: str, lang: Lang | str, filters: Filters) -> str:
    """One table's chart as SVG, narrowed by ``filters`` (served as an image of its own)."""
    return _chart_for(release, name, filters, Lang(lang), narrow(release.tables[name], filters))


def filter_query(filters: Filters) -> str:
    """The filters as a query string, so a chart image shows what its table shows."""
    params = [("year", str(y)) for y in filters.years]
    back = {dim: param for param, dim in FILTER_DIMS.items()}
    for dim, codes in sorted(filters.codes.items()):
        params.extend((back[dim], c) for c in codes)
    return urlencode(params)


def estimate_view(release: Release, lang: Lang | str) -> dict[str, Any] | None:
    est = estimate_of(release)
    per_year = estimate_chapter(release.extra, lang)
    if est is None:
        return {"per_year": per_year} if per_year else None
    return {
        "per_year": per_year,
        "total": est.total,
        "lower": est.lower,
        "upper": est.upper,
        "level": est.level,
        "text_total": fmt_int(est.total, lang),
        "text_lower": fmt_int(est.lower, lang),
        "text_upper": fmt_int(est.upper, lang),
    }
