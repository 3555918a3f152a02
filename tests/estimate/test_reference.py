"""Reproduce published estimates (tests/reference/published.json gives the sources)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zichtbaar.estimate import estimate, read_patterns_csv


def _pub(ref: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ref / "published.json").read_text())
    return data


def test_ukdat5_bales_hesketh_silverman(ref: Path) -> None:
    pub = _pub(ref)["UKdat_5_bhs"]
    t = read_patterns_csv(ref / str(pub["table"]))
    r = estimate(t, method="bhs")
    assert sorted(r.model) == sorted(pub["model"])
    assert r.estimate == pytest.approx(float(pub["estimate"]), rel=0.01)
    lo, hi = pub["ci_95"]
    assert r.ci_low == pytest.approx(lo, rel=0.05)
    assert r.ci_high == pytest.approx(hi, rel=0.05)
    # the same model given explicitly gives the same number
    fixed = estimate(t, model=",".join(r.model))
    assert fixed.estimate == pytest.approx(r.estimate, rel=1e-9)
    # the two point-estimate conventions differ by about 0.1 %
    assert r.profile_mode is not None
    assert abs(r.profile_mode / r.estimate - 1) < 0.003


def test_ukdat_six_lists_bhs(ref: Path) -> None:
    pub = _pub(ref)["UKdat_bhs_range"]
    t = read_patterns_csv(ref / str(pub["table"]))
    r = estimate(t, method="bhs")
    lo, hi = pub["estimate_range"]
    assert lo <= r.estimate <= hi
    assert r.ci_low == pytest.approx(10_000, rel=0.05)
    assert r.ci_high == pytest.approx(13_000, rel=0.05)
