"""Test releases built the way the hub builds them: snapshot → linkage run → release."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from zichtbaar.disclosure.release import make_release
from zichtbaar.standard.codes import FORMS, GENDERS, MINOR_ADULT, NATIONALITY_GROUPS, REGIONS

EXTRA: dict[str, Any] = {
    "estimate": {
        "total": 2345.6,
        "lower": 1900,
        "upper": 3104,
        "observed": 1580,
        "level": 0.95,
        "model": "[AB][AC][D]",
        "lists": ["police", "shelter", "youth", "ngo"],
        "diagnostics": {"deviance": 3.2, "df": 4},
    },
    "followup": [
        {"label_nl": "Opgevangen in een shelter", "label_en": "Sheltered", "share": 0.4234},
    ],
    "linkage": {
        "registrations": 1234,
        "organisations": 4,
        "persons": 600,
        "statistics_only_persons": 81,
        "quality": {"precision": 0.99, "recall": 0.97},
    },
}


PER_YEAR_TABLES = [
    "victims_by_year_form",
    "victims_by_year_minor",
    "victims_by_year_gender",
    "victims_by_year_nationality",
    "victims_by_year_region",
]


def _choice(rng: np.random.Generator, codes: tuple[str, ...], n: int) -> np.ndarray:
    # Geometric weights give large and tiny categories, so some cells are always suppressed.
    w = 0.55 ** np.arange(len(codes))
    return rng.choice(np.array(codes), size=n, p=w / w.sum())


def persons_connection(n_persons: int, seed: int) -> duckdb.DuckDBPyConnection:
    """A run-shaped DuckDB with only the ``persons`` table the per-year monitor tables read.

    Built directly rather than through the linkage so these tests depend on the release
    contract only (and are fast); ``test_release_from_a_linkage_run`` covers the real path.
    """
    rng = np.random.default_rng(seed)
    persons = pd.DataFrame(
        {
            "year": rng.integers(2016, 2021, size=n_persons),
            "form": _choice(rng, FORMS.values, n_persons),
            "minor_adult": _choice(rng, MINOR_ADULT.values, n_persons),
            "gender": _choice(rng, GENDERS.values, n_persons),
            "nationality_group": _choice(rng, NATIONALITY_GROUPS.values, n_persons),
            "region": _choice(rng, REGIONS.values, n_persons),
        }
    )
    con = duckdb.connect()
    con.register("persons_df", persons)
    con.execute("CREATE TABLE persons AS SELECT * FROM persons_df")
    return con


def build_releases(
    tmp: Path, n_persons: int = 6000, seed: int = 5, with_extra: bool = True
) -> Path:
    """A releases directory with ``plain`` (no extras) and, optionally, ``full`` (all extras)."""
    con = persons_connection(n_persons, seed)
    out = tmp / "releases"
    make_release(con, "r1", "plain", out, 2016, 2020, table_names=PER_YEAR_TABLES)
    if with_extra:
        make_release(con, "r1", "full", out, 2016, 2020, table_names=PER_YEAR_TABLES, extra=EXTRA)
    con.close()
    return out
