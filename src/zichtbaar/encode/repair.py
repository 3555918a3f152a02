"""A bad coded value costs the row that value, not the victim.

Before a row meets the source model, each coded field whose value is missing or not in its code
list is set to the field's "unknown" code and a warning is reported (row and field, never the
value). A missing or unknown legal basis becomes ``none``, the strictest basis: the victim is
counted but never linked to a register. Only a row without a record id or a registration date,
which no fallback can stand in for, is still rejected by the model.
"""

from __future__ import annotations

from zichtbaar.standard.codes import AGE_GROUPS, FORMS, GENDERS, LEGAL_BASES, REGIONS, CodeList
from zichtbaar.standard.countries import NATIONALITY_GROUP_OF
from zichtbaar.standard.models import PackageKind

_GENDER_WORDS = {
    **dict.fromkeys(("v", "vrouw", "f", "female", "w", "vrouwelijk"), "female"),
    **dict.fromkeys(("m", "man", "male", "mannelijk"), "male"),
    **dict.fromkeys(("x", "anders", "other", "divers"), "other"),
    **dict.fromkeys(("o", "u", "onbekend", "unknown"), "unknown"),
}

FALLBACKS: dict[PackageKind, dict[str, tuple[CodeList | None, str]]] = {
    "registrations": {
        "gender": (GENDERS, "unknown"),
        "nationality": (None, "XXX"),
        "region": (REGIONS, "unknown"),
        "age_group": (AGE_GROUPS, "unknown"),
        "form": (FORMS, "other_unknown"),
        "legal_basis": (LEGAL_BASES, "none"),
    },
    "register_events": {
        "gender": (GENDERS, "unknown"),
        "nationality": (None, "XXX"),
    },
    "suspects": {},
}
"""Per kind: each repaired field, its code list (None: nationality) and its fallback code."""


def _valid(code_list: CodeList | None, value: str) -> bool:
    if code_list is None:
        return value.upper() in NATIONALITY_GROUP_OF
    return value in code_list


def repair(cells: dict[str, str], kind: PackageKind) -> list[tuple[str, str]]:
    """Fix ``cells`` in place; return (field, reason) for every value replaced."""
    if "gender" in cells:
        cells["gender"] = _GENDER_WORDS.get(cells["gender"].strip().lower(), cells["gender"])
    fixed: list[tuple[str, str]] = []
    for field, (code_list, fallback) in FALLBACKS[kind].items():
        value = cells.get(field)
        if value is None:
            if field in ("form", "legal_basis"):
                cells[field] = fallback
                fixed.append((field, f"missing; sent as '{fallback}'"))
            continue
        if not _valid(code_list, value.strip()):
            cells[field] = fallback
            name = code_list.name if code_list else "ISO 3166-1 alpha-3"
            fixed.append((field, f"not a code of '{name}'; sent as '{fallback}'"))
    return fixed
