"""Reading and writing a programme in the store, and the append-only status history.

Every write happens inside the caller's transaction (``engine.begin()``), so an import that
fails half-way changes nothing. Status changes are also written to the store's audit chain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from zichtbaar.errors import ProgrammeError
from zichtbaar.programme.document import (
    ActionLine,
    Goal,
    Measure,
    Milestone,
    Programme,
    ProgrammeInfo,
)
from zichtbaar.programme.status import Status
from zichtbaar.programme.tables import ActionLineRow, MeasureRow, ProgrammeRow, StatusChangeRow
from zichtbaar.store import append_audit

IMPORT_REASON = "imported"


@dataclass(frozen=True)
class StatusChange:
    measure_id: str
    status: Status
    effective: dt.date
    recorded_at: dt.datetime
    actor: str
    reason: str


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _upsert(conn: Connection, table: type, key: str, values: dict[str, object]) -> None:
    exists = conn.execute(select(table.id).where(table.id == key)).first()  # type: ignore[attr-defined]
    if exists is None:
        conn.execute(insert(table).values(id=key, **values))
    else:
        conn.execute(update(table).where(table.id == key).values(**values))  # type: ignore[attr-defined]


def save_programme(conn: Connection, programme: Programme, actor: str) -> int:
    """Create or update the programme; new statuses go into the history. Returns changes made."""
    info = programme.programme
    _upsert(
        conn,
        ProgrammeRow,
        info.id,
        {"title": info.title, "info": info.model_dump(mode="json", exclude={"id", "title"})},
    )
    for pos, line in enumerate(programme.action_lines):
        _upsert(
            conn,
            ActionLineRow,
            line.id,
            {"programme_id": info.id, "title": line.title, "position": pos},
        )
    changes = 0
    for pos, m in enumerate(programme.measures):
        _upsert(
            conn,
            MeasureRow,
            m.id,
            {
                "action_line_id": m.action_line,
                "position": pos,
                "title": m.title,
                "description": m.description,
                "owner": m.owner,
                "partners": m.partners,
                "start": m.start,
                "deadline": m.deadline,
                "note": m.note,
                "goals": [g.model_dump(mode="json") for g in m.goals],
                "milestones": [s.model_dump(mode="json") for s in m.milestones],
            },
        )
        if m.status is not None and current_status(conn, m.id) != m.status:
            _append_status(
                conn, m.id, m.status, actor, m.note or IMPORT_REASON, m.status_date or _today()
            )
            changes += 1
    append_audit(conn, actor, "programme.import", f"programme:{info.id}")
    return changes


def _append_status(
    conn: Connection, measure_id: str, status: Status, actor: str, reason: str, effective: dt.date
) -> None:
    conn.execute(
        insert(StatusChangeRow).values(
            measure_id=measure_id,
            status=status.value,
            effective=effective,
            recorded_at=dt.datetime.now(dt.UTC),
            actor=actor,
            reason=reason,
        )
    )
    append_audit(conn, actor, "programme.status", f"measure:{measure_id}")


def set_status(
    conn: Connection,
    measure_id: str,
    status: Status,
    actor: str,
    reason: str,
    effective: dt.date | None = None,
) -> None:
    """Record a status change with who and why; the history is append-only."""
    if not reason.strip():
        raise ProgrammeError("a status change needs a reason")
    if conn.execute(select(MeasureRow.id).where(MeasureRow.id == measure_id)).first() is None:
        raise ProgrammeError("no such measure")
    _append_status(conn, measure_id, status, actor, reason.strip(), effective or _today())


def history(conn: Connection, measure_id: str) -> list[StatusChange]:
    rows = conn.execute(
        select(StatusChangeRow.__table__)
        .where(StatusChangeRow.measure_id == measure_id)
        .order_by(StatusChangeRow.seq)
    ).all()
    return [
        StatusChange(r.measure_id, Status(r.status), r.effective, r.recorded_at, r.actor, r.reason)
        for r in rows
    ]


def current_status(conn: Connection, measure_id: str) -> Status | None:
    value = conn.execute(
        select(StatusChangeRow.status)
        .where(StatusChangeRow.measure_id == measure_id)
        .order_by(StatusChangeRow.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if value is None else Status(value)


def programme_ids(conn: Connection) -> list[str]:
    return list(conn.execute(select(ProgrammeRow.id).order_by(ProgrammeRow.id)).scalars())


def load_programme(conn: Connection, programme_id: str | None = None) -> Programme:
    """The stored programme (the only one when no id is given), with current statuses."""
    if programme_id is None:
        ids = programme_ids(conn)
        if len(ids) != 1:
            raise ProgrammeError(f"expected one stored programme, found {len(ids)}")
        programme_id = ids[0]
    prow = conn.execute(
        select(ProgrammeRow.__table__).where(ProgrammeRow.id == programme_id)
    ).first()
    if prow is None:
        raise ProgrammeError("no such programme")
    lines = list(
        conn.execute(
            select(ActionLineRow.__table__)
            .where(ActionLineRow.programme_id == programme_id)
            .order_by(ActionLineRow.position)
        ).all()
    )
    measures = conn.execute(
        select(MeasureRow.__table__)
        .where(MeasureRow.action_line_id.in_([a.id for a in lines]))
        .order_by(MeasureRow.position)
    ).all()
    out: list[Measure] = []
    for r in measures:
        hist = history(conn, r.id)
        out.append(
            Measure(
                id=r.id,
                action_line=r.action_line_id,
                title=r.title,
                description=r.description,
                owner=r.owner,
                partners=list(r.partners),
                start=r.start,
                deadline=r.deadline,
                status=hist[-1].status if hist else None,
                status_date=hist[-1].effective if hist else None,
                note=r.note,
                goals=[Goal.model_validate(g) for g in r.goals],
                milestones=[Milestone.model_validate(s) for s in r.milestones],
            )
        )
    return Programme(
        programme=ProgrammeInfo.model_validate({"id": prow.id, "title": prow.title, **prow.info}),
        action_lines=[ActionLine(id=a.id, title=a.title) for a in lines],
        measures=out,
    )
