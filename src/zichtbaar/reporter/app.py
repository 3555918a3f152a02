"""The reporter app: FastAPI + Jinja2 on 127.0.0.1, server-rendered, no JavaScript, nl and en.

The app serves one organisation on one computer. It answers only requests addressed to
127.0.0.1 or localhost (a web page elsewhere cannot reach it through DNS rebinding), and every form
carries a token drawn when the app starts (a web page elsewhere cannot post to it). Clear text
stays in the app's folder; the only requests it makes go to the hub, with a package (tokens,
filters, codes) or a withdrawal (record id and reason).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.middleware.trustedhost import TrustedHostMiddleware

from zichtbaar.encode.submit import withdraw_record
from zichtbaar.errors import ZichtbaarError
from zichtbaar.reporter import flow
from zichtbaar.reporter.texts import DATE_ORDER_LABELS, FIELD_LABELS, code_label, t
from zichtbaar.reporter.workspace import Workspace

WITHDRAWAL_REASONS = ("consent_withdrawn", "erasure_request", "error")
LOCAL_HOSTS = ("127.0.0.1", "localhost")


class Reporter:
    """What the routes share: the folder, the hub, the templates and the form token."""

    def __init__(
        self,
        home: Path,
        hub_url: str,
        lang: str,
        hub_client: Callable[[], httpx.Client] | None,
        max_upload_mb: int,
        background_rows: int = 20_000,
    ) -> None:
        self.ws = Workspace(home)
        self.background_rows = background_rows
        self.hub_url = hub_url
        self.lang = lang
        self.token = secrets.token_urlsafe(24)
        self.max_upload = max_upload_mb * 1024 * 1024
        self.max_upload_mb = max_upload_mb
        self._client = hub_client or (lambda: httpx.Client(base_url=hub_url, timeout=600.0))
        self.env = Environment(
            loader=FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=select_autoescape(["j2", "html"]),
        )

    def client(self) -> httpx.Client:
        return self._client()

    def lang_of(self, request: Request) -> str:
        chosen = request.query_params.get("lang") or request.cookies.get("lang") or self.lang
        return chosen if chosen in ("nl", "en") else "nl"

    def page(self, request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        lang = self.lang_of(request)
        html = self.env.get_template(template).render(
            lang=lang,
            token=self.token,
            u=lambda key, **kw: t(key, lang, **kw),
            field_label=lambda f: t(f, lang),
            code_label=lambda f, c: code_label(f, c, lang),
            date_orders=DATE_ORDER_LABELS,
            fields=FIELD_LABELS,
            **ctx,
        )
        response = HTMLResponse(html, status_code=status)
        if request.query_params.get("lang") in ("nl", "en"):
            response.set_cookie("lang", lang, samesite="strict", httponly=True)
        return response

    def check_token(self, token: str) -> None:
        if not secrets.compare_digest(token, self.token):
            raise HTTPException(403, "this form did not come from this app")


def create_reporter_app(
    home: Path,
    hub_url: str,
    lang: str = "nl",
    hub_client: Callable[[], httpx.Client] | None = None,
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS,
    max_upload_mb: int = 100,
    background_rows: int = 20_000,
) -> FastAPI:
    """The app over the folder ``home``; ``hub_client`` makes the client for the hub (tests).

    Exports of ``background_rows`` rows or more are encoded in the background with progress.
    """
    app = FastAPI(title="zichtbaar reporter", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    rep = Reporter(home, hub_url, lang, hub_client, max_upload_mb, background_rows)
    app.state.reporter = rep
    _home_routes(app, rep)
    flow.add_routes(app, rep)
    return app


def _home_routes(app: FastAPI, rep: Reporter) -> None:
    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        return _home(request, rep)

    @app.post("/keys/linkage", response_model=None)
    async def import_key(
        request: Request, token: Annotated[str, Form()], keyfile: UploadFile = File(...)
    ) -> Response:
        rep.check_token(token)
        lang = rep.lang_of(request)
        try:
            key = rep.ws.import_key(await keyfile.read(20_000))
        except ZichtbaarError as exc:
            return _home(request, rep, error=t("failed", lang, reason=str(exc)), status=422)
        return _home(request, rep, message=t("key_imported", lang, key_id=key.key_id))

    @app.post("/keys/api", response_model=None)
    def set_api_key(
        request: Request, token: Annotated[str, Form()], api_key: Annotated[str, Form()]
    ) -> Response:
        rep.check_token(token)
        try:
            rep.ws.set_api_key(api_key)
        except ZichtbaarError as exc:
            reason = t("failed", rep.lang_of(request), reason=str(exc))
            return _home(request, rep, error=reason, status=422)
        return RedirectResponse("/", status_code=303)

    @app.post("/withdraw", response_class=HTMLResponse)
    def withdraw(
        request: Request,
        token: Annotated[str, Form()],
        record_id: Annotated[str, Form(max_length=64)],
        reason: Annotated[str, Form()],
    ) -> HTMLResponse:
        rep.check_token(token)
        lang = rep.lang_of(request)
        api_key = rep.ws.api_key()
        if not api_key:
            return _home(request, rep, error=t("need_keys", lang), status=422)
        if reason not in WITHDRAWAL_REASONS:
            raise HTTPException(422, "unknown reason")
        with rep.client() as client:
            try:
                answer = withdraw_record(rep.hub_url, api_key, record_id.strip(), reason, client)
            except ZichtbaarError as exc:
                return _home(request, rep, error=t("failed", lang, reason=str(exc)), status=422)
        rep.ws.log({"action": "withdrawal", "reason": reason, "answer": answer})
        return _home(request, rep, message=t("withdrawn", lang, n=answer["removed_rows"]))

    @app.get("/log", response_class=HTMLResponse)
    def log(request: Request) -> HTMLResponse:
        return rep.page(request, "log.html.j2", entries=rep.ws.entries())


def _home(
    request: Request,
    rep: Reporter,
    message: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    try:
        key = rep.ws.key()
        key_error = None
    except ZichtbaarError as exc:
        key, key_error = None, str(exc)
    return rep.page(
        request,
        "home.html.j2",
        status=status,
        key_id=key.key_id if key else None,
        key_error=key_error,
        api_key_set=rep.ws.api_key() is not None,
        reasons=WITHDRAWAL_REASONS,
        entries=rep.ws.entries()[:5],
        message=message,
        error=error,
    )
