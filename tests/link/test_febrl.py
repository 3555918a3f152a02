"""FEBRL4 on encodings: the issue's target, F1 >= 0.99 at the default threshold.

Names, date of birth and the address (schema 3.2) are encoded at the default, hardened settings;
splink on the clear text of the same fields reaches 0.997 (bench/bench_link_febrl.py). The key is
fixed, as in the bench: the hardening, and so F1, differ a little per key (0.9918-0.9920 on the
keys measured; docs/linkage.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.attacks.data import fixed_key

from tests.link.febrl import make_febrl_snapshot
from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.run import person_of_registration, run_linkage


@pytest.mark.slow
def test_febrl4_encoded_reaches_the_target(tmp_path: Path) -> None:
    truth = make_febrl_snapshot(tmp_path / "snap", key=fixed_key(1000))
    run_linkage(tmp_path / "snap", tmp_path / "runs", "febrl4")
    found = person_of_registration(tmp_path / "runs", "febrl4")
    acc = accuracy(found, truth)
    assert acc.pairs_true == 5000
    assert acc.precision >= 0.99  # measured 1.000 (schema 3.2)
    assert acc.f1 >= 0.99  # measured 0.9920 (schema 3.2; 3.1 without the address: 0.9235)
