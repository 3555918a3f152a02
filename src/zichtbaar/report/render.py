"""Render the monitor report from a release (only disclosure-controlled numbers reach it)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2

from zichtbaar.disclosure.release import Release, ReleasedTable
from zichtbaar.errors import ReportError
from zichtbaar.report.charts import empty_svg, stacked_bars, to_svg
from zichtbaar.report.estimate_chapter import chapter_context as estimate_chapter
from zichtbaar.report.findings import (
    estimate_of,
    findings,
    followups_of,
    published_int,
    year_totals,
)
from zichtbaar.report.programme_chapter import chapter_context
from zichtbaar.report.texts import fmt_int, fmt_pct, t
from zichtbaar.standard.codes import CODE_LISTS
from zichtbaar.types import Lang

__all__ = [
    "Cell",
    "PivotTable",
    "pivot",
    "render_html",
    "render_pdf",
    "report_context",
    "write_report",
    "year_totals",
]


@dataclass(frozen=True)
class Cell:
    """One table cell as shown: the formatted text, and whether it was suppressed."""

    text: str
    suppressed: bool


@dataclass(frozen=True)
class PivotTable:
    """A released table laid out for reading: one row per year, one column per category."""

    name: str
    title: str
    unit: str
    columns: list[str]
    rows: list[tuple[int, list[Cell]]]


def label(dim: str, code: str, lang: Lang | str) -> str:
    """A code's label in ``lang`` (the code itself when no code list knows it)."""
    if code == "_total":
        return t("total", lang)
    cl = CODE_LISTS.get(dim)
    return cl.label(code, lang) if cl is not None and code in cl else code


def pivot(table: ReleasedTable, lang: Lang | str) -> PivotTable:
    """Years down, categories across (in code-list order), the row total last."""
    row_dim, col_dim = table.dims[0], table.dims[-1]
    df = table.data
    seen = set(df[col_dim])
    cl = CODE_LISTS.get(col_dim)
    order = [c for c in (cl.values if cl else sorted(seen - {"_total"})) if c in seen]
    order.append("_total")
    # One pass over the cells into a dict: per-year pandas indexing cost ~10 ms a table.
    values = {
        (int(y), str(c)): published_int(v)
        for y, c, v in zip(df[row_dim], df[col_dim], df["value"].astype(object), strict=True)
    }
    rows = []
    for year in sorted({y for y, _ in values}):
        cells = []
        for code in order:
            v = values.get((year, code), 0)  # a combination never seen is a true zero
            cells.append(Cell(fmt_int(v, lang), v is None))
        rows.append((year, cells))
    return PivotTable(
        table.name,
        table.title(Lang(lang).value),
        table.unit,
        [label(col_dim, c, lang) for c in order],
        rows,
    )


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("zichtbaar.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )


def _version() -> str:
    try:
        return metadata.version("zichtbaar")
    except metadata.PackageNotFoundError:
        return "dev"


def chart_svg(table: ReleasedTable, lang: Lang | str) -> str:
    """A stacked bar chart of a per-year table as SVG; a note instead where nothing is published.

    (Vega sizes a chart without data as 1.8e308 points, which the PDF cannot hold.)
    """
    df = table.data
    if not (df["value"].notna() & (df[table.dims[-1]] != "_total")).any():
        return empty_svg(t("chart_empty", lang))
    return to_svg(
        stacked_bars(
            table.data, table.dims[0], table.dims[-1], lang, t("year", lang), t("count", lang)
        )
    )


def _linkage_text(link: object, lang: Lang) -> str:
    """The linkage paragraph, only when the release carries every number it quotes."""
    keys = ("registrations", "organisations", "persons", "statistics_only_persons")
    if not isinstance(link, dict) or not all(isinstance(link.get(k), int) for k in keys):
        return ""
    return t(
        "methods_linkage",
        lang,
        registrations=fmt_int(link["registrations"], lang),
        orgs=fmt_int(link["organisations"], lang),
        persons=fmt_int(link["persons"], lang),
        stats_only=fmt_int(link["statistics_only_persons"], lang),
    )


def report_context(release: Release, lang: Lang | str) -> dict[str, Any]:
    """Everything the report template shows, computed from the release."""
    lang = Lang(lang)
    if "victims_by_year_form" not in release.tables:
        raise ReportError(
            "the release lacks the table 'victims_by_year_form' the report opens with"
        )
    chapters = [
        {"id": f"t-{name}", "table": pivot(tb, lang), "chart": chart_svg(tb, lang)}
        for name, tb in release.tables.items()
    ]
    est = estimate_of(release)
    link = release.extra.get("linkage", {})
    return {
        "lang": lang.value,
        "release": release,
        "findings": findings(release, lang),
        "chapters": chapters,
        "estimate": est,
        "estimates": estimate_chapter(release.extra, lang),
        "estimate_level": fmt_pct(100 * est.level, lang, signed=False) if est else "",
        "followups": [
            (f.label(lang), fmt_pct(100 * f.share, lang, signed=False, digits=1))
            for f in followups_of(release)
        ],
        "min_cell": release.rules.get("min_cell", 10),
        "rules": release.rules,
        "linkage_text": _linkage_text(link, lang),
        "linkage_quality": dict(link.get("quality") or {}) if isinstance(link, dict) else {},
        "version": _version(),
        "programme": (
            chapter_context(release.extra["programme"], lang)
            if "programme" in release.extra
            else None
        ),
    }


def render_html(release: Release, lang: Lang | str) -> str:
    """The whole report as one self-contained HTML document (no scripts, charts inline SVG)."""
    lang = Lang(lang)
    ctx = report_context(release, lang)
    return (
        _environment()
        .get_template("report.html.j2")
        .render(t=lambda key, **kw: t(key, lang, **kw), n=lambda x: fmt_int(x, lang), **ctx)
    )


def render_pdf(release: Release, lang: Lang | str, html: str | None = None) -> bytes:
    """The report as PDF (WeasyPrint: page numbers and the contents' page references via CSS)."""
    import weasyprint  # type: ignore[import-untyped]  # imported here: loading pango costs a second the HTML path never needs

    doc = weasyprint.HTML(string=html if html is not None else render_html(release, lang))
    pdf = doc.write_pdf()
    if pdf is None:  # pragma: no cover - write_pdf returns bytes when no target is given
        raise ReportError("the PDF renderer returned nothing")
    return bytes(pdf)


def write_report(release: Release, out_dir: Path, lang: Lang | str, fmt: str = "html") -> Path:
    """Write ``report-<release>-<lang>.<fmt>`` (``html`` or ``pdf``) into ``out_dir``."""
    if fmt not in {"html", "pdf"}:
        raise ReportError("a report is written as 'html' or 'pdf'")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"report-{release.name}-{Lang(lang).value}.{fmt}"
    if fmt == "html":
        path.write_text(render_html(release, lang), encoding="utf-8")
    else:
        path.write_bytes(render_pdf(release, lang))
    return path
