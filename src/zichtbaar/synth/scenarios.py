"""Named detection scenarios: the same organisations, other detection parameters.

``default`` (the parameters in ``reporters.ORGANISATIONS``) is calibrated to the real Dutch overlap
structure (the ``Ned`` table, docs/synthetic-world.md). ``hard`` keeps the world as it was before
that calibration: strong referral from investigative bodies to care and Dutch minors nearly
invisible to every list (about 10 % seen, hardly any overlaps among them), a heterogeneity that
log-linear MSE cannot see and that biases it low. Only detection differs; populations, registers
and faults are the same for the same seed.
"""

from __future__ import annotations

from typing import Any

SCENARIOS = ("default", "hard")

FORMS = (
    "domestic_sexual",
    "crossborder_sexual",
    "labour",
    "criminal",
    "organ_removal",
    "other_unknown",
)


def forms(default: float, **p: float) -> dict[str, float]:
    """A detection probability per form: ``default`` unless the form is named."""
    return {f: p.get(f, default) for f in FORMS}


_SHELTER: dict[str, Any] = {
    "form_p": forms(0.015, domestic_sexual=0.035, crossborder_sexual=0.06),
    "minor_factor": 0.1,
    "referral": 2.2,
}
_YOUTH: dict[str, Any] = {
    "form_p": forms(0.02, domestic_sexual=0.06, criminal=0.04),
    "minor_factor": 1.0,
    "referral": 1.0,
}
_MUNICIPALITY: dict[str, Any] = {"form_p": forms(0.03), "minor_factor": 1.0, "referral": 1.2}

HARD: dict[str, dict[str, Any]] = {
    "police-nl": {
        "form_p": forms(
            0.06, domestic_sexual=0.11, crossborder_sexual=0.31, labour=0.07, criminal=0.12
        ),
        "minor_factor": 0.05,
        "group_factor": {},
    },
    "kmar": {
        "form_p": forms(0.005, crossborder_sexual=0.06, labour=0.02),
        "minor_factor": 0.5,
        "group_factor": {"NL": 0.1, "EU_EEA": 0.6},
    },
    "nla": {"form_p": forms(0.0005, labour=0.09), "minor_factor": 0.05, "group_factor": {}},
    "fiod": {"form_p": forms(0.001, labour=0.01, criminal=0.012), "minor_factor": 0.2},
    "opvang-west": _SHELTER,
    "opvang-oost": _SHELTER,
    "jeugdzorg-west": _YOUTH,
    "jeugdzorg-oost": _YOUTH,
    "gemeente-rotterdam": _MUNICIPALITY,
    "gemeente-utrecht": _MUNICIPALITY,
    "rechtshulp": {"form_p": forms(0.006), "minor_factor": 1.0, "referral": 2.0},
    "ngo-platform": {
        "form_p": forms(0.006, crossborder_sexual=0.018, labour=0.015),
        "minor_factor": 1.0,
    },
    "ggd": {
        "form_p": forms(0.003, domestic_sexual=0.012, crossborder_sexual=0.015),
        "minor_factor": 1.0,
    },
    "overig": {"form_p": forms(0.005), "minor_factor": 1.0},
}
"""The detection parameters of the world before its calibration to Ned (every field that the
default now sets otherwise, per organisation)."""
