"""Programme monitoring pages: analysts and coordinators read, coordinators change statuses.

Pages and their JSON twins under /api share one data builder, so both always agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from zichtbaar.errors import ProgrammeError
from zichtbaar.programme import (
    Programme,
    Status,
    action_line_rows,
    check_programme,
    history,
    load_programme,
    overdue,
    programme_ids,
    set_status,
)
from zichtbaar.types import Lang
from zichtbaar.web.auth import WebUser, lang_of, require, state
from zichtbaar.web.pages import page

router = APIRouter()
Coordinator = Annotated[WebUser, Depends(require("coordinator"))]
READERS = ("analyst", "coordinator")
"""Both read the programme, each under its own prefix (routes belong to one role each)."""

TEXTS: dict[str, tuple[str, str]] = {
    "programme": ("Programma", "Programme"),
    "no_programme": ("Er is nog geen programma geladen.", "No programme has been loaded yet."),
    "action_line": ("Actielijn", "Action line"),
    "measure": ("Maatregel", "Measure"),
    "measures": ("Maatregelen", "Measures"),
    "owner": ("Eigenaar", "Owner"),
    "partners": ("Partners", "Partners"),
    "start": ("Start", "Start"),
    "deadline": ("Deadline", "Deadline"),
    "unknown": ("Onbekend", "Unknown"),
    "total": ("Totaal", "Total"),
    "overdue": ("Over de deadline", "Overdue"),
    "no_overdue": ("Geen maatregelen over de deadline.", "No overdue measures."),
    "findings": ("Controles", "Checks"),
    "no_findings": ("Geen bevindingen.", "No findings."),
    "timeline": ("Tijdlijn", "Timeline"),
    "history": ("Statusgeschiedenis", "Status history"),
    "no_history": ("Nog geen status vastgelegd.", "No status recorded yet."),
    "when": ("Per", "As of"),
    "recorded": ("Vastgelegd", "Recorded"),
    "who": ("Door", "By"),
    "why": ("Reden", "Reason"),
    "indicators": ("Indicatoren", "Indicators"),
    "milestones": ("Mijlpalen", "Milestones"),
    "value": ("Waarde", "Value"),
    "source": ("Bron", "Source"),
    "targets": ("Streefwaarden", "Targets"),
    "baseline": ("Nulmeting", "Baseline"),
    "due": ("Gepland", "Due"),
    "done": ("Gereed", "Done"),
    "change_status": ("Status wijzigen", "Change status"),
    "new_status": ("Nieuwe status", "New status"),
    "save": ("Opslaan", "Save"),
    "reason_required": ("Geef een reden op.", "Give a reason."),
    "saved": ("Status opgeslagen.", "Status saved."),
}


def t(key: str, lang: Lang) -> str:
    nl, en = TEXTS[key]
    return nl if lang is Lang.NL else en


def _programme(request: Request) -> Programme | None:
    with state(request).store.engine.connect() as conn:
        ids = programme_ids(conn)
        return load_programme(conn, ids[0]) if ids else None


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _overview(prog: Programme, lang: Lang, user: WebUser) -> dict[str, Any]:
    today = _today()
    late = set(overdue(prog, today))
    findings = check_programme(prog, today) if user.role == "coordinator" else []
    return {
        "programme": {"id": prog.programme.id, "title": prog.programme.title},
        "statuses": [{"code": s.value, "label": s.label(lang)} for s in Status],
        "action_lines": action_line_rows(prog),
        "overdue": [
            {
                "id": m.id,
                "title": m.title,
                "deadline": m.deadline.isoformat() if m.deadline else None,
            }
            for m in prog.measures
            if m.id in late
        ],
        "timeline": [
            {
                "id": m.id,
                "title": m.title,
                "action_line": m.action_line,
                "start": m.start.isoformat() if m.start else None,
                "deadline": m.deadline.isoformat() if m.deadline else None,
                "status": m.status.value if m.status else None,
                "status_label": m.status.label(lang) if m.status else t("unknown", lang),
                "status_date": m.status_date.isoformat() if m.status_date else None,
                "overdue": m.id in late,
            }
            for m in prog.measures
        ],
        "findings": [
            {"measure": f.measure_id, "check": f.check.value, "message": f.message}
            for f in findings
        ],
    }


def _measure(request: Request, measure_id: str) -> dict[str, Any]:
    lang = lang_of(request)
    prog = _programme(request)
    m = next((x for x in prog.measures if x.id == measure_id), None) if prog else None
    if m is None:
        raise HTTPException(status_code=404, detail="no such measure")
    with state(request).store.engine.connect() as conn:
        hist = history(conn, measure_id)
    return {
        "measure": m.model_dump(mode="json"),
        "status_label": m.status.label(lang) if m.status else t("unknown", lang),
        "history": [
            {
                "status": h.status.value,
                "label": h.status.label(lang),
                "effective": h.effective.isoformat(),
                "recorded_at": h.recorded_at.isoformat(timespec="seconds"),
                "actor": h.actor,
                "reason": h.reason,
            }
            for h in hist
        ],
        "statuses": [{"code": s.value, "label": s.label(lang)} for s in Status],
    }


def _add_read_routes(role: str) -> None:
    """The overview and measure pages (and JSON twins) under ``/{role}`` for one reading role."""
    reader = Depends(require(role))  # a default, not Annotated: local names don't resolve
    base = f"/{role}/programme"

    def overview_page(request: Request, user: WebUser = reader) -> HTMLResponse:
        lang = lang_of(request)
        prog = _programme(request)
        data = _overview(prog, lang, user) if prog else None
        return page(request, "programme.html.j2", data=data, t=lambda k: t(k, lang), base=base)

    def overview_json(request: Request, user: WebUser = reader) -> dict[str, Any]:
        prog = _programme(request)
        if prog is None:
            raise HTTPException(status_code=404, detail="no programme loaded")
        return _overview(prog, lang_of(request), user)

    def measure_page(request: Request, measure_id: str, user: WebUser = reader) -> HTMLResponse:
        lang = lang_of(request)
        saved = request.query_params.get("saved") == "1"
        return page(
            request,
            "programme_measure.html.j2",
            data=_measure(request, measure_id),
            t=lambda k: t(k, lang),
            base=base,
            message=t("saved", lang) if saved else None,
        )

    def measure_json(request: Request, measure_id: str, user: WebUser = reader) -> dict[str, Any]:
        return _measure(request, measure_id)

    router.add_api_route(base, overview_page, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(f"/api{base}", overview_json, methods=["GET"])
    router.add_api_route(
        f"{base}/measure/{{measure_id}}", measure_page, methods=["GET"], response_class=HTMLResponse
    )
    router.add_api_route(f"/api{base}/measure/{{measure_id}}", measure_json, methods=["GET"])


for _role in READERS:
    _add_read_routes(_role)


@router.post("/coordinator/programme/measure/{measure_id}/status", response_model=None)
def measure_status(
    request: Request,
    measure_id: str,
    user: Coordinator,
    status: Annotated[Status, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse | RedirectResponse:
    lang = lang_of(request)
    if not reason.strip():
        return page(
            request,
            "programme_measure.html.j2",
            status_code=422,
            data=_measure(request, measure_id),
            t=lambda k: t(k, lang),
            base="/coordinator/programme",
            error=t("reason_required", lang),
        )
    try:
        with state(request).store.engine.begin() as conn:
            set_status(conn, measure_id, status, f"web:{user.username}", reason)
    except ProgrammeError:
        raise HTTPException(status_code=404, detail="no such measure") from None
    return RedirectResponse(f"/coordinator/programme/measure/{measure_id}?saved=1", status_code=303)
