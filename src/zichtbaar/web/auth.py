"""Sessions, roles and languages: the dependencies every route declares.

The session cookie (starlette's SessionMiddleware, signed with itsdangerous, SameSite=strict)
holds only the username and the language; role and organisation are re-read from the store on
every request, so deactivating a user or changing a role takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request

from zichtbaar.store import Store
from zichtbaar.types import Lang
from zichtbaar.web.queries import user_role

ROLE_HOME = {
    "reporter": "/reporter",
    "analyst": "/analyst",
    "coordinator": "/coordinator",
    "admin": "/admin",
}


@dataclass(frozen=True)
class WebState:
    """What the routes need: the store and where releases and rendered reports live."""

    store: Store
    releases_dir: Path
    reports_dir: Path


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


def user_of(request: Request) -> WebUser | None:
    name = request.session.get("user")
    if not isinstance(name, str):
        return None
    found = user_role(state(request).store, name)
    if found is None:
        request.session.clear()
        return None
    return WebUser(name, found[0], found[1])


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
