"""The report chapter "Estimated total number of victims", from a release's estimate section.

Shows what ``estimate.published`` put into ``release.extra``: per year the published total with
its interval beside the registered count (a chart and a table), minors and adults, the years the
lists could not support a figure with the reason, the sensitivity table of every procedure, the
figure for minors in domestic sexual exploitation, and how much of the width is linkage.
Only values the release carries are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from zichtbaar.report.charts import empty_svg, to_svg
from zichtbaar.report.texts import fmt_int, fmt_pct
from zichtbaar.types import Lang

TEXTS: dict[str, tuple[str, str]] = {
    "by_year": ("Schatting per jaar", "Estimate per year"),
    "registered": ("Geregistreerd", "Registered"),
    "estimated": ("Geschat totaal", "Estimated total"),
    "interval": ("95 %-interval", "95 % interval"),
    "minors": ("Minderjarigen", "Minors"),
    "adults": ("Volwassenen", "Adults"),
    "note": ("Toelichting", "Note"),
    "no_figure": ("geen schatting", "no estimate"),
    "linkage_share": ("deel van de breedte door koppeling", "share of the width from linkage"),
    "sensitivity": ("Gevoeligheid: andere schattingsmethoden", "Sensitivity: other methods"),
    "sensitivity_intro": (
        "Dezelfde lijsten, geschat met elke methode die zichtbaar kent. De gepubliceerde "
        "methode ({label}) is gekozen met een simulatiestudie; waar de methoden ver uiteen "
        "liggen is het cijfer onzeker.",
        "The same lists, estimated with every method zichtbaar has. The published method "
        "({label}) was chosen by a simulation study; where the methods disagree widely, the "
        "figure is uncertain.",
    ),
    "method": ("Methode", "Method"),
    "minors_title": (
        "Minderjarige slachtoffers van binnenlandse seksuele uitbuiting",
        "Minor victims of domestic sexual exploitation",
    ),
    "minors_note": (
        "Een eigen schatting voor deze minderjarigen vraagt dat minstens 40 van hen door twee of "
        "meer lijsten zijn geregistreerd. Op een synthetische wereld met de echte Nederlandse "
        "overlap waren schattingen uit 15 tot 24 zulke personen ongeveer de helft van het ware "
        "aantal: de minderjarigen die niemand samen ziet, zijn veel minder zichtbaar.",
        "A figure of its own for these minors needs at least 40 of them registered by two or more "
        "lists. On a synthetic world with the real Dutch overlaps, figures from 15 to 24 such "
        "people were about half the true number: the minors no two lists share are far less "
        "visible.",
    ),
    "chart_alt": (
        "Geschat totaal per jaar met 95 %-interval, naast het geregistreerde aantal",
        "Estimated total per year with 95 % interval, beside the registered number",
    ),
    "reason_support": (
        "de lijsten registreren te weinig dezelfde personen om het verborgen aantal te schatten",
        "the lists register too few of the same people to estimate the hidden number",
    ),
}


def _t(key: str, lang: Lang) -> str:
    nl, en = TEXTS[key]
    return nl if lang is Lang.NL else en


def _reason(entry: dict[str, Any], lang: Lang) -> str:
    """A refusal in the reader's language; the technical reason (English) stays in the JSON,
    the Dutch text says what it means."""
    if entry.get("total") is not None:
        return ""
    why = str(entry.get("reason") or "")
    if lang is Lang.NL:
        return _t("reason_support", lang) if "registered by two or more" in why else "—"
    return why or "—"


def _chart(rows: Sequence[dict[str, Any]], lang: Lang) -> str:
    """Interval band and estimate per year, registered count beside it, minors and adults."""
    recs = []
    for r in rows:
        year = int(r["year"])
        if r.get("observed") is not None:
            recs.append({"year": year, "series": _t("registered", lang), "value": r["observed"]})
        if r.get("total") is not None:
            recs.append({"year": year, "series": _t("estimated", lang), "value": r["total"],
                         "lower": r["lower"], "upper": r["upper"]})  # fmt: skip
        for code, key in (("minor", "minors"), ("adult", "adults")):
            v = (r.get("levels") or {}).get(code)
            if v is not None:
                recs.append({"year": year, "series": _t(key, lang), "value": v})
    if not any("lower" in x for x in recs):
        return empty_svg(_t("no_figure", lang))
    df = pd.DataFrame(recs)
    base = alt.Chart(df).encode(x=alt.X("year:O", title=None))
    band = (
        base.transform_filter("isValid(datum.lower)")
        .mark_area(opacity=0.25)
        .encode(y=alt.Y("lower:Q", title=None), y2="upper:Q")
    )
    lines = base.mark_line(point=True).encode(
        y=alt.Y("value:Q", title=None), color=alt.Color("series:N", title=None)
    )
    return to_svg((band + lines).properties(width=420, height=240))


def chapter_context(extra: dict[str, Any], lang: Lang | str) -> dict[str, Any] | None:
    """What ``estimate_chapter.html.j2`` shows, or None when the release has no estimates."""
    lang = Lang(lang)
    rows = extra.get("estimate_by_year")
    if not isinstance(rows, list) or not rows:
        return None
    years = [
        {
            "year": r["year"],
            "observed": fmt_int(r.get("observed"), lang),
            "total": fmt_int(r.get("total"), lang),
            "lower": fmt_int(r.get("lower"), lang),
            "upper": fmt_int(r.get("upper"), lang),
            "minors": fmt_int((r.get("levels") or {}).get("minor"), lang),
            "adults": fmt_int((r.get("levels") or {}).get("adult"), lang),
            "linkage": (
                "" if r.get("linkage_share") is None
                else fmt_pct(100 * float(r["linkage_share"]), lang, signed=False)
            ),
            "note": _reason(r, lang),
        }
        for r in rows
    ]  # fmt: skip
    label = next((r.get("label") for r in rows if r.get("label")), "")
    return {
        "n_lists": max((len(r.get("lists") or []) for r in rows), default=0),
        "labels": {k: _t(k, lang) for k in TEXTS},
        "years": years,
        "chart": _chart(rows, lang),
        "sensitivity_intro": _t("sensitivity_intro", lang).format(label=label),
        "sensitivity": _sensitivity(extra.get("estimate_sensitivity"), lang),
        "minors": _minors(extra.get("minors_domestic_sexual_estimated"), lang),
    }


def _sensitivity(raw: object, lang: Lang) -> dict[str, Any] | None:
    if not isinstance(raw, list) or not raw:
        return None
    methods: list[str] = []
    cells: dict[tuple[int, str], str] = {}
    for year in raw:
        for f in year.get("figures", []):
            if f["label"] not in methods:
                methods.append(f["label"])
            text = (
                f"{fmt_int(f['total'], lang)} ({fmt_int(f['lower'], lang)}–"
                f"{fmt_int(f['upper'], lang)})"
                if f.get("total") is not None
                else "—"
            )
            cells[(int(year["year"]), f["label"])] = text
    years = sorted({y for y, _ in cells})
    return {
        "methods": methods,
        "rows": [(y, [cells.get((y, m), "—") for m in methods]) for y in years],
    }


def _minors(raw: object, lang: Lang) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        return []
    return [
        {
            "year": r["year"],
            "registered": fmt_int(r.get("registered"), lang),
            "total": fmt_int(r.get("estimate"), lang),
            "lower": fmt_int(r.get("lower"), lang),
            "upper": fmt_int(r.get("upper"), lang),
            "note": _reason({"total": r.get("estimate"), "reason": r.get("reason")}, lang),
        }
        for r in raw
    ]
