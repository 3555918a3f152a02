"""The reporter app's path: export in -> mapping -> check -> what leaves the building -> submit.

Each step is a page with a form; the user can go back to the mapping or check a corrected file
at any point without starting over (the job keeps the file and the profile). Only the submit step
talks to the hub.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zichtbaar.encode import labels
from zichtbaar.encode.dates import DATE_ORDERS
from zichtbaar.encode.export import map_table
from zichtbaar.encode.mapping import DATE_FIELDS, MappingProfile
from zichtbaar.encode.package import IDENTIFIER_COLUMNS, source_columns
from zichtbaar.encode.reader import Table, read_table
from zichtbaar.encode.receipt import record_ids, summarise
from zichtbaar.encode.submit import submit_package
from zichtbaar.encode.suggest import suggest
from zichtbaar.errors import ZichtbaarError
from zichtbaar.reporter import preview
from zichtbaar.standard.codes import REPORTER_TYPES
from zichtbaar.standard.countries import NATIONALITIES

if TYPE_CHECKING:
    from zichtbaar.reporter.app import Reporter

FIELDS = source_columns("registrations")[0]
MAPPED_FIELDS = tuple(f for f in FIELDS if f != "age_group")
SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
MAX_LABELS = 60
_tables: dict[str, Table] = {}


def _table(rep: Reporter, job: str) -> Table:
    if job not in _tables:
        _tables.clear()  # one export in memory at a time: the app serves one person
        job_dir = rep.ws.job_dir(job)
        exports = sorted(job_dir.glob("export.*"))
        if not exports:
            raise HTTPException(404)
        _tables[job] = read_table(exports[0])
    return _tables[job]


async def _save_upload(rep: Reporter, job: str, upload: UploadFile) -> Path:
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ZichtbaarError("use an .xlsx or .csv export")
    job_dir = rep.ws.job_dir(job)
    for old in job_dir.glob("export.*"):
        old.unlink()
    _tables.pop(job, None)
    preview.forget(job)
    path = job_dir / f"export{suffix}"
    size = 0
    with path.open("wb") as fh:
        while chunk := await upload.read(1024 * 1024):
            size += len(chunk)
            if size > rep.max_upload:
                fh.close()
                path.unlink()
                raise ZichtbaarError(f"the file is larger than {rep.max_upload_mb} MB")
            fh.write(chunk)
    return path


def _codes_for(field: str) -> tuple[str, ...]:
    if field == "nationality":
        return NATIONALITIES
    code_list = labels.CODED_FIELDS[field]
    return code_list.values if code_list else ()


def add_routes(app: FastAPI, rep: Reporter) -> None:
    @app.post("/jobs", response_model=None)
    async def new_job(
        request: Request, token: Annotated[str, Form()], export: UploadFile = File(...)
    ) -> Response:
        rep.check_token(token)
        job = rep.ws.new_job()
        try:
            await _save_upload(rep, job, export)
            table = _table(rep, job)
        except ZichtbaarError as exc:
            shutil.rmtree(rep.ws.job_dir(job))
            from zichtbaar.reporter.app import _home

            return _home(request, rep, error=rep_text(rep, request, exc), status=422)
        saved = rep.ws.profile()
        if saved is None or not all(
            c in table.columns for f in saved.fields for c in saved.columns_of(f)
        ):
            found = suggest(table, FIELDS)
            profile = found.profile
            if saved is not None:
                profile = profile.model_copy(
                    update={
                        "organisation": saved.organisation,
                        "reporter_type": saved.reporter_type,
                    }
                )
        else:
            profile = saved
        rep.ws.save_profile(profile, job)
        return RedirectResponse(f"/jobs/{job}/mapping", status_code=303)

    @app.get("/jobs/{job}/mapping", response_class=HTMLResponse)
    def mapping_page(request: Request, job: str) -> HTMLResponse:
        return _mapping_page(request, rep, job)

    @app.post("/jobs/{job}/mapping", response_model=None)
    async def save_mapping(request: Request, job: str) -> Response:
        form = await request.form()
        rep.check_token(str(form.get("token", "")))
        table = _table(rep, job)
        profile = _profile_from_form({k: str(v) for k, v in form.items()}, table)
        rep.ws.save_profile(profile, job)
        preview.forget(job)
        return RedirectResponse(f"/jobs/{job}/check", status_code=303)

    @app.post("/jobs/{job}/file", response_model=None)
    async def replace_file(
        request: Request, job: str, token: Annotated[str, Form()], export: UploadFile = File(...)
    ) -> Response:
        rep.check_token(token)
        try:
            await _save_upload(rep, job, export)
            _table(rep, job)
        except ZichtbaarError as exc:
            return _check_page(request, rep, job, error=rep_text(rep, request, exc))
        return RedirectResponse(f"/jobs/{job}/check", status_code=303)

    @app.get("/jobs/{job}/check", response_class=HTMLResponse)
    def check_page(request: Request, job: str) -> HTMLResponse:
        return _check_page(request, rep, job)

    _add_send_routes(app, rep)


def _add_send_routes(app: FastAPI, rep: Reporter) -> None:
    """Steps 4 and 5: what leaves the building, its receipt, and sending it."""

    @app.get("/jobs/{job}/preview", response_class=HTMLResponse)
    def preview_page(request: Request, job: str) -> HTMLResponse:
        return preview.preview_page(request, rep, job)

    @app.get("/jobs/{job}/receipt.html", response_class=HTMLResponse)
    def receipt(request: Request, job: str) -> HTMLResponse:
        path = rep.ws.job_dir(job) / "receipt.html"
        if not path.exists():
            raise HTTPException(404)
        return HTMLResponse(
            path.read_text("utf-8"),
            headers={"Content-Disposition": f'attachment; filename="zichtbaar-receipt-{job}.html"'},
        )

    @app.post("/jobs/{job}/submit", response_class=HTMLResponse)
    def submit(request: Request, job: str, token: Annotated[str, Form()]) -> HTMLResponse:
        rep.check_token(token)
        return _submit(request, rep, job)


def rep_text(rep: Reporter, request: Request, exc: Exception) -> str:
    from zichtbaar.reporter.texts import t

    return t("failed", rep.lang_of(request), reason=str(exc))


def _mapping_page(request: Request, rep: Reporter, job: str) -> HTMLResponse:
    table = _table(rep, job)
    profile = rep.ws.profile(job) or MappingProfile()
    values: dict[str, list[tuple[str, str | None]]] = {}
    for field in labels.CODED_FIELDS:
        cols = profile.columns_of(field)
        if not cols or field not in FIELDS:
            continue
        distinct = sorted({v for r in table.rows if (v := r.get(cols[0])) is not None})
        if len(distinct) > MAX_LABELS:
            continue
        own = profile.values.get(field, {})
        values[field] = [
            (v, own.get(v) or (v if labels.is_code(field, v) else labels.match_label(field, v)))
            for v in distinct
        ]
    return rep.page(
        request,
        "mapping.html.j2",
        job=job,
        columns=table.columns,
        fields_list=MAPPED_FIELDS,
        profile=profile,
        date_fields=[f for f in DATE_FIELDS if f in FIELDS],
        orders=DATE_ORDERS,
        values=values,
        codes_for=_codes_for,
        reporter_types=REPORTER_TYPES.values,
        table=table,
    )


def _profile_from_form(form: dict[str, str], table: Table) -> MappingProfile:
    fields: dict[str, str | list[str]] = {}
    for field in MAPPED_FIELDS:
        col = form.get(f"col:{field}", "")
        if col in table.columns:
            fields[field] = col
    particle = form.get("particle", "")
    if particle in table.columns and "surname" in fields:
        fields["surname"] = [particle, str(fields["surname"])]
    dates = {f: form[f"date:{f}"] for f in DATE_FIELDS if form.get(f"date:{f}") in DATE_ORDERS}
    constants = {
        f: form[f"const:{f}"]
        for f in ("form", "legal_basis")
        if form.get(f"const:{f}") and labels.is_code(f, form[f"const:{f}"])
    }
    values: dict[str, dict[str, str]] = {}
    for key, code in form.items():
        if not key.startswith("val:") or not code:
            continue
        _, field, index = key.split(":", 2)
        label = form.get(f"lab:{field}:{index}")
        if label is not None and field in labels.CODED_FIELDS and labels.is_code(field, code):
            values.setdefault(field, {})[label] = code
    rtype = form.get("reporter_type") or None
    return MappingProfile(
        organisation=(form.get("organisation") or "").strip() or None,
        reporter_type=rtype if rtype in REPORTER_TYPES else None,
        fields=fields,
        dates=dates,
        values=values,
        constants=constants,
    )


def _check_page(
    request: Request, rep: Reporter, job: str, error: str | None = None
) -> HTMLResponse:
    table = _table(rep, job)
    profile = rep.ws.profile(job) or MappingProfile()
    try:
        mapped = map_table(table, profile)
    except ZichtbaarError as exc:
        return rep.page(
            request,
            "check.html.j2",
            job=job,
            error=rep_text(rep, request, exc),
            mapped=None,
            rejected=0,
            warnings=0,
            identifiers=True,
            problems=[],
        )
    rejected = len({p.row for p in mapped.problems if p.action == "rejected"})
    identifiers = any(f in profile.fields for f in IDENTIFIER_COLUMNS)
    return rep.page(
        request,
        "check.html.j2",
        job=job,
        error=error,
        mapped=mapped,
        problems=mapped.problems[:1000],
        rejected=rejected,
        warnings=sum(1 for p in mapped.problems if p.action == "warning"),
        identifiers=identifiers,
    )


def _submit(request: Request, rep: Reporter, job: str) -> HTMLResponse:
    from zichtbaar.reporter.texts import t

    lang = rep.lang_of(request)
    job_dir = rep.ws.job_dir(job)
    package = job_dir / "package"
    api_key = rep.ws.api_key()
    if not api_key or not (package / "manifest.json").exists():
        return _check_page(request, rep, job, error=t("need_keys", lang))
    summary = summarise(package)
    with rep.client() as client:
        try:
            answer = submit_package(package, rep.hub_url, api_key, client)
        except ZichtbaarError as exc:
            rep.ws.log(
                {
                    "action": "submission",
                    "package_id": summary.package_id,
                    "rows": summary.row_count,
                    "sha256": summary.sha256,
                    "answer": {"refused": str(exc)},
                }
            )
            return _check_page(request, rep, job, error=rep_text(rep, request, exc))
    rep.ws.log(
        {
            "action": "submission",
            "package_id": summary.package_id,
            "key_id": summary.key_id,
            "rows": summary.row_count,
            "sha256": summary.sha256,
            "answer": {
                k: answer.get(k)
                for k in ("submission_id", "accepted", "quarantined", "duplicate", "status")
            },
        }
    )
    receipt = job_dir / "receipt.html"
    if receipt.exists():  # the receipt of what was sent, kept beside the log
        kept = rep.ws.root / "receipts" / f"{summary.package_id}.html"
        kept.write_bytes(receipt.read_bytes())
    their_rows = json.loads((job_dir / "rows.json").read_text("utf-8"))
    ids = record_ids(package)
    problems = [
        {**p, "their_row": their_rows.get(ids[p["row"] - 1]) if 0 < p["row"] <= len(ids) else None}
        for p in answer.get("problems") or []
    ]
    return rep.page(request, "result.html.j2", job=job, answer=answer, problems=problems)
