"""Administrator pages: organisations, users, API keys, key ids and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from zichtbaar.errors import ZichtbaarError
from zichtbaar.standard.codes import REPORTER_TYPES
from zichtbaar.store import (
    ROLES,
    add_organisation,
    add_user,
    new_api_key,
    register_key_id,
    retire_key_id,
    revoke_api_key,
    verify_audit,
)
from zichtbaar.web.auth import WebUser, lang_of, require, state
from zichtbaar.web.pages import page
from zichtbaar.web.queries import api_keys, audit_tail, key_ids, organisations, users
from zichtbaar.web.texts import ui

router = APIRouter()
Admin = Annotated[WebUser, Depends(require("admin"))]


def _overview(request: Request) -> dict[str, Any]:
    store = state(request).store
    chain = verify_audit(store)
    return {
        "organisations": organisations(store),
        "users": users(store),
        "api_keys": api_keys(store),
        "key_ids": key_ids(store),
        "audit": audit_tail(store),
        "audit_ok": bool(chain.ok),
        "audit_entries": chain.entries,
    }


def _page(request: Request, status: int = 200, **extra: Any) -> HTMLResponse:
    return page(
        request,
        "admin.html.j2",
        status_code=status,
        roles=ROLES,
        reporter_types=[(c.code, c.label(lang_of(request))) for c in REPORTER_TYPES],
        **_overview(request),
        **extra,
    )


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, user: Admin) -> HTMLResponse:
    return _page(request)


@router.get("/api/admin/overview")
def admin_overview_json(request: Request, user: Admin) -> dict[str, Any]:
    return _overview(request)


def _act(request: Request, action: Any, *args: Any) -> HTMLResponse:
    lang = lang_of(request)
    try:
        result = action(state(request).store, *args)
    except ZichtbaarError as exc:
        return _page(request, 422, error=ui("failed", lang, reason=str(exc)))
    return _page(request, message=ui("done", lang), result=result)


@router.post("/admin/organisations", response_class=HTMLResponse)
def admin_add_org(
    request: Request,
    user: Admin,
    org_id: str = Form(..., pattern=r"^[a-z0-9][a-z0-9-]{1,63}$"),
    name: str = Form(..., max_length=200),
    reporter_type: str = Form(...),
) -> HTMLResponse:
    return _act(request, add_organisation, org_id, name, reporter_type, user.username)


@router.post("/admin/users", response_class=HTMLResponse)
def admin_add_user(
    request: Request,
    user: Admin,
    username: str = Form(..., pattern=r"^[A-Za-z0-9_.-]{2,64}$"),
    password: str = Form(..., min_length=12),
    role: str = Form(...),
    org_id: str = Form(""),
) -> HTMLResponse:
    return _act(request, add_user, username, password, role, org_id or None, user.username)


@router.post("/admin/api-keys", response_class=HTMLResponse)
def admin_new_key(request: Request, user: Admin, org_id: str = Form(...)) -> HTMLResponse:
    lang = lang_of(request)
    try:
        _prefix, key = new_api_key(state(request).store, org_id, user.username)
    except ZichtbaarError as exc:
        return _page(request, 422, error=ui("failed", lang, reason=str(exc)))
    return _page(request, new_key=key, new_key_org=org_id)


@router.post("/admin/api-keys/revoke", response_class=HTMLResponse)
def admin_revoke_key(request: Request, user: Admin, prefix: str = Form(...)) -> HTMLResponse:
    return _act(request, revoke_api_key, prefix, user.username)


@router.post("/admin/key-ids", response_class=HTMLResponse)
def admin_add_key_id(
    request: Request, user: Admin, key_id: str = Form(..., max_length=128)
) -> HTMLResponse:
    return _act(request, register_key_id, key_id, user.username)


@router.post("/admin/key-ids/retire", response_class=HTMLResponse)
def admin_retire_key_id(request: Request, user: Admin, key_id: str = Form(...)) -> HTMLResponse:
    return _act(request, retire_key_id, key_id, user.username)
