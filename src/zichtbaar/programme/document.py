"""The programme as a validated document: action lines, measures, goals, indicators, milestones.

This is the exchange shape for YAML/CSV and the shape the web and report read. The seed's
shorthand (``indicator:`` + ``target:`` on a measure, ``status: unknown``) is normalised here so
every other module sees one form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from zichtbaar.programme.status import Status

UNKNOWN = "unknown"
"""What public sources write when they do not say; treated as absent."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TableRef(_Strict):
    """A cell or series of a monitor table in a published release."""

    release: str
    release_date: dt.date
    table: str
    filter: dict[str, str] = Field(default_factory=dict)


class Indicator(_Strict):
    """Either a manual figure with its source, or a monitor-table reference."""

    name: str
    value: float | None = None
    source: str | None = None
    table: TableRef | None = None
    baseline: dict[int, float] = Field(default_factory=dict)
    targets: dict[int, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> Indicator:
        if self.table is not None and (self.value is not None or self.source is not None):
            raise ValueError("an indicator is a manual figure or a table reference, not both")
        if self.value is not None and not self.source:
            raise ValueError("a manual figure needs a source")
        return self


class Goal(_Strict):
    text: str
    indicators: list[Indicator] = Field(default_factory=list)


class Milestone(_Strict):
    title: str
    due: dt.date
    done: dt.date | None = None


class Measure(_Strict):
    id: str = Field(min_length=1, max_length=64)
    action_line: str
    title: str
    description: str = ""
    owner: str | None = None
    partners: list[str] = Field(default_factory=list)
    start: dt.date | None = None
    deadline: dt.date | None = None
    status: Status | None = None
    status_date: dt.date | None = None
    note: str = ""
    goals: list[Goal] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if data.get("status") == UNKNOWN:
            data["status"] = None
        if data.get("owner") == UNKNOWN:
            data["owner"] = None
        if "indicator" in data:
            ind: dict[str, Any] = {"name": data.pop("indicator")}
            if "target" in data:
                ind["targets"] = data.pop("target")
            data["goals"] = [*data.get("goals", []), {"text": ind["name"], "indicators": [ind]}]
        return data

    @property
    def indicators(self) -> list[Indicator]:
        return [i for g in self.goals for i in g.indicators]


class ActionLine(_Strict):
    id: str = Field(min_length=1, max_length=64)
    title: str


class ProgrammeInfo(_Strict):
    id: str = Field(min_length=1, max_length=64)
    title: str
    started: dt.date | None = None
    lead: str | None = None
    partners: list[str] = Field(default_factory=list)
    aims: list[str] = Field(default_factory=list)


class Programme(_Strict):
    programme: ProgrammeInfo
    action_lines: list[ActionLine]
    measures: list[Measure] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self) -> Programme:
        lines = {a.id for a in self.action_lines}
        if len(lines) != len(self.action_lines):
            raise ValueError("action line ids must be unique")
        seen: set[str] = set()
        for m in self.measures:
            if m.action_line not in lines:
                raise ValueError(f"measure {m.id}: unknown action line")
            if m.id in seen:
                raise ValueError(f"measure {m.id}: duplicate id")
            seen.add(m.id)
        return self
