"""The API for reporters' tools: submit packages with the organisation's API key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Header, HTTPException, Request, UploadFile

from zichtbaar.errors import ZichtbaarError
from zichtbaar.intake import withdraw
from zichtbaar.store import api_key_prefix, verify_api_key
from zichtbaar.web.auth import state
from zichtbaar.web.queries import quarantine_of, submission_of, submissions_of
from zichtbaar.web.routes_reporter import ingest_upload, report_dict

router = APIRouter(prefix="/api/v1", tags=["submissions"])


def api_org(request: Request, x_api_key: Annotated[str | None, Header()] = None) -> str:
    """The organisation owning the presented key (header ``X-API-Key``)."""
    org = verify_api_key(state(request).store, x_api_key) if x_api_key else None
    if org is None:
        raise HTTPException(status_code=401, detail="a valid X-API-Key header is required")
    return org


def throttled_org(request: Request, org: Annotated[str, Depends(api_org)]) -> str:
    """``api_org``, limited to so many submissions (and withdrawals) a minute per key (429 with
    Retry-After)."""
    limit = request.app.state.submissions
    key = api_key_prefix(request.headers.get("x-api-key") or "")  # `zk_` or not: one key
    wait = limit.retry_after(key)
    if wait:
        raise HTTPException(
            status_code=429,
            detail="too many submissions with this key; try again later",
            headers={"Retry-After": str(wait)},
        )
    limit.hit(key)
    return org


Org = Annotated[str, Depends(api_org)]


@router.post("/submissions", status_code=201)
async def submit(
    request: Request, org: Annotated[str, Depends(throttled_org)], package: UploadFile = File(...)
) -> dict[str, Any]:
    """Submit a package (.zip of the package directory); returns what happened to every row."""
    try:
        report = await ingest_upload(state(request).store, package, org, f"apikey:{org}")
    except ZichtbaarError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return report_dict(report)


@router.get("/submissions")
def list_submissions(request: Request, org: Org) -> list[dict[str, Any]]:
    return [s.as_dict() for s in submissions_of(state(request).store, org)]


@router.get("/submissions/{submission_id}")
def get_submission(request: Request, submission_id: str, org: Org) -> dict[str, Any]:
    store = state(request).store
    sub = submission_of(store, org, submission_id)
    if sub is None:
        raise HTTPException(status_code=404)
    return {**sub.as_dict(), "problems": quarantine_of(store, sub.id)}


@router.post("/withdrawals", status_code=201)
def withdraw_record(
    request: Request,
    org: Annotated[str, Depends(throttled_org)],  # the submissions' per-key limit
    record_id: Annotated[str, Body(min_length=1, max_length=64)],
    reason: Annotated[str, Body(max_length=32)],
) -> dict[str, Any]:
    """Erase every version of one of the organisation's registrations (the reporter app's form)."""
    try:
        receipt = withdraw(state(request).store, org, record_id, reason, f"apikey:{org}")
    except ZichtbaarError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return {"withdrawal_id": receipt.withdrawal_id, "removed_rows": receipt.removed_rows}
