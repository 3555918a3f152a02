"""The zichtbaar web app: FastAPI + Jinja2, server-rendered, usable without JavaScript."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Scope

from zichtbaar.store import Store, append_audit, verify_api_key, verify_password
from zichtbaar.store.login_limits import admit_login, settle_login
from zichtbaar.web import (
    routes_admin,
    routes_analyst,
    routes_api,
    routes_programme,
    routes_reporter,
)
from zichtbaar.web.auth import (
    ROLE_HOME,
    SESSION_IDLE,
    SESSION_MAX,
    LoginRequiredError,
    WebState,
    csrf_guard,
    end_session,
    lang_of,
    start_session,
    user_of,
)
from zichtbaar.web.budget import DEFAULT_TEMP_BUDGET_BYTES, TempBudget, TempBudgetSpentError
from zichtbaar.web.limits import DEFAULT_MAX_UPLOAD_BYTES, RequestLimits, busy
from zichtbaar.web.login import client_address, parse_proxies, throttle_keys
from zichtbaar.web.pages import ENV, page
from zichtbaar.web.texts import ui
from zichtbaar.web.throttle import SlidingWindow

LOGIN_FAILURES = 5  # per client and per account from one client ...
LOGIN_WINDOW = 15 * 60  # ... in any 15 minutes
SUBMISSIONS_PER_MINUTE = 300  # per API key: far above a tool's need, stops a runaway loop


def _style_hash() -> str:
    """CSP hash of the one inline stylesheet (in base.html.j2), so no 'unsafe-inline' is needed."""
    source = ENV.loader.get_source(ENV, "base.html.j2")[0] if ENV.loader else ""
    found = re.search(r"<style>(.*?)</style>", source, re.DOTALL)
    if found is None:
        return ""
    digest = base64.b64encode(hashlib.sha256(found.group(1).encode()).digest()).decode()
    return f" 'sha256-{digest}'"


SECURITY_HEADERS = {
    # No script at all (the app works without JavaScript); only the known inline stylesheet.
    "content-security-policy": (
        f"default-src 'self'; script-src 'self'; style-src 'self'{_style_hash()}; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    # same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with the
    # site's own form posts, which the cross-site check must refuse (cross-site posts get null).
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
PAGE_ONLY = {"content-security-policy", "x-frame-options", "cross-origin-opener-policy"}
# The interactive API docs load Swagger UI's script and style from a CDN and inline a bootstrap.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "frame-ancestors 'none'"
)


def _upload_refusal(scope: Scope) -> Response | None:
    """Before an upload's body is read: the API key or the reporter's session, from the headers."""
    request = Request(scope)
    if scope["path"].startswith("/api/"):
        key = request.headers.get("x-api-key")
        if not key or verify_api_key(request.app.state.web.store, key) is None:
            return JSONResponse({"detail": "a valid X-API-Key header is required"}, 401)
        return None
    user = user_of(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    if user.role != "reporter":
        return page(request, "error.html.j2", 403, message=ui("forbidden", lang_of(request)))
    return None


def create_app(
    store: Store,
    releases_dir: Path,
    reports_dir: Path,
    secret_key: str | None = None,
    https_only: bool = False,
    session_idle: dt.timedelta = SESSION_IDLE,
    session_max: dt.timedelta = SESSION_MAX,
    login_failures: int = LOGIN_FAILURES,
    submissions_per_minute: int = SUBMISSIONS_PER_MINUTE,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    temp_budget_bytes: int = DEFAULT_TEMP_BUDGET_BYTES,
    trusted_proxies: Sequence[str] = (),
) -> FastAPI:
    """The app over ``store`` and the releases in ``releases_dir``.

    Without ``secret_key`` a random one is drawn: sessions then end when the process does.
    ``https_only`` marks the session cookie ``Secure``; ``trusted_proxies`` are the addresses
    whose ``X-Forwarded-For`` names the client (nobody's, by default).
    """
    app = FastAPI(
        title="zichtbaar",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
        dependencies=[Depends(csrf_guard)],
    )
    app.state.web = WebState(store, releases_dir, reports_dir, session_idle, session_max)
    proxies = parse_proxies(trusted_proxies)
    app.state.submissions = SlidingWindow(submissions_per_minute, 60)
    app.state.temp_budget = TempBudget(temp_budget_bytes)
    app.add_middleware(
        RequestLimits,
        authorise=_upload_refusal,
        budget=app.state.temp_budget,
        max_upload_bytes=max_upload_bytes,
    )

    @app.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        # Framing and content policies go on pages only: on a PDF they stop the browser's own
        # viewer (which frames the document) from showing or downloading it.
        html = response.headers.get("content-type", "").startswith("text/html")
        for name, value in SECURITY_HEADERS.items():
            if html or name not in PAGE_ONLY:
                response.headers.setdefault(name, value)
        if request.url.path == "/api/docs":
            response.headers["content-security-policy"] = DOCS_CSP
        response.headers.setdefault("cache-control", "no-store")  # pages are per user
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key or secrets.token_urlsafe(32),
        session_cookie="zichtbaar_session",
        same_site="strict",  # no cross-site form posts ride on the session
        https_only=https_only,
        max_age=8 * 3600,
    )

    @app.exception_handler(LoginRequiredError)
    def _login(request: Request, exc: LoginRequiredError) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(HTTPException)
    def _http(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        key = "forbidden" if exc.status_code == 403 else "not_found"
        return page(
            request, "error.html.j2", status_code=exc.status_code, message=ui(key, lang_of(request))
        )

    @app.exception_handler(TempBudgetSpentError)
    def _busy(request: Request, exc: TempBudgetSpentError) -> Response:
        return busy(request.scope)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # Only where and what kind: pydantic's own text would echo the submitted value.
        errors = [{"loc": list(e["loc"]), "type": e["type"]} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> Response:
        user = user_of(request)
        return RedirectResponse(ROLE_HOME[user.role] if user else "/login", status_code=303)

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return page(request, "login.html.j2", failed=False)

    @app.post("/login", response_model=None)
    def login(
        request: Request,
        username: str = Form(..., max_length=64),
        password: str = Form(..., max_length=256),
    ) -> Response:
        store = request.app.state.web.store
        keys = throttle_keys(username.casefold(), client_address(request.scope, proxies))
        wait, counted = admit_login(store, keys, login_failures, LOGIN_WINDOW)
        if wait:
            # The same answer whether the account exists or not; the audit names no account.
            with store.engine.begin() as conn:
                append_audit(conn, "web", "login_throttled", "login")
            res = page(request, "login.html.j2", status_code=429, failed=True)
            res.headers["retry-after"] = str(wait)
            return res
        user = verify_password(store, username, password)
        if user is None:  # the attempt stays counted
            return page(request, "login.html.j2", status_code=401, failed=True)
        settle_login(store, counted, clear=keys[1:])
        start_session(request, user.username)
        return RedirectResponse(ROLE_HOME.get(user.role, "/"), status_code=303)

    @app.post("/logout")
    def logout(request: Request) -> RedirectResponse:
        end_session(request)  # ended in the store too: the old cookie is worthless now
        return RedirectResponse("/login", status_code=303)

    app.include_router(routes_reporter.router)
    app.include_router(routes_analyst.router)
    app.include_router(routes_admin.router)
    app.include_router(routes_programme.router)
    app.include_router(routes_api.router)
    return app
