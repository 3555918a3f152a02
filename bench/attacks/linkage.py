"""Linkage F1 on FEBRL4 encoded with a given schema: the price of a hardening.

Uses the public test helper ``tests.link.febrl.make_febrl_snapshot`` and the public linkage entry
points, with the helper's encoder swapped for one that uses the schema under test (the helper
always encodes with the default schema).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from zichtbaar.encode.bloom import BloomEncoder
from zichtbaar.encode.keys import new_key
from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.run import open_run, run_linkage
from zichtbaar.standard.package import EncodingSchema


def febrl_accuracy(schema: EncodingSchema) -> dict[str, Any]:
    """Link FEBRL4 (5,000 + 5,000 records) encoded with ``schema``; the accuracy figures."""
    import tests.link.febrl as febrl
    from tests.link.encoded_world import Encoder

    def encoder() -> Encoder:
        key = new_key()
        enc = Encoder(key)
        enc.bloom = BloomEncoder(key, schema)
        return enc

    with tempfile.TemporaryDirectory() as tmp:
        with mock.patch.object(febrl, "Encoder", encoder):
            truth = febrl.make_febrl_snapshot(Path(tmp) / "snap")
        run_linkage(Path(tmp) / "snap", Path(tmp) / "runs", "febrl4")
        con = open_run(Path(tmp) / "runs", "febrl4")
        found = {
            str(r): str(p)
            for r, p in con.execute(
                "SELECT registration_id, person_id FROM registration_person"
            ).fetchall()
        }
        con.close()
    return accuracy(found, truth).to_dict()
