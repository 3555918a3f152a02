"""Suspects of trafficking in prosecution cases, in the shape of the rapporteur's Dadermonitor.

No identifiers: suspects are counted, not linked. Nearly four in ten suspects of domestic sexual
exploitation are under 23 (rapporteur, 2019); about a fifth for the other forms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zichtbaar.synth.config import WorldConfig

SUSPECT_FORMS = {
    "domestic_sexual": 0.45,
    "crossborder_sexual": 0.22,
    "labour": 0.18,
    "criminal": 0.13,
    "other_unknown": 0.02,
}
UNDER_23 = {"domestic_sexual": 0.40}
UNDER_23_OTHER = 0.20
SUSPECT_NATIONALITIES = {
    "NLD": 0.55,
    "ROU": 0.08,
    "BGR": 0.08,
    "HUN": 0.04,
    "POL": 0.04,
    "NGA": 0.05,
    "CHN": 0.04,
    "TUR": 0.04,
    "MAR": 0.04,
    "SUR": 0.04,
}
DECISIONS = ("summons", "dismissal_technical", "dismissal_policy", "transfer", "pending")
DECISION_P = (0.6, 0.1, 0.08, 0.12, 0.1)
CONVICTIONS = ("convicted", "acquitted", "other")
CONVICTION_P = (0.7, 0.2, 0.1)
FEMALE = 0.15

SUSPECT_COLUMNS = (
    "case_id",
    "year",
    "form",
    "age",
    "gender",
    "nationality",
    "prosecution_decision",
    "conviction",
)
"""``SuspectCase`` as the prosecution service holds it: ``nationality_group`` is left out because
the encoder derives it from ``nationality`` (and refuses a source file that brings its own)."""


def build_suspects(config: WorldConfig, rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    forms = sorted(SUSPECT_FORMS)
    p_form = np.array([SUSPECT_FORMS[f] for f in forms])
    nats = sorted(SUSPECT_NATIONALITIES)
    p_nat = np.array([SUSPECT_NATIONALITIES[k] for k in nats])
    for year in config.years:
        n = max(1, round(config.suspects_per_year * config.scale))
        form = rng.choice(forms, size=n, p=p_form / p_form.sum())
        young = rng.random(n) < np.array([UNDER_23.get(f, UNDER_23_OTHER) for f in form])
        age = np.where(
            young,
            rng.integers(15, 23, size=n),
            np.minimum(23 + np.floor(rng.gamma(2.0, 7.0, size=n)), 80).astype(int),
        )
        nat = rng.choice(nats, size=n, p=p_nat / p_nat.sum())
        decision = rng.choice(DECISIONS, size=n, p=DECISION_P)
        convicted = rng.choice(CONVICTIONS, size=n, p=CONVICTION_P)
        frames.append(
            pd.DataFrame(
                {
                    "case_id": [f"OM-{year}-{i:05d}" for i in range(1, n + 1)],
                    "year": year,
                    "form": form,
                    "age": age,
                    "gender": np.where(rng.random(n) < FEMALE, "female", "male"),
                    "nationality": nat,
                    "prosecution_decision": decision,
                    "conviction": np.where(decision == "summons", convicted, "none"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[list(SUSPECT_COLUMNS)]
