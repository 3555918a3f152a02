"""FEBRL4 on encodings: a guard on the measured level, not the issue's target.

The target (F1 >= 0.99) is not met (docs/linkage.md: blocking recall 0.93, m of "date
different" trained to ~0); this test keeps what is reached from sliding back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.link.febrl import make_febrl_snapshot
from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.run import open_run, run_linkage


@pytest.mark.slow
def test_febrl4_encoded_keeps_its_measured_quality(tmp_path: Path) -> None:
    truth = make_febrl_snapshot(tmp_path / "snap")
    run_linkage(tmp_path / "snap", tmp_path / "runs", "febrl4")
    con = open_run(tmp_path / "runs", "febrl4")
    found = {
        str(r): str(p)
        for r, p in con.execute(
            "SELECT registration_id, person_id FROM registration_person"
        ).fetchall()
    }
    con.close()
    acc = accuracy(found, truth)
    assert acc.pairs_true == 5000
    assert acc.precision >= 0.99  # measured 0.998
    assert acc.f1 >= 0.94  # measured 0.946
