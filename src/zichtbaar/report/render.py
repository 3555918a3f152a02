"""Render the monitor report from a release (only disclosure-controlled numbers reach it)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import jinja2

from zichtbaar.disclosure.release import Release, ReleasedTable
from zichtbaar.errors import ReportError
from zichtbaar.report.charts import stacked_bars, to_svg
from zichtbaar.report.texts import fmt_int, fmt_pct, t
from zichtbaar.standard.codes import CODE_LISTS
from zichtbaar.types import Lang


@dataclass(frozen=True)
class PivotTable:
    """A released table laid out for reading: one row per year, one column per category."""

    title: str
    columns: list[str]
    rows: list[tuple[int, list[str]]]


def _label(dim: str, code: str, lang: Lang) -> str:
    if code == "_total":
        return t("total", lang)
    cl = CODE_LISTS.get(dim)
    return cl.label(code, lang) if cl is not None and code in cl else code


def pivot(table: ReleasedTable, lang: Lang) -> PivotTable:
    """Years down, categories across (in code-list order), the row total last."""
    row_dim, col_dim = table.dims[0], table.dims[-1]
    df = table.data
    seen = set(df[col_dim])
    cl = CODE_LISTS.get(col_dim)
    order = [c for c in (cl.values if cl else sorted(seen - {"_total"})) if c in seen]
    order.append("_total")
    rows = []
    for year in sorted(df[row_dim].unique()):
        sub = df[df[row_dim] == year].set_index(col_dim)
        cells = []
        for code in order:
            if code in sub.index:
                v = sub.loc[code, "value"]
                cells.append(fmt_int(None if v is None or v != v else int(v), lang))
            else:
                cells.append(fmt_int(0, lang))
        rows.append((int(year), cells))
    return PivotTable(table.title(lang), [_label(col_dim, c, lang) for c in order], rows)


def year_totals(table: ReleasedTable) -> dict[int, int | None]:
    """The published row totals of a per-year table."""
    df = table.data
    tot = df[df[table.dims[-1]] == "_total"]
    return {
        int(y): (None if v is None or v != v else int(v))
        for y, v in zip(tot[table.dims[0]], tot["value"], strict=True)
    }


def render_html(release: Release, lang: Lang | str) -> str:
    """The whole report as one self-contained HTML document."""
    lang = Lang(lang)
    if "victims_by_year_form" not in release.tables:
        raise ReportError(
            "the release lacks the table 'victims_by_year_form' the report opens with"
        )
    main = release.table("victims_by_year_form")
    totals = year_totals(main)
    first, last = totals.get(release.year_from), totals.get(release.year_to)
    change = fmt_pct(100.0 * (last - first) / first, lang) if first and last is not None else "–"
    chart = to_svg(stacked_bars(main.data, "year", "form", lang, t("year", lang), t("count", lang)))
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("zichtbaar.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    link = release.extra.get("linkage", {})
    try:
        version = metadata.version("zichtbaar")
    except metadata.PackageNotFoundError:
        version = "dev"
    return env.get_template("report.html.j2").render(
        lang=lang.value,
        t=lambda key, **kw: t(key, lang, **kw),
        n=lambda x: fmt_int(x, lang),
        release=release,
        summary_change=t(
            "summary_change",
            lang,
            year_from=release.year_from,
            year_to=release.year_to,
            first=fmt_int(first, lang),
            last=fmt_int(last, lang),
            change=change,
        ),
        chart_svg=chart,
        tables=[pivot(tb, lang) for tb in release.tables.values()],
        min_cell=release.rules.get("min_cell", 10),
        linkage=link,
        version=version,
    )


def write_report(release: Release, out_dir: Path, lang: Lang | str) -> Path:
    """Write ``report-<release>-<lang>.html`` into ``out_dir`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"report-{release.name}-{Lang(lang).value}.html"
    path.write_text(render_html(release, lang), encoding="utf-8")
    return path
