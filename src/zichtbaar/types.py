"""Shared value types: small, named, so signatures say what they carry."""

from __future__ import annotations

from enum import StrEnum
from typing import NewType

OrgId = NewType("OrgId", str)
"""An organisation's id at the hub, e.g. ``police-nl``."""

RunId = NewType("RunId", str)
"""The name of an immutable linkage run."""

ReleaseId = NewType("ReleaseId", str)
"""The name of an immutable release."""

KeyId = NewType("KeyId", str)
"""The public id of a linkage secret; the secret itself never travels with it."""

PersonId = NewType("PersonId", str)
"""A stable, meaningless person id assigned by the hub's linkage."""


class Lang(StrEnum):
    """Languages of labels and reports."""

    NL = "nl"
    EN = "en"


class LegalBasis(StrEnum):
    """The basis on which a row was reported (purpose limitation hinges on it)."""

    LEGAL_DUTY = "legal_duty"
    LEGAL_BASIS = "legal_basis"
    EXPLICIT_CONSENT = "explicit_consent"
    NONE = "none"

    @property
    def statistics_only(self) -> bool:
        """Rows without any basis are counted, never linked to registers or shown per person."""
        return self is LegalBasis.NONE
