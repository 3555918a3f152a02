"""The programme's tables on the store's declarative base.

Goals, indicators and milestones live as validated JSON on the measure: they are always read
and written together with it, and the document model (``document``) is their schema. The status
history is its own append-only table because it is queried, counted and audited per change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zichtbaar.store.models import Base


class ProgrammeRow(Base):
    __tablename__ = "programme_programmes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    info: Mapped[dict[str, Any]] = mapped_column(JSON)


class ActionLineRow(Base):
    __tablename__ = "programme_action_lines"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    programme_id: Mapped[str] = mapped_column(ForeignKey("programme_programmes.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer)


class MeasureRow(Base):
    __tablename__ = "programme_measures"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    action_line_id: Mapped[str] = mapped_column(ForeignKey("programme_action_lines.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(300), nullable=True)
    partners: Mapped[list[str]] = mapped_column(JSON)
    start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text)
    goals: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class StatusChangeRow(Base):
    """One status change; rows are only ever inserted."""

    __tablename__ = "programme_status_history"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    measure_id: Mapped[str] = mapped_column(ForeignKey("programme_measures.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    effective: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
