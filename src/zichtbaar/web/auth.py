"""Sessions, roles, languages and CSRF: the dependencies every route declares.

The session cookie (starlette's SessionMiddleware, signed with itsdangerous, SameSite=strict)
holds the username, a random session id, the time of the last request, a CSRF token and the
language. The session id is checked against the store on every request (``web_session_user``),
so logout and the absolute lifetime hold on the server even for a copied cookie; the idle timeout
is checked against the signed last-request time. Role and organisation are re-read from the store
on every request, so deactivating a user or changing a role takes effect at once.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from zichtbaar.store import Store, end_web_session, start_web_session, web_session_user
from zichtbaar.types import Lang
from zichtbaar.web.queries import user_role

ROLE_HOME = {
    "reporter": "/reporter",
    "analyst": "/analyst",
    "coordinator": "/coordinator",
    "admin": "/admin",
}


SESSION_IDLE = dt.timedelta(minutes=30)
SESSION_MAX = dt.timedelta(hours=8)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class WebState:
    """What the routes need: the store, where releases and reports live, and session limits."""

    store: Store
    releases_dir: Path
    reports_dir: Path
    session_idle: dt.timedelta = SESSION_IDLE
    session_max: dt.timedelta = SESSION_MAX
    clock: Callable[[], float] = field(default=time.time)


@dataclass(frozen=True)
class WebUser:
    username: str
    role: str
    org_id: str | None


class LoginRequiredError(Exception):
    """Raised for an anonymous visitor of a page; handled as a redirect to the login page."""


def state(request: Request) -> WebState:
    st: WebState = request.app.state.web
    return st


def lang_of(request: Request) -> Lang:
    """``?lang=`` switches (and is remembered in the session); default Dutch."""
    asked = request.query_params.get("lang")
    if asked in {"nl", "en"}:
        request.session["lang"] = asked
        return Lang(asked)
    return Lang(request.session.get("lang", "nl"))


def start_session(request: Request, username: str) -> None:
    """A fresh session at login (no fixation): new id, new CSRF token, language kept."""
    st = state(request)
    lang = request.session.get("lang", "nl")
    request.session.clear()
    request.session.update(
        {
            "user": username,
            "sid": start_web_session(st.store, username),
            "seen": int(st.clock()),
            "csrf": secrets.token_urlsafe(32),
            "lang": lang,
        }
    )


def end_session(request: Request) -> None:
    sid = request.session.get("sid")
    if isinstance(sid, str):
        end_web_session(state(request).store, sid)
    request.session.clear()


def user_of(request: Request) -> WebUser | None:
    """The signed-in user, or None when anonymous, idle too long, logged out or expired."""
    cached: WebUser | None = getattr(request.state, "web_user", None)
    if cached is not None:
        return cached
    name, sid, seen = (request.session.get(k) for k in ("user", "sid", "seen"))
    if not isinstance(name, str):
        return None
    st = state(request)
    now = st.clock()
    live = (
        isinstance(sid, str)
        and isinstance(seen, int)
        and now - seen < st.session_idle.total_seconds()
        and web_session_user(st.store, sid, st.session_max) == name
    )
    found = user_role(st.store, name) if live else None
    if found is None:
        end_session(request)
        return None
    request.session["seen"] = int(now)
    user = WebUser(name, found[0], found[1])
    request.state.web_user = user
    return user


def csrf_token(request: Request) -> str:
    """This session's CSRF token (made on first use, also for an anonymous visitor)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def cross_origin(request: Request) -> bool:
    """A browser's ``Origin`` (or, without it, ``Referer``) naming another site than this one.

    Only the host and port are compared: behind a TLS-terminating proxy the scheme the app sees
    is not the browser's. A request without either header (a tool, not a browser) is not refused
    here; the token below still is required.
    """
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return False
    if source == "null":
        return True
    return urlsplit(source).netloc.casefold() != request.headers.get("host", "").casefold()


async def csrf_guard(request: Request) -> None:
    """Every form POST must come from this site and carry the session's token (field
    ``csrf_token`` or header), ``/login`` too: its token is the anonymous visitor's, set with
    the form, so a cross-site page cannot log a victim's browser into the attacker's account.

    The API (``/api/``) is authenticated by a header, which a cross-site form cannot send.
    """
    if request.method != "POST" or request.url.path.startswith("/api/"):
        return
    if cross_origin(request):
        raise HTTPException(status_code=403, detail="cross-site form posts are refused")
    expected = request.session.get("csrf")
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        presented = value if isinstance(value, str) else None
    if not (
        isinstance(expected, str)
        and presented is not None
        and hmac.compare_digest(expected.encode(), presented.encode())
    ):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")


def require(role: str) -> Callable[[Request], WebUser]:
    """A dependency admitting only ``role``: anonymous → login (401 on /api), others → 403."""

    def dependency(request: Request) -> WebUser:
        user = user_of(request)
        if user is None:
            if request.url.path.startswith("/api/"):
                raise HTTPException(status_code=401, detail="login required")
            raise LoginRequiredError
        if user.role != role:
            raise HTTPException(status_code=403, detail="forbidden for this role")
        return user

    return dependency
