"""Linkage F1 on FEBRL4 encoded with a given schema: the price of a hardening.

Uses the test helper ``tests.link.febrl.make_febrl_snapshot`` (with the schema under test) and the
public linkage entry points.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.run import person_of_registration, run_linkage
from zichtbaar.standard.package import EncodingSchema


def febrl_accuracy(schema: EncodingSchema) -> dict[str, Any]:
    """Link FEBRL4 (5,000 + 5,000 records) encoded with ``schema``; the accuracy figures."""
    from tests.link.febrl import make_febrl_snapshot

    with tempfile.TemporaryDirectory() as tmp:
        truth = make_febrl_snapshot(Path(tmp) / "snap", schema)
        run_linkage(Path(tmp) / "snap", Path(tmp) / "runs", "febrl4")
        found = person_of_registration(Path(tmp) / "runs", "febrl4")
    return accuracy(found, truth).to_dict()
