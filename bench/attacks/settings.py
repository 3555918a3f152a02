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

V3 = shipped_schema("encoding_schema_v3.json")
V2 = shipped_schema("encoding_schema_v2.json")
V1 = shipped_schema("encoding_schema_v1.json")


@dataclass(frozen=True)
class Setting:
    label: str
    schema: EncodingSchema
    baseline: EncodingSchema  # ΔF1 is measured against this, linked under the same key
    encoder: EncoderFactory = BloomEncoder
    salt: tuple[str, ...] = IDENTITY  # what the flip is seeded with (``data.flip_salt``)


# The ΔF1 baseline is the shipped schema of the same version without hardening: fewer positions
# per bigram is part of the protection, so its linkage cost counts too.
V3_NONE, V2_NONE, V1_NONE = unhardened(V3), unhardened(V2), unhardened(V1)


def _v3(f: float, seed: str) -> EncodingSchema:
    schema = schema_with("bit_flip", f, base=V3)
    return schema.model_copy(
        update={"hardening_params": {**schema.hardening_params, "flip_seed": seed}}
    )


SETTINGS: list[Setting] = [
    # v3 none first: a run links each key's unhardened baseline once and reuses it
    Setting("v3 none", V3_NONE, V3_NONE, salt=()),
    Setting("v3 (shipped default)", default_schema(), V3_NONE, salt=()),
    *(Setting(f"v3 f={f:.2f} filter", _v3(f, "filter"), V3_NONE, salt=()) for f in (0.06, 0.10)),
    Setting("v3 f=0.08 record-seeded", _v3(0.08, "record"), V3_NONE),
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
"""Every setting, in table order; ``bench_attacks --settings`` picks a subset by label, ``--only``
by a part of it. Labels name parameters (the shipped default moved: v2 f=0.04 until commit
d54eb43, v2 f=0.08 until schema 3.0), ``is_default`` marks today's at run time. ``v3 ... filter``:
the flip seeded by the filter alone (``flip_seed`` "filter", as shipped in 3.0), so the attacker
groups its plain text by filter content only (salt ``()``). ``v2 h6``/``h8``: 6 or 8 positions per name
bigram instead of 12 (the skeleton keeps 8)."""

BY_LABEL = {s.label: s for s in SETTINGS}


def is_default(setting: Setting) -> bool:
    """Whether ``setting`` is what the encoder ships today."""
    return setting.schema == default_schema() and setting.encoder is BloomEncoder
