"""The zichtbaar web app: FastAPI + Jinja2, server-rendered, usable without JavaScript."""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.middleware.sessions import SessionMiddleware

from zichtbaar.store import Store, verify_password
from zichtbaar.web import (
    routes_admin,
    routes_analyst,
    routes_api,
    routes_programme,
    routes_reporter,
)
from zichtbaar.web.auth import ROLE_HOME, LoginRequiredError, WebState, lang_of, user_of
from zichtbaar.web.pages import page
from zichtbaar.web.texts import ui


def create_app(
    store: Store,
    releases_dir: Path,
    reports_dir: Path,
    secret_key: str | None = None,
    https_only: bool = False,
) -> FastAPI:
    """The app over ``store`` and the releases in ``releases_dir``.

    Without ``secret_key`` a random one is drawn: sessions then end when the process does.
    """
    app = FastAPI(
        title="zichtbaar",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.web = WebState(store, releases_dir, reports_dir)
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
        user = verify_password(request.app.state.web.store, username, password)
        if user is None:
            return page(request, "login.html.j2", status_code=401, failed=True)
        lang = request.session.get("lang", "nl")
        request.session.clear()  # a fresh session at login: no fixation
        request.session.update({"user": user.username, "lang": lang})
        return RedirectResponse(ROLE_HOME.get(user.role, "/"), status_code=303)

    @app.post("/logout")
    def logout(request: Request) -> RedirectResponse:
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    app.include_router(routes_reporter.router)
    app.include_router(routes_analyst.router)
    app.include_router(routes_admin.router)
    app.include_router(routes_programme.router)
    app.include_router(routes_api.router)
    return app
