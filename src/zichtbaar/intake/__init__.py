"""Intake: verify packages, quarantine bad rows, store good ones, withdraw, export snapshots."""

from __future__ import annotations

from zichtbaar.intake.ingest import SubmissionReport, ingest_package
from zichtbaar.intake.package import DEFAULT_MAX_BYTES, LoadedPackage, load_package
from zichtbaar.intake.rows import RowProblem, check_rows
from zichtbaar.intake.snapshot import SnapshotInfo, export_snapshot
from zichtbaar.intake.withdraw import WITHDRAWAL_REASONS, WithdrawalReceipt, withdraw

__all__ = [
    "DEFAULT_MAX_BYTES",
    "WITHDRAWAL_REASONS",
    "LoadedPackage",
    "RowProblem",
    "SnapshotInfo",
    "SubmissionReport",
    "WithdrawalReceipt",
    "check_rows",
    "export_snapshot",
    "ingest_package",
    "load_package",
    "withdraw",
]
