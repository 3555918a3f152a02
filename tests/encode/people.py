"""Synthetic people for the encoder tests (Faker; never real data)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from functools import cache
from pathlib import Path

from faker import Faker

LOCALES = ("nl_NL", "nl_NL", "nl_NL", "pl_PL", "ro_RO", "ru_RU", "el_GR", "ar_AA", "zh_CN", "en_GB")
COLUMNS = (
    "record_id",
    "registration_date",
    "given_names",
    "surname",
    "date_of_birth",
    "place_of_birth",
    "bsn",
    "gender",
    "nationality",
    "age_group",
    "form",
    "region",
    "legal_basis",
    "street",
    "house_number",
    "postcode",
    "residence",
)
FORMS = ("domestic_sexual", "labour", "criminal", "crossborder_sexual")
BASES = ("legal_duty", "legal_basis", "explicit_consent", "none")
NATIONALITIES = ("NLD", "POL", "ROU", "NGA", "CHN", "UKR", "XXX")


@cache
def _fakers() -> dict[str, Faker]:
    # building a Faker per locale is slow; instances are re-seeded on every use
    return {loc: Faker(loc) for loc in sorted(set(LOCALES))}


@cache
def _addresses() -> Faker:
    # a Faker of its own: drawing addresses leaves the names of earlier test data unchanged
    return Faker("nl_NL")


def people(n: int, seed: int = 1) -> list[dict[str, str]]:
    """``n`` victim-source rows with names in several scripts, valid BSNs for the Dutch ones,
    and a Dutch address on every other row (schema 3.2)."""
    rng = random.Random(seed)
    fakers = _fakers()
    for i, f in enumerate(fakers.values()):
        f.seed_instance(seed * 100 + i)
    homes = _addresses()
    homes.seed_instance(seed * 100 + 99)
    rows = []
    for i in range(n):
        loc = rng.choice(LOCALES)
        f = fakers[loc]
        female = rng.random() < 0.6
        dob = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 16000))
        rows.append(
            {
                "record_id": f"r{i:07d}",
                "registration_date": "2024-06-01",
                "given_names": f.first_name_female() if female else f.first_name_male(),
                "surname": f.last_name(),
                "date_of_birth": dob.strftime(rng.choice(("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"))),
                "place_of_birth": f.city(),
                "bsn": fakers["nl_NL"].ssn() if loc == "nl_NL" else "",
                "gender": "female" if female else "male",
                "nationality": rng.choice(NATIONALITIES),
                "age_group": "unknown",
                "form": rng.choice(FORMS),
                "region": "unknown",
                "legal_basis": rng.choice(BASES),
                "street": homes.street_name() if i % 2 else "",
                "house_number": homes.building_number() if i % 2 else "",
                "postcode": homes.postcode() if i % 2 else "",
                "residence": homes.city() if i % 2 else "",
            }
        )
    return rows


def write_csv(rows: list[dict[str, str]], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path
