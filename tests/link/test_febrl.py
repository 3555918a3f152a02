"""FEBRL4 on encodings: a guard on the measured level, not the issue's target.

The target (F1 >= 0.99) is not met (docs/linkage.md): splink on the *clear text* of the same four
fields (names, date of birth, suburb) reaches 0.975; the issue's 0.997 needs the address fields,
which zichtbaar does not encode. This test keeps what is reached from sliding back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.link.febrl import make_febrl_snapshot
from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.run import person_of_registration, run_linkage


@pytest.mark.slow
def test_febrl4_encoded_keeps_its_measured_quality(tmp_path: Path) -> None:
    truth = make_febrl_snapshot(tmp_path / "snap")
    run_linkage(tmp_path / "snap", tmp_path / "runs", "febrl4")
    found = person_of_registration(tmp_path / "runs", "febrl4")
    acc = accuracy(found, truth)
    assert acc.pairs_true == 5000
    assert acc.precision >= 0.99  # measured 1.000 (encoding schema 3.0)
    assert acc.f1 >= 0.92  # measured 0.932 (schema 3.0; 2.0 with its record-seeded flip: 0.9135)
