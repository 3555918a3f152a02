"""Linkage F1 on FEBRL4 encoded with a given setting: the price of a hardening.

Uses the test helper ``tests.link.febrl.make_febrl_snapshot`` and the public linkage entry
points. The helper builds its encoder with a fresh key; the bench needs the attack's key (so
that a setting and its unhardened baseline are compared on the same positions) and sometimes an
encoder variant, so its ``Encoder`` is replaced for the duration of one call.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from bench.attacks.data import EncoderFactory

from zichtbaar.encode.bloom import BloomEncoder
from zichtbaar.encode.keys import LinkageKey, new_key
from zichtbaar.encode.schema import default_schema
from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.run import person_of_registration, run_linkage
from zichtbaar.standard.package import EncodingSchema


def febrl_accuracy(
    schema: EncodingSchema,
    key: LinkageKey | None = None,
    encoder: EncoderFactory = BloomEncoder,
) -> dict[str, Any]:
    """Link FEBRL4 (5,000 + 5,000 records) encoded with ``schema``; the accuracy figures."""
    from tests.link import febrl
    from tests.link.encoded_world import Encoder

    the_key = key or new_key()

    class KeyedEncoder(Encoder):
        def __init__(self, schema: EncodingSchema | None = None) -> None:
            super().__init__(the_key, schema)
            self.bloom = encoder(the_key, schema or default_schema())

    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(febrl, "Encoder", KeyedEncoder):
        truth = febrl.make_febrl_snapshot(Path(tmp) / "snap", schema)
        run_linkage(Path(tmp) / "snap", Path(tmp) / "runs", "febrl4")
        found = person_of_registration(Path(tmp) / "runs", "febrl4")
    return accuracy(found, truth).to_dict()
