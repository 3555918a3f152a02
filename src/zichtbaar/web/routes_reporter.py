"""Reporter pages and their JSON twins: submit a package, follow it, withdraw a record."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from zichtbaar.errors import ZichtbaarError
from zichtbaar.intake import SubmissionReport, ingest_package, withdraw
from zichtbaar.intake.withdraw import WITHDRAWAL_REASONS
from zichtbaar.store import Store
from zichtbaar.web.auth import WebUser, require, state
from zichtbaar.web.pages import page
from zichtbaar.web.queries import quarantine_of, submission_of, submissions_of
from zichtbaar.web.texts import ui

router = APIRouter()
Reporter = Annotated[WebUser, Depends(require("reporter"))]


def _org(user: WebUser) -> str:
    if user.org_id is None:  # the store refuses reporters without one; be safe anyway
        raise HTTPException(status_code=403, detail="reporter without organisation")
    return user.org_id


async def ingest_upload(store: Store, upload: UploadFile, org: str, actor: str) -> SubmissionReport:
    """Unpack the upload (read where the server spooled it, not copied again) and hand the
    package directory to the intake library; unpacking draws on the request's disk lease."""
    from zichtbaar.web.budget import current_lease
    from zichtbaar.web.upload import unpack_package

    with tempfile.TemporaryDirectory(prefix="zichtbaar-upload-") as tmp:
        upload.file.seek(0)
        package_dir = await run_in_threadpool(
            unpack_package, upload.file, Path(tmp) / "package", current_lease.get()
        )
        # Unpacking and ingesting are blocking work: off the event loop, so one large package
        # does not stall every other request (measured: p50 21 s with 50 submitters before).
        return await run_in_threadpool(_ingest, store, package_dir, org, actor)


_SQLITE_WRITER = threading.Lock()
"""SQLite takes one writer at a time and answers a second one with "database is locked" after
its busy timeout; ingests in one server process queue here instead. PostgreSQL runs them in
parallel."""


def _ingest(store: Store, package_dir: Path, org: str, actor: str) -> SubmissionReport:
    if store.engine.dialect.name == "sqlite":
        with _SQLITE_WRITER:
            return ingest_package(store, package_dir, org, actor)
    return ingest_package(store, package_dir, org, actor)


def report_dict(report: SubmissionReport) -> dict[str, Any]:
    return {
        "submission_id": report.submission_id,
        "kind": report.kind,
        "row_count": report.row_count,
        "accepted": report.accepted,
        "corrected": report.corrected,
        "unchanged": report.unchanged,
        "quarantined": report.quarantined,
        "status": report.status,
        "duplicate": report.duplicate,
        "problems": [{"row": p.row, "field": p.field, "reason": p.reason} for p in report.problems],
    }


@router.get("/reporter", response_class=HTMLResponse)
def reporter_home(request: Request, user: Reporter) -> HTMLResponse:
    subs = submissions_of(state(request).store, _org(user))
    return page(
        request,
        "reporter.html.j2",
        submissions=subs,
        reasons=WITHDRAWAL_REASONS,
        message=request.query_params.get("msg"),
    )


@router.get("/api/reporter/submissions")
def reporter_home_json(request: Request, user: Reporter) -> list[dict[str, Any]]:
    return [s.as_dict() for s in submissions_of(state(request).store, _org(user))]


@router.post("/reporter/upload", response_model=None)
async def reporter_upload(
    request: Request, user: Reporter, package: UploadFile = File(...)
) -> Response:
    try:
        report = await ingest_upload(state(request).store, package, _org(user), user.username)
    except ZichtbaarError as exc:
        subs = submissions_of(state(request).store, _org(user))
        return page(
            request,
            "reporter.html.j2",
            status_code=422,
            submissions=subs,
            reasons=WITHDRAWAL_REASONS,
            message=None,
            error=str(exc),
        )
    return RedirectResponse(f"/reporter/submissions/{report.submission_id}", status_code=303)


@router.get("/reporter/submissions/{submission_id}", response_class=HTMLResponse)
def reporter_submission(request: Request, submission_id: str, user: Reporter) -> HTMLResponse:
    store = state(request).store
    sub = submission_of(store, _org(user), submission_id)
    if sub is None:
        raise HTTPException(status_code=404)
    return page(request, "submission.html.j2", sub=sub, problems=quarantine_of(store, sub.id))


@router.get("/api/reporter/submissions/{submission_id}")
def reporter_submission_json(
    request: Request, submission_id: str, user: Reporter
) -> dict[str, Any]:
    store = state(request).store
    sub = submission_of(store, _org(user), submission_id)
    if sub is None:
        raise HTTPException(status_code=404)
    return {**sub.as_dict(), "problems": quarantine_of(store, sub.id)}


@router.post("/reporter/withdraw", response_model=None)
def reporter_withdraw(
    request: Request,
    user: Reporter,
    record_id: str = Form(..., max_length=64),
    reason: str = Form(...),
) -> Response:
    lang = request.session.get("lang", "nl")
    try:
        receipt = withdraw(state(request).store, _org(user), record_id, reason, user.username)
    except ZichtbaarError as exc:
        msg = ui("withdraw_failed", lang, reason=str(exc))
        subs = submissions_of(state(request).store, _org(user))
        return page(
            request,
            "reporter.html.j2",
            status_code=422,
            submissions=subs,
            reasons=WITHDRAWAL_REASONS,
            message=None,
            error=msg,
        )
    subs = submissions_of(state(request).store, _org(user))
    return page(
        request,
        "reporter.html.j2",
        submissions=subs,
        reasons=WITHDRAWAL_REASONS,
        message=ui("withdrawn", lang, n=receipt.removed_rows),
    )
