"""Key findings computed from a release: the sentences the summary opens with.

Only a release's published values are used, so a finding is left out (or says it cannot be
given) rather than recomputed from anything finer. Optional parts of a release live in
``Release.extra``:

- ``estimate``: ``{"total", "lower", "upper", "observed", "level", "model", "lists",
  "diagnostics"}`` — the estimated hidden number with its interval;
- ``followup``: a list of ``{"label_nl", "label_en", "share"}`` with ``share`` in [0, 1];
- ``linkage``: ``{"registrations", "organisations", "persons", "statistics_only_persons",
  "quality": {metric: value}}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from zichtbaar.disclosure.release import Release, ReleasedTable
from zichtbaar.report.texts import fmt_int, fmt_pct, fmt_share, t
from zichtbaar.types import Lang


@dataclass(frozen=True)
class Estimate:
    """The estimated total number of victims with its interval (all published values)."""

    total: int
    lower: int
    upper: int
    observed: int | None
    level: float
    model: str
    lists: list[str]
    diagnostics: dict[str, Any]
    year: int | None = None


@dataclass(frozen=True)
class FollowUp:
    label_nl: str
    label_en: str
    share: float

    def label(self, lang: Lang | str) -> str:
        return self.label_nl if Lang(lang) is Lang.NL else self.label_en


def published_int(v: Any) -> int | None:
    """A published value as int; None for suppressed (NA/NaN) cells."""
    return None if v is None or pd.isna(v) else int(v)


def year_totals(table: ReleasedTable) -> dict[int, int | None]:
    """The published row totals of a per-year table."""
    df = table.data
    tot = df[df[table.dims[-1]] == "_total"]
    return {int(y): published_int(v) for y, v in zip(tot[table.dims[0]], tot["value"], strict=True)}


def cell(table: ReleasedTable, year: int, code: str) -> int | None:
    """One published cell (None when suppressed or absent)."""
    df = table.data
    hit = df[(df[table.dims[0]] == year) & (df[table.dims[-1]] == code)]
    return None if hit.empty else published_int(hit["value"].iloc[0])


def estimate_of(release: Release) -> Estimate | None:
    """The release's estimate of the hidden number, if it carries one."""
    raw = release.extra.get("estimate")
    if not isinstance(raw, dict) or not {"total", "lower", "upper"} <= raw.keys():
        return None
    return Estimate(
        total=round(float(raw["total"])),
        lower=round(float(raw["lower"])),
        upper=round(float(raw["upper"])),
        observed=published_int(raw.get("observed")),
        level=float(raw.get("level", 0.95)),
        model=str(raw.get("model", "")),
        lists=[str(x) for x in raw.get("lists", [])],
        diagnostics=dict(raw.get("diagnostics", {})),
        year=int(raw["year"]) if raw.get("year") is not None else None,
    )


def followups_of(release: Release) -> list[FollowUp]:
    """The release's follow-up shares, if it carries them."""
    raw = release.extra.get("followup")
    if not isinstance(raw, list):
        return []
    return [
        FollowUp(str(f["label_nl"]), str(f["label_en"]), float(f["share"]))
        for f in raw
        if isinstance(f, dict) and {"label_nl", "label_en", "share"} <= f.keys()
    ]


def findings(release: Release, lang: Lang | str) -> list[str]:
    """The summary's sentences, in ``lang``, each computed from published values only."""
    lang = Lang(lang)
    out: list[str] = []
    if "victims_by_year_form" in release.tables:
        totals = year_totals(release.table("victims_by_year_form"))
        first, last = totals.get(release.year_from), totals.get(release.year_to)
        years = {"year_from": release.year_from, "year_to": release.year_to}
        if first and last is not None:
            change = fmt_pct(100.0 * (last - first) / first, lang)
            out.append(
                t(
                    "summary_change",
                    lang,
                    first=fmt_int(first, lang),
                    last=fmt_int(last, lang),
                    change=change,
                    **years,
                )
            )
        else:
            out.append(t("summary_change_unknown", lang, **years))
    if "victims_by_year_minor" in release.tables:
        tb = release.table("victims_by_year_minor")
        minors, total = cell(tb, release.year_to, "minor"), cell(tb, release.year_to, "_total")
        if minors is not None and total:
            out.append(
                t(
                    "summary_minors",
                    lang,
                    year=release.year_to,
                    share=fmt_share(minors, total, lang),
                    minors=fmt_int(minors, lang),
                    total=fmt_int(total, lang),
                )
            )
    est = estimate_of(release)
    if est is not None:
        out.append(
            t(
                "summary_estimate",
                lang,
                year=est.year if est.year is not None else getattr(release, "year_to", ""),
                total=fmt_int(est.total, lang),
                lower=fmt_int(est.lower, lang),
                upper=fmt_int(est.upper, lang),
                level=fmt_pct(100 * est.level, lang, signed=False),
                observed=fmt_int(est.observed, lang),
            )
        )
    val = release.extra.get("estimate_validation")  # only a synthetic world knows its truth
    if est is not None and isinstance(val, dict) and val.get("total"):
        level = fmt_pct(100 * float(val.get("level", 0.95)), lang, signed=False)
        covered, n_years = int(val["covered"]), int(val["total"])
        refused = int(val.get("refused", 0))
        out.append(
            t("summary_validation", lang, level=level, covered=covered, years=n_years,
              refused=refused)
        )  # fmt: skip
    for f in followups_of(release):
        share = fmt_pct(100 * f.share, lang, signed=False, digits=1)
        out.append(t("summary_followup", lang, label=f.label(lang), share=share))
    out.append(t("summary_persons", lang))
    return out
