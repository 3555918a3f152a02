"""Limits before work: who may send a body, how large it may be, and what it may cost on disk.

An ASGI middleware, because the framework reads (and spools to disk) a request's whole body
before any dependency runs: checking the API key or the session in a dependency came after a
3 GiB anonymous upload had been written to the temporary directory. Here, before the first byte
of the body is read,

* an upload (``UPLOAD_PATHS``) must carry a valid API key or a reporter's session (else 401, or
  the login redirect / 403 the page would answer);
* a ``Content-Length`` over the limit is answered 413 at once; a body without one (chunked) is
  counted as it arrives and cut off with 413 the moment it passes the limit;
* every body byte of an upload is taken from the hub's shared temporary-disk budget
  (``TempBudget``), which the unpacking draws on too; when it is spent the hub answers 503 with
  ``Retry-After`` instead of filling its disk.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zichtbaar.web.budget import Lease, TempBudget, TempBudgetSpentError, current_lease

UPLOAD_PATHS = frozenset({"/api/v1/submissions", "/reporter/upload"})
DEFAULT_MAX_UPLOAD_BYTES = 1024**3
"""1 GiB: a package of 1 M registrations with every token and both filters filled is about
880 MB of Parquet (650 MB zipped), measured from 20,000 such rows (17.6 MB)."""
MAX_FORM_BYTES = 1024**2
"""Every other request body (forms, JSON): the largest form, a programme text, is a few KB."""
RETRY_AFTER_BUSY = 60

Authorise = Callable[[Scope], Response | None]
"""Looks at the headers (API key, session cookie) of an upload; a response refuses it."""


def _too_large(scope: Scope, limit: int) -> Response:
    detail = f"the request body is larger than the hub accepts ({limit:,} bytes)"
    if str(scope.get("path", "")).startswith("/api/"):
        return JSONResponse({"detail": detail}, status_code=413)
    return PlainTextResponse(
        f"Het bestand is groter dan de hub aanneemt ({limit:,} bytes). / {detail}.", 413
    )


def busy(scope: Scope) -> Response:
    """503 + Retry-After: the temporary-disk budget shared by all uploads is spent for now."""
    detail = "the hub is busy with other uploads; try again later"
    headers = {"retry-after": str(RETRY_AFTER_BUSY)}
    if str(scope.get("path", "")).startswith("/api/"):
        return JSONResponse({"detail": detail}, status_code=503, headers=headers)
    return PlainTextResponse(
        f"De hub verwerkt nu andere bestanden; probeer het later. / {detail}.", 503, headers
    )


class RequestLimits:
    """The ASGI middleware described above; ``authorise`` comes from the app (it knows the store)."""

    def __init__(
        self,
        app: ASGIApp,
        authorise: Authorise,
        budget: TempBudget,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
        max_form_bytes: int = MAX_FORM_BYTES,
    ) -> None:
        self.app = app
        self.authorise = authorise
        self.budget = budget
        self.max_upload_bytes = max_upload_bytes
        self.max_form_bytes = max_form_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        upload = scope["path"] in UPLOAD_PATHS
        limit = self.max_upload_bytes if upload else self.max_form_bytes
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse_unread(_too_large(scope, limit), scope, send)
            return
        if upload:
            refusal = await run_in_threadpool(self.authorise, scope)
            if refusal is not None:
                await _refuse_unread(refusal, scope, send)
                return
        with self.budget.lease() as lease:
            token = current_lease.set(lease)
            try:
                await self._run(scope, receive, send, limit, lease if upload else None)
            finally:
                current_lease.reset(token)

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, limit: int, lease: Lease | None
    ) -> None:
        seen = 0
        refused: list[Response] = []
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                size = len(message.get("body", b""))
                seen += size
                if seen > limit:
                    refused.append(_too_large(scope, limit))
                    raise HTTPException(status_code=413)
                if lease is not None:
                    try:
                        lease.take(size)
                    except TempBudgetSpentError:
                        refused.append(busy(scope))
                        raise HTTPException(status_code=503) from None
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:  # whatever the app answers to a cut-off body, the client gets ours
                return
            started = True
            await send(message)

        try:
            await self.app(scope, limited, guarded_send)
        except HTTPException:
            if not refused:
                raise
        if refused and not started:
            await refused[0](scope, _closed, send)


async def _closed() -> Message:
    return {"type": "http.disconnect"}


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse_unread(response: Response, scope: Scope, send: Send) -> None:
    """Answer without reading the body (the server then closes the connection)."""
    await response(scope, _closed, send)
