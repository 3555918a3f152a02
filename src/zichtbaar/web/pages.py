"""Rendering pages: one Jinja2 environment, the texts and the user in every template."""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from zichtbaar.report.texts import fmt_int
from zichtbaar.types import Lang
from zichtbaar.web.auth import ROLE_HOME, csrf_token, lang_of, user_of
from zichtbaar.web.texts import ui

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("zichtbaar.web", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    undefined=jinja2.StrictUndefined,
)


def page(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    lang = lang_of(request)
    other = Lang.EN if lang is Lang.NL else Lang.NL
    user = user_of(request)
    html = ENV.get_template(template).render(
        lang=lang.value,
        other_lang=other.value,
        path=request.url.path,
        query=str(request.url.include_query_params(lang=other.value).query),
        user=user,
        csrf=csrf_token(request),
        home=ROLE_HOME.get(user.role, "/") if user else "/login",
        u=lambda key, **kw: ui(key, lang, **kw),
        n=lambda x: fmt_int(x, lang),
        **ctx,
    )
    return HTMLResponse(html, status_code=status_code)
