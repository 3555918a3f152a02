"""The encoding schema shipped with the encoder (a versioned JSON file inside this package)."""

from __future__ import annotations

from importlib import resources

from zichtbaar.standard.package import EncodingSchema

DEFAULT_SCHEMA_FILE = "encoding_schema_v3.json"


def default_schema() -> EncodingSchema:
    """The default encoding schema; every package carries a copy as ``encoding.json``."""
    text = resources.files("zichtbaar.encode").joinpath(DEFAULT_SCHEMA_FILE).read_text("utf-8")
    return EncodingSchema.model_validate_json(text)
