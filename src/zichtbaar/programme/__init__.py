"""Programme monitoring: which measures exist, who owns them, whether they are done.

A programme is imported from YAML/CSV (``exchange``), kept in the store (``repository``) with an
append-only, audited status history, and checked for gaps (``checks``).
"""

from __future__ import annotations

from pathlib import Path

from zichtbaar.programme import tables as tables
from zichtbaar.programme.checks import Check, Finding, check_programme, overdue
from zichtbaar.programme.document import Indicator, Measure, Programme, TableRef
from zichtbaar.programme.exchange import (
    Problem,
    ProgrammeFileError,
    dump_csv,
    dump_yaml,
    parse_csv,
    parse_yaml,
)
from zichtbaar.programme.repository import (
    StatusChange,
    current_status,
    history,
    load_programme,
    programme_ids,
    save_programme,
    set_status,
)
from zichtbaar.programme.status import CLOSED, Status
from zichtbaar.programme.summary import LineSummary, action_line_rows, snapshot, status_counts

SEED = Path(__file__).parent / "seed" / "programme_2018.yaml"
"""The public 2018 programme "Samen tegen mensenhandel", for the demo and tests."""

__all__ = [
    "CLOSED",
    "SEED",
    "Check",
    "Finding",
    "Indicator",
    "LineSummary",
    "Measure",
    "Problem",
    "Programme",
    "ProgrammeFileError",
    "Status",
    "StatusChange",
    "TableRef",
    "action_line_rows",
    "check_programme",
    "current_status",
    "dump_csv",
    "dump_yaml",
    "history",
    "load_programme",
    "overdue",
    "parse_csv",
    "parse_yaml",
    "programme_ids",
    "save_programme",
    "set_status",
    "snapshot",
    "status_counts",
    "tables",
]
