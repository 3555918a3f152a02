"""The package contract: what an organisation hands to the hub.

A package is a directory with three files::

    data.parquet      the encoded rows (columns = the fields of the record model of its kind)
    encoding.json     the encoding schema used (versioned, see ``EncodingSchema``)
    manifest.json     ``Manifest``: versions, organisation, key id, row count, SHA-256 of data.parquet

The hub refuses a package whose manifest it cannot verify.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from zichtbaar.standard.codes import STANDARD_VERSION
from zichtbaar.standard.models import PackageKind

DATA_FILE = "data.parquet"
MANIFEST_FILE = "manifest.json"
ENCODING_FILE = "encoding.json"

ENCODING_SCHEMA_VERSION = "3.3"


class BloomFieldSpec(BaseModel):
    """How one identifier contributes q-grams to the Bloom filter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    q: int = Field(2, ge=1, le=4)
    hashes: int = Field(ge=1, le=100, description="Bits set per q-gram (field weight).")


class EncodingSchema(BaseModel):
    """Parameters of the encoding, carried in every package so the hub can check compatibility."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = ENCODING_SCHEMA_VERSION
    filter_bits: int = Field(
        1024, ge=64, le=8192, description="Length of the Bloom filter in bits."
    )
    fields: tuple[BloomFieldSpec, ...]
    address_fields: tuple[BloomFieldSpec, ...] = Field(
        (),
        description="Fields of the address filter (schema 3.2), a second filter of filter_bits "
        "under keys of its own; none: no address filter.",
    )
    given_fields: tuple[BloomFieldSpec, ...] = Field(
        (),
        description="Fields of the given-name filter (schema 3.3): the first given name and the "
        "initials of the others, so that each name part is its own evidence; none: no filter.",
    )
    surname_fields: tuple[BloomFieldSpec, ...] = Field(
        (), description="Fields of the surname filter (schema 3.3); none: no surname filter."
    )
    hardening: Literal["none", "balance", "xor_fold", "rule90", "bit_flip"] = "bit_flip"
    hardening_params: dict[str, float | str] = Field(default_factory=dict)
    tokens: tuple[str, ...] = Field(description="Names of the token columns this schema produces.")


class Manifest(BaseModel):
    """The manifest of a package."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    standard_version: str = STANDARD_VERSION
    schema_version: str = ENCODING_SCHEMA_VERSION
    kind: PackageKind
    organisation: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    reporter_type: str
    key_id: str | None = Field(
        None, description="Id of the linkage secret; None for packages without identifiers."
    )
    row_count: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    created_at: dt.datetime
    package_id: str = Field(
        description="SHA-256 over manifest fields and data: resubmission is detected by it."
    )


PACKAGE_ID_FIELDS = (
    "standard_version",
    "schema_version",
    "kind",
    "organisation",
    "reporter_type",
    "key_id",
    "row_count",
    "sha256",
)
"""Manifest fields the package id covers; ``created_at`` is left out so a resubmission is detected."""


def compute_package_id(fields: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of the ``PACKAGE_ID_FIELDS`` (the data enters via sha256)."""
    canonical = json.dumps(
        {name: fields[name] for name in PACKAGE_ID_FIELDS}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
