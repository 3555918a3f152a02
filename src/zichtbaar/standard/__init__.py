"""The zichtbaar data standard: code lists, record models, the package contract, JSON Schema.

It imports nothing else from zichtbaar but errors and types, so that every other stage (and an
organisation's own tooling) can depend on it.
"""

from zichtbaar.standard.codes import CODE_LISTS, STANDARD_VERSION, Code, CodeList
from zichtbaar.standard.models import (
    RegisterEvent,
    RegisterSource,
    SuspectCase,
    VictimRegistration,
    VictimSource,
)
from zichtbaar.standard.package import EncodingSchema, Manifest

__all__ = [
    "CODE_LISTS",
    "STANDARD_VERSION",
    "Code",
    "CodeList",
    "EncodingSchema",
    "Manifest",
    "RegisterEvent",
    "RegisterSource",
    "SuspectCase",
    "VictimRegistration",
    "VictimSource",
]
