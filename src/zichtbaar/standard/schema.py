"""JSON Schema export of the standard, for organisations that build their own exports."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from zichtbaar.standard.codes import CODE_LISTS, STANDARD_VERSION
from zichtbaar.standard.models import (
    RegisterEvent,
    RegisterSource,
    SuspectCase,
    VictimRegistration,
    VictimSource,
)
from zichtbaar.standard.package import EncodingSchema, Manifest

MODELS: dict[str, type[BaseModel]] = {
    "VictimSource": VictimSource,
    "RegisterSource": RegisterSource,
    "VictimRegistration": VictimRegistration,
    "RegisterEvent": RegisterEvent,
    "SuspectCase": SuspectCase,
    "Manifest": Manifest,
    "EncodingSchema": EncodingSchema,
}


def json_schema() -> dict[str, Any]:
    """One JSON Schema document holding every record model and every code list with labels."""
    defs: dict[str, Any] = {name: model.model_json_schema() for name, model in MODELS.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"zichtbaar data standard {STANDARD_VERSION}",
        "version": STANDARD_VERSION,
        "$defs": defs,
        "codeLists": {
            name: {
                "title": {"nl": cl.title_nl, "en": cl.title_en},
                "codes": [{"code": c.code, "nl": c.nl, "en": c.en} for c in cl],
            }
            for name, cl in CODE_LISTS.items()
        },
    }
