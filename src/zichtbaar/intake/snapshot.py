"""Export a snapshot of the current store for linkage (Parquet + snapshot.json).

Tokens stay hub-encrypted (as hex): equal tokens are equal ciphertexts across organisations, so
the link stage can join on them without the hub key ever leaving the store's process. Bloom
filters, sealed at rest, are opened here: linkage compares them bit by bit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, select

from zichtbaar.standard.codes import STANDARD_VERSION
from zichtbaar.store.engine import Store
from zichtbaar.store.hubkey import HubCipher
from zichtbaar.store.models import (
    FILTER_COLUMNS,
    TOKEN_COLUMNS,
    Organisation,
    Registration,
    StoredRegisterEvent,
    StoredSuspect,
)

_BOOKKEEPING = ("id", "org_id", "version", "current", "submission_id", "content_hash")


@dataclass(frozen=True)
class SnapshotInfo:
    out_dir: str
    registrations: int
    register_events: int
    suspects: int
    created_at: str
    source: str
    hub_key_id: str
    standard_version: str = STANDARD_VERSION


def _frame(
    conn: Connection, model: type, id_name: str, id_prefix: str, cipher: HubCipher
) -> pd.DataFrame:
    t = model.__table__  # type: ignore[attr-defined]
    data_cols = [c for c in t.columns if c.name not in _BOOKKEEPING]
    stmt = (
        select(t.c.id, t.c.org_id.label("org"), Organisation.reporter_type, *data_cols)
        .join(Organisation, Organisation.id == t.c.org_id)
        .where(t.c.current)
        .order_by(t.c.id)
    )
    result = conn.execute(stmt)
    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    frame.insert(0, id_name, [f"{id_prefix}{i}" for i in frame.pop("id")])
    for col in TOKEN_COLUMNS:
        if col in frame.columns:
            frame[col] = frame[col].map(lambda b: None if b is None else bytes(b).hex())
    for col in FILTER_COLUMNS:
        if col in frame.columns:
            frame[col] = frame[col].map(
                lambda b: None if b is None else cipher.open_filter(bytes(b))
            )
    for col in ("registration_date", "event_date"):
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col]).dt.date
    if "exploitation_year" in frame.columns:
        # an integer column even when every row leaves it empty (standard 1.1)
        frame["exploitation_year"] = frame["exploitation_year"].astype("Int64")
    return frame


def export_snapshot(store: Store, out_dir: Path) -> SnapshotInfo:
    """Write registrations/register_events/suspects Parquet files and snapshot.json to ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with store.engine.connect() as conn, conn.begin():
        regs = _frame(conn, Registration, "registration_id", "reg-", store.cipher)
        regs["statistics_only"] = regs["legal_basis"] == "none"
        events = _frame(conn, StoredRegisterEvent, "event_id", "ev-", store.cipher)
        events = events.drop(columns=["reporter_type"])
        suspects = _frame(conn, StoredSuspect, "suspect_id", "sus-", store.cipher)
    regs.to_parquet(out_dir / "registrations.parquet", index=False)
    events.to_parquet(out_dir / "register_events.parquet", index=False)
    suspects.to_parquet(out_dir / "suspects.parquet", index=False)
    info = SnapshotInfo(
        out_dir=str(out_dir),
        registrations=len(regs),
        register_events=len(events),
        suspects=len(suspects),
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        source=store.url_for_display,
        hub_key_id=store.cipher.key_id,
    )
    (out_dir / "snapshot.json").write_text(json.dumps(asdict(info), indent=2) + "\n")
    return info
