"""Analyst and coordinator pages over releases, with JSON twins and downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from zichtbaar.disclosure.release import Release
from zichtbaar.disclosure.sdmx import to_sdmx_csv
from zichtbaar.report.render import write_report
from zichtbaar.standard.codes import CODE_LISTS
from zichtbaar.types import Lang
from zichtbaar.web.auth import WebUser, lang_of, require, state
from zichtbaar.web.dashboard import (
    FILTER_DIMS,
    dashboard,
    estimate_view,
    filter_query,
    parse_filters,
    table_chart,
)
from zichtbaar.web.pages import page
from zichtbaar.web.releases import get_release, latest_release, release_names

router = APIRouter()
Analyst = Annotated[WebUser, Depends(require("analyst"))]
Coordinator = Annotated[WebUser, Depends(require("coordinator"))]
Years = Annotated[list[int], Query(default_factory=list)]
Codes = Annotated[list[str], Query(default_factory=list)]


def _latest(request: Request) -> Release | None:
    return latest_release(state(request).releases_dir)


def _dashboard_data(
    request: Request,
    year: list[int],
    form: list[str],
    age: list[str],
    nationality: list[str],
) -> dict[str, Any] | None:
    rel = _latest(request)
    if rel is None:
        return None
    lang = lang_of(request)
    filters = parse_filters(rel, year, {"form": form, "age": age, "nationality": nationality})
    options = {
        param: [
            (c.code, c.label(lang), c.code in filters.codes.get(dim, ())) for c in CODE_LISTS[dim]
        ]
        for param, dim in FILTER_DIMS.items()
    }
    years = [(y, y in filters.years) for y in range(rel.year_from, rel.year_to + 1)]
    return {
        "release": rel,
        # Charts are separate <img> requests (no JavaScript needed): the page itself stays fast
        # and the browser fetches the images in parallel.
        "tables": dashboard(rel, lang, filters, charts=False),
        "chart_query": filter_query(filters),
        "estimate": estimate_view(rel, lang),
        "options": options,
        "years": years,
        "filters": filters,
    }


@router.get("/analyst", response_class=HTMLResponse)
def analyst_dashboard(
    request: Request, user: Analyst, year: Years, form: Codes, age: Codes, nationality: Codes
) -> HTMLResponse:
    data = _dashboard_data(request, year, form, age, nationality)
    return page(request, "analyst.html.j2", data=data)


@router.get("/api/analyst/dashboard")
def analyst_dashboard_json(
    request: Request, user: Analyst, year: Years, form: Codes, age: Codes, nationality: Codes
) -> dict[str, Any]:
    data = _dashboard_data(request, year, form, age, nationality)
    if data is None:
        raise HTTPException(status_code=404, detail="there is no release yet")
    rel: Release = data["release"]
    return {
        "release": rel.name,
        "years": list(data["filters"].years),
        "filters": data["filters"].codes,
        "estimate": _estimate_json(data["estimate"], rel),
        "tables": [
            {"name": t.name, "title": t.pivot.title, "cells": t.cells} for t in data["tables"]
        ],
    }


def _estimate_json(view: dict[str, Any] | None, rel: Release) -> dict[str, Any] | None:
    """The headline estimate and the release's figures per year (not the chart's SVG)."""
    if view is None:
        return None
    out = {k: v for k, v in view.items() if k != "per_year"}
    out["by_year"] = rel.extra.get("estimate_by_year", [])
    return out


@router.get("/analyst/chart/{table}.svg")
def analyst_chart(
    request: Request,
    table: str,
    user: Analyst,
    year: Years,
    form: Codes,
    age: Codes,
    nationality: Codes,
) -> Response:
    """One table's chart as an SVG image, narrowed like the dashboard."""
    rel = _latest(request)
    if rel is None or table not in rel.tables:
        raise HTTPException(status_code=404)
    filters = parse_filters(rel, year, {"form": form, "age": age, "nationality": nationality})
    svg = table_chart(rel, table, lang_of(request), filters)
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"}
    )


@router.get("/analyst/download/{table}.csv")
def analyst_csv(request: Request, table: str, user: Analyst) -> Response:
    """A released table exactly as published (value empty where suppressed)."""
    rel = _latest(request)
    if rel is None or table not in rel.tables:
        raise HTTPException(status_code=404)
    csv = rel.tables[table].data.to_csv(index=False)
    return Response(
        csv,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{rel.name}-{table}.csv"'},
    )


@router.get("/analyst/sdmx/{table}.csv")
def analyst_sdmx(request: Request, table: str, user: Analyst) -> Response:
    """A released table as SDMX-CSV, for statistics offices (same protected values as the CSV)."""
    rel = _latest(request)
    if rel is None or table not in rel.tables:
        raise HTTPException(status_code=404)
    released = rel.tables[table]
    return Response(
        to_sdmx_csv(released.data, released.dims, released.name),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{rel.name}-{table}.sdmx.csv"'},
    )


@router.get("/analyst/report.{fmt}")
def analyst_report(request: Request, fmt: str, user: Analyst) -> FileResponse:
    """The monitor report of the latest release, rendered once per language and format."""
    if fmt not in {"pdf", "html"}:
        raise HTTPException(status_code=404)
    rel = _latest(request)
    if rel is None:
        raise HTTPException(status_code=404)
    lang = lang_of(request)
    out: Path = state(request).reports_dir
    path = out / f"report-{rel.name}-{lang.value}.{fmt}"
    if not path.exists():
        path = write_report(rel, out, lang, fmt)
    media = "application/pdf" if fmt == "pdf" else "text/html"
    return FileResponse(path, media_type=media, filename=path.name)


def _releases(request: Request) -> list[dict[str, Any]]:
    d = state(request).releases_dir
    out = []
    for name in release_names(d):
        rel = get_release(d, name)
        out.append(
            {
                "name": rel.name,
                "run_id": rel.run_id,
                "created_at": rel.created_at,
                "year_from": rel.year_from,
                "year_to": rel.year_to,
                "tables": list(rel.tables),
            }
        )
    return out


@router.get("/coordinator", response_class=HTMLResponse)
def coordinator_home(request: Request, user: Coordinator) -> HTMLResponse:
    return page(request, "coordinator.html.j2", releases=_releases(request))


@router.get("/api/coordinator/releases")
def coordinator_releases_json(request: Request, user: Coordinator) -> list[dict[str, Any]]:
    return _releases(request)


__all__ = ["Lang", "router"]
