from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from zichtbaar.disclosure.minors import mse_estimator, published_minors_estimate


def _histories(n_true: int, p: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    caught = rng.random((n_true, 3)) < p
    df = pd.DataFrame(caught.astype(int), columns=["rt_police", "rt_youth_care", "rt_ngo"])
    df = df[df.sum(axis=1) > 0].reset_index(drop=True)
    df["year"] = 2020
    df["form"] = "domestic_sexual"
    df["minor_adult"] = "minor"
    df["person_id"] = [f"P{i}" for i in range(len(df))]
    return df


def test_the_estimator_recovers_an_independent_population() -> None:
    est = mse_estimator(_histories(2000, 0.3, 1))
    assert 1800 < est["estimate"] < 2200
    assert est["lower"] <= est["estimate"] <= est["upper"]


def test_published_estimate_is_rounded_and_withheld_for_small_years(tmp_path: Path) -> None:
    big = _histories(2000, 0.3, 2)
    small = _histories(8, 0.3, 3).assign(year=2021)  # at most 8 registered
    ch = pd.concat([big, small], ignore_index=True)  # noqa: F841  (read by DuckDB by name)
    con = duckdb.connect(str(tmp_path / "r.duckdb"))
    con.execute("CREATE TABLE capture_histories AS SELECT * FROM ch")
    out = {r["year"]: r for r in published_minors_estimate(con, 2020, 2021, min_cell=10)}
    assert out[2020]["estimate"] is not None and out[2020]["estimate"] % 10 == 0
    assert out[2021] == {"year": 2021, "estimate": None, "lower": None, "upper": None}
