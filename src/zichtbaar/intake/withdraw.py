"""Withdrawals: erase every version of a record; keep only *that* it happened.

The withdrawals row holds the organisation's own record id (needed to refuse the record if it is
sent again), the reason code and the time; the audit log holds only the withdrawal's internal id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete, insert

from zichtbaar.errors import IntakeError
from zichtbaar.intake.rows import normalise_id
from zichtbaar.store.audit import append_audit
from zichtbaar.store.engine import Store
from zichtbaar.store.models import Registration, StoredRegisterEvent, Withdrawal

WithdrawalReason = Literal["consent_withdrawn", "erasure_request", "error"]
WITHDRAWAL_REASONS: tuple[str, ...] = ("consent_withdrawn", "erasure_request", "error")


@dataclass(frozen=True)
class WithdrawalReceipt:
    withdrawal_id: int
    removed_rows: int


def withdraw(store: Store, org: str, record_id: str, reason: str, actor: str) -> WithdrawalReceipt:
    """Remove all versions of ``org``'s record ``record_id``; it drops out of later snapshots."""
    record_id = normalise_id(record_id)  # as the intake compared it
    if reason not in WITHDRAWAL_REASONS:
        raise IntakeError(f"reason must be one of: {', '.join(WITHDRAWAL_REASONS)}")
    with store.engine.begin() as conn:
        removed = 0
        for model in (Registration, StoredRegisterEvent):
            removed += conn.execute(
                delete(model).where(model.org_id == org, model.record_id == record_id)
            ).rowcount
        if removed == 0:
            raise IntakeError("no stored record with this record id for this organisation")
        pk = conn.execute(
            insert(Withdrawal).values(
                org_id=org,
                record_id=record_id,
                reason=reason,
                withdrawn_at=dt.datetime.now(dt.UTC),
                removed_rows=removed,
            )
        ).inserted_primary_key
        assert pk is not None
        wid = pk[0]
        append_audit(conn, actor, "withdrawal", f"withdrawal:{wid} org:{org} reason:{reason}")
    return WithdrawalReceipt(withdrawal_id=int(wid), removed_rows=removed)
