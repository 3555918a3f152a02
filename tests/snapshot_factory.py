"""Build hub-side snapshots with known truth, without the encoder (the hub never holds it).

Each true person gets random 64-hex tokens and a random Bloom filter; each of their registrations
copies them with controlled noise (bit flips in the filter, a dropped token, a swapped date), so
the linkage has a known right answer.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from zichtbaar.standard.models import TOKEN_COLUMNS

TOKENS = TOKEN_COLUMNS
ORGS = (
    ("police-nl", "police"),
    ("shelter-a", "shelter_care"),
    ("youth-b", "youth_care"),
    ("ngo-c", "ngo"),
)
FORMS = ("domestic_sexual", "crossborder_sexual", "labour", "criminal")


def _hex(rng: np.random.Generator) -> str:
    return rng.bytes(32).hex()


@dataclass
class FakeSnapshot:
    path: Path
    truth: dict[str, str]  # registration_id -> true person
    event_truth: dict[str, str]  # event_id -> true person
    stats_only_persons: set[str]


def make_snapshot(
    out: Path, n_persons: int = 300, seed: int = 0, flip: float = 0.03, n_events: int = 150
) -> FakeSnapshot:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    rows, truth, stats_only = [], {}, set()
    persons = []
    for p in range(n_persons):
        pid = f"T{p:05d}"
        toks = {k: _hex(rng) for k in TOKENS}
        if rng.random() < 0.5:
            toks["tok_bsn"] = None
        bits = rng.random(1024) < 0.3
        persons.append((pid, toks, bits))
        n_reg = int(rng.integers(1, 4))
        basis_none = rng.random() < 0.15
        if basis_none:
            stats_only.add(pid)
        year = int(rng.integers(2016, 2021))
        form = FORMS[int(rng.integers(0, len(FORMS)))]
        for k in range(n_reg):
            org, rtype = ORGS[int(rng.integers(0, len(ORGS)))]
            rid = f"R{len(rows):06d}"
            t = dict(toks)
            noisy = bits ^ (rng.random(1024) < flip)
            if k > 0 and rng.random() < 0.3:
                t["tok_name_dob"] = _hex(rng)  # a typo in the name breaks the exact key
            rows.append(
                {
                    "registration_id": rid,
                    "org": org,
                    "reporter_type": rtype,
                    "record_id": f"{org}-{len(rows)}",
                    "registration_date": dt.date(year, 1 + k, 10),
                    **t,
                    "bloom": np.packbits(noisy).tobytes(),
                    "gender": "female",
                    "nationality": "NLD",
                    "nationality_group": "NL",
                    "age_group": "18-22",
                    "form": form,
                    "region": "amsterdam",
                    "legal_basis": "none"
                    if basis_none
                    else ("legal_basis" if rtype == "police" else "explicit_consent"),
                    "statistics_only": basis_none,
                }
            )
            truth[rid] = pid
    pd.DataFrame(rows).to_parquet(out / "registrations.parquet", index=False)
    events, event_truth = [], {}
    for e in range(n_events):
        pid, toks, bits = persons[int(rng.integers(0, n_persons))]
        eid = f"E{e:06d}"
        events.append(
            {
                "event_id": eid,
                "org": "register-shelter",
                "record_id": f"s-{e}",
                "event_date": dt.date(2021, 6, 1),
                "event_type": "shelter",
                **toks,
                "bloom": np.packbits(bits ^ (rng.random(1024) < flip)).tobytes(),
                "gender": "female",
                "nationality_group": "NL",
                "dublin_status": "not_applicable",
                "prosecution_decision": None,
                "legal_basis": "legal_duty",
            }
        )
        event_truth[eid] = pid
    # non-victims in the register
    for e in range(n_events, 2 * n_events):
        events.append(
            {
                "event_id": f"E{e:06d}",
                "org": "register-shelter",
                "record_id": f"s-{e}",
                "event_date": dt.date(2021, 6, 1),
                "event_type": "shelter",
                **{k: _hex(rng) for k in TOKENS},
                "bloom": np.packbits(rng.random(1024) < 0.3).tobytes(),
                "gender": "male",
                "nationality_group": "NL",
                "dublin_status": "not_applicable",
                "prosecution_decision": None,
                "legal_basis": "legal_duty",
            }
        )
    pd.DataFrame(events).to_parquet(out / "register_events.parquet", index=False)
    return FakeSnapshot(out, truth, event_truth, stats_only)


def random_token() -> str:
    return secrets.token_hex(32)
