"""The report chapter "Implementation of the programme", from a release's programme snapshot.

The snapshot (``zichtbaar.programme.snapshot``) is frozen into ``release.extra["programme"]``
when the release is made, so the chapter is as reproducible as the release's tables.
"""

from __future__ import annotations

from typing import Any

from zichtbaar.programme import Status
from zichtbaar.types import Lang

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Uitvoering van het programma", "Implementation of the programme"),
    "intro": (
        "Stand van de maatregelen van het programma {title} per {as_of}.",
        "State of the measures of the programme {title} as of {as_of}.",
    ),
    "action_line": ("Actielijn", "Action line"),
    "unknown": ("Onbekend", "Unknown"),
    "total": ("Totaal", "Total"),
    "overdue": ("Maatregelen over de deadline", "Overdue measures"),
    "no_overdue": ("Geen maatregelen over de deadline.", "No overdue measures."),
    "measure": ("Maatregel", "Measure"),
    "owner": ("Eigenaar", "Owner"),
    "deadline": ("Deadline", "Deadline"),
    "status": ("Status", "Status"),
}


def _t(key: str, lang: Lang) -> str:
    nl, en = TEXTS[key]
    return nl if lang is Lang.NL else en


def chapter_context(data: dict[str, Any], lang: Lang | str) -> dict[str, Any]:
    """What ``programme_chapter.html.j2`` shows, labelled in ``lang``."""
    lang = Lang(lang)

    def status_label(code: str | None) -> str:
        return Status(code).label(lang) if code else _t("unknown", lang)

    return {
        "title": _t("title", lang),
        "intro": _t("intro", lang).format(title=data["title"], as_of=data["as_of"]),
        "labels": {k: _t(k, lang) for k in TEXTS},
        "statuses": [s.label(lang) for s in Status],
        "rows": [
            {
                "line": f"{a['id']} {a['title']}",
                "counts": [a["counts"].get(s.value, 0) for s in Status],
                "unknown": a["unknown"],
                "total": a["total"],
            }
            for a in data["action_lines"]
        ],
        "overdue": [{**m, "status_label": status_label(m.get("status"))} for m in data["overdue"]],
    }
