"""What leaves the building: a package described for the organisation's privacy officer.

Read from the package itself (its manifest and its Parquet file), never from the export, so the
page shows exactly what would be sent: each field, what kind of thing it is (a keyed token, a
hardened Bloom filter, a code, the organisation's own record id, a date), how many rows carry it,
the key id and the checksum.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from zichtbaar.standard.package import DATA_FILE, MANIFEST_FILE

FieldKind = Literal["token", "filter", "code", "record_id", "date", "year"]

KIND_TEXT: dict[FieldKind, tuple[str, str]] = {
    "token": (
        "sleutelcode (HMAC-SHA256 onder de koppelsleutel): alleen gelijk aan gelijk, niet terug "
        "te rekenen naar een naam of datum",
        "keyed token (HMAC-SHA256 under the linkage key): equal only to equal, cannot be turned "
        "back into a name or date",
    ),
    "filter": (
        "geharde Bloomfilter: bits waaruit de hub kan zien hoe gelijk twee namen zijn, niet welke "
        "naam het is",
        "hardened Bloom filter: bits that tell the hub how alike two names are, not which name",
    ),
    "code": ("code uit een codelijst van de standaard", "code from one of the standard's lists"),
    "record_id": (
        "uw eigen dossiernummer (om te kunnen corrigeren en intrekken)",
        "your own record id (to correct and withdraw)",
    ),
    "date": ("datum van de registratie", "date of the registration"),
    "year": (
        "jaar waarin de uitbuiting plaatsvond (een jaartal, geen identificatie)",
        "year the exploitation took place (a year, not an identifier)",
    ),
}

NOT_SENT: tuple[tuple[str, str], ...] = (
    ("namen, in welke vorm ook", "names, in any form"),
    ("geboortedatum en geboorteplaats", "date and place of birth"),
    ("BSN", "BSN (citizen service number)"),
    ("adres, postcode en woonplaats", "address, postcode and place of residence"),
    (
        "elke kolom die niet aan een veld van de standaard is gekoppeld",
        "every column not mapped to a field of the standard",
    ),
)


@dataclass(frozen=True)
class FieldSummary:
    name: str
    kind: FieldKind
    rows_with_value: int


@dataclass(frozen=True)
class PackageSummary:
    """The package as the hub will see it, without a single value."""

    package_id: str
    kind: str
    organisation: str
    key_id: str | None
    row_count: int
    sha256: str
    created_at: str
    fields: tuple[FieldSummary, ...]


def field_kind(name: str) -> FieldKind:
    if name.startswith("tok_"):
        return "token"
    if name.startswith("bloom"):
        return "filter"
    if name == "record_id":
        return "record_id"
    if name.endswith("_date"):
        return "date"
    if name == "exploitation_year":
        return "year"
    return "code"


def summarise(package_dir: Path) -> PackageSummary:
    """Describe ``package_dir`` from its own files."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    manifest = json.loads((package_dir / MANIFEST_FILE).read_text("utf-8"))
    table = pq.read_table(package_dir / DATA_FILE)
    fields = tuple(
        FieldSummary(name, field_kind(name), table.num_rows - pc.sum(pc.is_null(col)).as_py())
        if table.num_rows
        else FieldSummary(name, field_kind(name), 0)
        for name, col in zip(table.column_names, table.columns, strict=True)
    )
    return PackageSummary(
        manifest["package_id"],
        manifest["kind"],
        manifest["organisation"],
        manifest.get("key_id"),
        manifest["row_count"],
        manifest["sha256"],
        manifest["created_at"],
        fields,
    )


def record_ids(package_dir: Path) -> list[str]:
    """The record ids in package order (to turn the hub's package rows back into file rows)."""
    import pyarrow.parquet as pq

    ids: list[str] = (
        pq.read_table(package_dir / DATA_FILE, columns=["record_id"])
        .column("record_id")
        .to_pylist()
    )
    return ids
