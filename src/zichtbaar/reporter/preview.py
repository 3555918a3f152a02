"""Step 4, what leaves the building: encode the package, then describe it from its own files.

A large export is encoded in a background thread while the page refreshes itself every two
seconds (a ``<meta refresh>``, no JavaScript) and shows how many rows are done; a small one is
encoded within the request.
"""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from zichtbaar.encode.export import encode_export, map_table
from zichtbaar.encode.mapping import MappingProfile
from zichtbaar.encode.package import IDENTIFIER_COLUMNS
from zichtbaar.encode.receipt import KIND_TEXT, NOT_SENT, summarise
from zichtbaar.errors import ZichtbaarError

if TYPE_CHECKING:
    from zichtbaar.reporter.app import Reporter


@dataclass
class Build:
    """One package being made: rows done of total, and the outcome once finished."""

    done: int = 0
    total: int = 0
    finished: bool = False
    background: bool = False
    error: str | None = None
    context: dict[str, Any] | None = None


_builds: dict[str, Build] = {}
_lock = threading.Lock()


def forget(job: str) -> None:
    """Drop a made package's description: the mapping or the file changed."""
    with _lock:
        _builds.pop(job, None)


def build(rep: Reporter, job: str, state: Build) -> None:
    """Encode the job's export into ``package/`` and keep what the preview shows."""
    from zichtbaar.reporter.flow import _table

    job_dir = rep.ws.job_dir(job)
    profile = rep.ws.profile(job) or MappingProfile()
    try:
        key = rep.ws.key()
        if key is None:
            raise ZichtbaarError("import the linkage key first")
        package = job_dir / "package"
        shutil.rmtree(package, ignore_errors=True)
        (job_dir / "package.rejects.csv").unlink(missing_ok=True)
        table = _table(rep, job)
        state.total = len(table.rows)
        mapped = map_table(table, profile)

        def progress(done: int, total: int) -> None:
            state.done, state.total = done, total

        result = encode_export(Path("-"), profile, key, package, mapped=mapped, progress=progress)
        mapped_cols = {c for f in profile.fields for c in profile.columns_of(f)}
        ids = (r["record_id"] for r in mapped.table.rows)
        rows = dict(zip(ids, mapped.table.row_numbers, strict=True))
        (job_dir / "rows.json").write_text(json.dumps(rows), "utf-8")
        state.context = {
            "job": job,
            "summary": summarise(package),
            "kinds": KIND_TEXT,
            "not_sent": NOT_SENT,
            "unsent_columns": [c for c in table.columns if c not in mapped_cols],
            "rejected": result.rows_rejected,
            "warnings": result.warnings,
            "identifier_fields": [f for f in IDENTIFIER_COLUMNS if f in profile.fields],
        }
    except ZichtbaarError as exc:
        state.error = str(exc)
    except Exception as exc:  # never leave the page refreshing forever; no values in the name
        state.error = f"encoding failed ({type(exc).__name__})"
    finally:
        state.finished = True


def _run(rep: Reporter, job: str, state: Build) -> None:
    build(rep, job, state)  # looked up at call time, so a test can hold the thread back


def preview_page(request: Request, rep: Reporter, job: str) -> HTMLResponse:
    from zichtbaar.reporter.flow import _check_page, _table
    from zichtbaar.reporter.texts import t

    lang = rep.lang_of(request)
    if rep.ws.key() is None:
        return _check_page(request, rep, job, error=t("need_keys", lang))
    with _lock:
        found = _builds.get(job)
        state = found or Build()
        if found is None:
            _builds[job] = state
            state.total = len(_table(rep, job).rows)
            state.background = state.total >= rep.background_rows
            if state.background:
                threading.Thread(target=_run, args=(rep, job, state), daemon=True).start()
    if found is None and not state.background:
        build(rep, job, state)
    if not state.finished:
        return rep.page(request, "progress.html.j2", job=job, done=state.done, total=state.total)
    if state.error is not None or state.context is None:
        forget(job)
        reason = state.error or ""
        return _check_page(request, rep, job, error=t("failed", lang, reason=reason))
    receipt = rep.page(request, "receipt.html.j2", **state.context).body
    (rep.ws.job_dir(job) / "receipt.html").write_bytes(bytes(receipt))
    return rep.page(request, "preview.html.j2", **state.context)
