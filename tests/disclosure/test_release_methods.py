from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.stats.world import make_world
from zichtbaar.disclosure.budget import PrivacyLedger
from zichtbaar.disclosure.protect import noisy_table, round_table
from zichtbaar.disclosure.release import RELEASE_LOG, load_release, make_release
from zichtbaar.disclosure.sdmx import to_sdmx_csv
from zichtbaar.disclosure.structure import TOTAL
from zichtbaar.errors import BudgetExhaustedError, DisclosureError, ReleaseError
from zichtbaar.stats import REGISTRY

TABLES = ["victims_by_year_form", "victims_by_year_gender"]


@pytest.fixture()
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    make_world(tmp_path / "run.duckdb", n=300)
    return duckdb.connect(str(tmp_path / "run.duckdb"), read_only=True)


def _cells() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2020] * 4 + [2021] * 4,
            "x": list("abcd") * 2,
            "count": [3, 12, 50, 0, 7, 8, 9, 40],
        }
    )


def test_rounding_to_a_base() -> None:
    out = round_table(_cells(), ["year", "x"], base=5)
    assert (out["value"] % 5 == 0).all() and not out["suppressed"].any()
    truth = pd.concat(
        [_cells(), pd.DataFrame({"year": [2020, 2021], "x": TOTAL, "count": [65, 64]})]
    )
    merged = out.merge(truth, on=["year", "x"])
    assert ((merged["value"] - merged["count"]).abs() <= 2).all()
    assert merged.set_index(["year", "x"]).loc[(2020, "a"), "value"] == 5  # 3 rounds up to 5
    with pytest.raises(DisclosureError):
        round_table(_cells(), ["year", "x"], base=1)


def test_dp_noise_keeps_the_table_additive() -> None:
    out = noisy_table(_cells(), ["year", "x"], epsilon=1.0)
    assert (out["value"] >= 0).all()
    for _, part in out.groupby("year"):
        cells = part[part.x != TOTAL]["value"].sum()
        assert part[part.x == TOTAL]["value"].iloc[0] == cells
    # the noise has the scale asked for: large epsilon, nearly exact; small, noisy
    exact = noisy_table(_cells(), ["year", "x"], epsilon=1e6)
    assert (exact[exact.x != TOTAL]["value"].to_numpy() == _cells()["count"].to_numpy()).all()
    big = pd.DataFrame({"year": 2020, "x": [f"c{i}" for i in range(400)], "count": 100})
    noisy = noisy_table(big, ["year", "x"], epsilon=0.5)
    err = noisy[noisy.x != TOTAL]["value"].to_numpy() - 100
    assert 1.0 < np.mean(np.abs(err)) < 3.0  # Laplace scale 2: mean |noise| = 2
    four = noisy_table(big, ["year", "x"], epsilon=2.0, contributions=4)
    err4 = four[four.x != TOTAL]["value"].to_numpy() - 100
    assert 1.0 < np.mean(np.abs(err4)) < 3.0  # scale 4/2 = 2 again


def test_the_ledger_refuses_when_the_budget_is_spent(tmp_path: Path) -> None:
    ledger = PrivacyLedger(tmp_path / "ledger.json")
    assert ledger.charge("r1", "a", 0.6, 1.0) == pytest.approx(0.4)
    with pytest.raises(BudgetExhaustedError):
        ledger.charge("r1", "b", 0.5, 1.0)
    with pytest.raises(DisclosureError, match="cannot be changed"):
        ledger.charge("r1", "b", 0.5, 5.0)
    assert ledger.charge("r2", "a", 1.0, 1.0) == pytest.approx(0.0)  # another run's data
    assert ledger.spent("r1") == pytest.approx(0.6)


def test_a_dp_release_refuses_when_the_budget_is_spent(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rel_dir = tmp_path / "releases"
    kw = {"table_names": TABLES, "method": "dp", "privacy_budget": 1.0}
    rel = make_release(con, "r1", "dp1", rel_dir, 2018, 2021, epsilon=0.7, **kw)  # type: ignore[arg-type]
    assert rel.rules["epsilon_per_table"] == pytest.approx(0.35)
    with pytest.raises(BudgetExhaustedError):
        make_release(con, "r1", "dp2", rel_dir, 2018, 2021, epsilon=0.7, **kw)  # type: ignore[arg-type]
    assert not (rel_dir / "dp2").exists()
    make_release(con, "r1", "dp3", rel_dir, 2018, 2021, epsilon=0.3, **kw)  # type: ignore[arg-type]
    with pytest.raises(BudgetExhaustedError):
        make_release(con, "r1", "dp4", rel_dir, 2018, 2021, epsilon=0.01, **kw)  # type: ignore[arg-type]


def test_dp_leaves_out_tables_without_a_contribution_bound(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    names = ["victims_by_year_form", "statistics_only_by_year_reporter_type"]
    rel = make_release(
        con,
        "r1",
        "dp",
        tmp_path,
        2018,
        2021,
        table_names=names,
        method="dp",
        epsilon=1.0,
        privacy_budget=2.0,
    )
    assert set(rel.tables) == {"victims_by_year_form"}
    assert rel.rules["skipped_unbounded_contributions"] == [names[1]]
    assert rel.rules["epsilon_per_table"] == pytest.approx(1.0)


def test_suppression_release_round_trip_sdmx_and_log(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rel_dir = tmp_path / "releases"
    rel = make_release(con, "r1", "sup", rel_dir, 2018, 2021, min_cell=10)
    assert set(rel.tables) == set(REGISTRY.names())
    back = load_release(rel_dir, "sup")
    for name, table in back.tables.items():
        v = table.data["value"].dropna()
        assert not v.between(1, 9).any(), name
        assert (table.data["value"].isna() == table.data["suppressed"]).all()
        sdmx = (rel_dir / "sup" / "tables" / f"{name}.sdmx.csv").read_text().splitlines()
        assert sdmx[0].startswith("STRUCTURE,STRUCTURE_ID,ACTION,TIME_PERIOD,")
        assert len(sdmx) == len(table.data) + 1
    assert back.rules["min_cell"] == 10 and "audit" in back.rules
    for m in back.extra["followup_median_days"]:
        assert (m["n"] is None) == (m["median_days"] is None)
        assert m["n"] is None or m["n"] >= 10
    log = [json.loads(x) for x in (rel_dir / RELEASE_LOG).read_text().splitlines()]
    assert log[-1]["name"] == "sup"
    with pytest.raises(ReleaseError, match="immutable"):
        make_release(con, "r1", "sup", rel_dir, 2018, 2021)
    with pytest.raises(ReleaseError, match="method"):
        make_release(con, "r1", "x", rel_dir, 2018, 2021, method="magic")


def test_sdmx_marks_suppressed_cells_confidential() -> None:
    data = pd.DataFrame(
        {
            "year": [2020, 2020],
            "form": ["labour", TOTAL],
            "value": pd.array([None, 40], dtype="Int64"),
            "suppressed": [True, False],
        }
    )
    lines = to_sdmx_csv(data, ("year", "form"), "victims").splitlines()
    assert lines[0] == "STRUCTURE,STRUCTURE_ID,ACTION,TIME_PERIOD,FORM,OBS_VALUE,CONF_STATUS"
    assert lines[1] == "dataflow,ZICHTBAAR:VICTIMS(1.0),I,2020,labour,,C"
    assert lines[2] == "dataflow,ZICHTBAAR:VICTIMS(1.0),I,2020,_T,40,F"
