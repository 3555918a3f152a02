"""The encodings the bench attacks: a table of data, built from the shipped schema files.

Each setting is a label, an ``EncodingSchema`` (the shipped JSON changed with ``model_copy``),
the Bloom encoder (the shipped one, or a prototype from ``variants``) and what that encoder
seeds its bit-flip noise with besides the filter (the attacker knows it: Kerckhoffs).
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.attacks.data import (
    IDENTITY,
    EncoderFactory,
    schema_with,
    shipped_schema,
    unhardened,
)
from bench.attacks.variants import FilterSeededFlipEncoder

from zichtbaar.encode.bloom import BloomEncoder
from zichtbaar.encode.schema import default_schema
from zichtbaar.standard.package import EncodingSchema

V2 = shipped_schema("encoding_schema_v2.json")
V1 = shipped_schema("encoding_schema_v1.json")


@dataclass(frozen=True)
class Setting:
    label: str
    schema: EncodingSchema
    baseline: EncodingSchema  # ΔF1 is measured against this, linked under the same key
    encoder: EncoderFactory = BloomEncoder
    salt: tuple[str, ...] = IDENTITY  # the shipped flip is seeded by the whole identity


# The ΔF1 baseline is the shipped schema of the same version without hardening: fewer positions
# per bigram is part of the protection, so its linkage cost counts too.
V2_NONE, V1_NONE = unhardened(V2), unhardened(V1)

SETTINGS: list[Setting] = [
    Setting("v2 none", V2_NONE, V2_NONE),
    *(
        Setting(f"v2 f={f:.2f}", schema_with("bit_flip", f, base=V2), V2_NONE)
        for f in (0.04, 0.08, 0.10, 0.15)
    ),
    *(
        Setting(f"v2 h{h} f={f:.2f}", schema_with("bit_flip", f, base=V2, hashes=h), V2_NONE)
        for h in (6, 8)
        for f in (0.04, 0.05, 0.06)
    ),
    *(
        Setting(
            f"v2 f={f:.2f} filter-seeded flip",
            schema_with("bit_flip", f, base=V2),
            V2_NONE,
            FilterSeededFlipEncoder,
            (),
        )
        for f in (0.04, 0.08)
    ),
    Setting("v1", V1, V1_NONE),
]
"""Every setting, in table order; ``bench_attacks --settings`` picks a subset by label. Labels
name parameters, not roles: the shipped default moves (v2 f=0.04 until commit d54eb43, f=0.08
since), so ``is_default`` marks it at run time. ``v2 h6``/``h8``: 6 or 8 positions per name
bigram instead of 12 (the skeleton keeps 8)."""

BY_LABEL = {s.label: s for s in SETTINGS}


def is_default(setting: Setting) -> bool:
    """Whether ``setting`` is what the encoder ships today."""
    return setting.schema == default_schema() and setting.encoder is BloomEncoder
