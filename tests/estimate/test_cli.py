from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from zichtbaar.cli import app

runner = CliRunner()


def test_cli_json_contract(ref: Path) -> None:
    path = ref / "mse" / "UKdat_5.csv"
    res = runner.invoke(app, ["estimate", "--input", str(path), "--model", "LA:NG", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["observed"] == 2744
    assert d["model"] == ["LA:NG"]
    assert d["hidden"] == round(d["estimate"] - d["observed"], 3)
    assert d["ci_low"] < d["estimate"] < d["ci_high"]
    assert isinstance(d["warnings"], list)


def test_cli_same_seed_same_output(ref: Path) -> None:
    path = ref / "mse" / "Kosovo.csv"
    args = ["estimate", "--input", str(path), "--bootstrap", "30", "--seed", "4", "--json"]
    assert runner.invoke(app, args).output == runner.invoke(app, args).output


def test_cli_strata_and_where(tmp_path: Path, ref: Path) -> None:
    src = ref / "mse" / "stratified" / "ScotPWID_2006.csv"
    res = runner.invoke(
        app, ["estimate", "--input", str(src), "--strata", "Region", "--where", "Gender=Male",
              "--model", "main", "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["filter"] == {"Gender": "Male"}
    assert len(d["estimates"]) >= 2
    assert all("Region" in e["stratum"] for e in d["estimates"])


def test_cli_degenerate_input_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "p.csv"
    p.write_text("A,B,count\n1,0,5\n0,1,7\n")
    res = runner.invoke(app, ["estimate", "--input", str(p), "--json"])
    assert res.exit_code == 2
    assert "no overlaps" in json.loads(res.output)["error"]


def test_cli_minors_in_domestic_sexual_exploitation_per_year(tmp_path: Path) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 6000
    df = pd.DataFrame(
        {
            "police": rng.random(n) < 0.3,
            "care": rng.random(n) < 0.25,
            "shelter": rng.random(n) < 0.2,
            "year": rng.choice([2021, 2022], n),
            "form": rng.choice(["domestic_sexual", "labour"], n),
            "age_group": rng.choice(["12-17", "23-29", "unknown"], n),
        }
    )
    df[df[["police", "care", "shelter"]].any(axis=1)].to_csv(tmp_path / "h.csv", index=False)
    res = runner.invoke(
        app,
        ["estimate", "-i", str(tmp_path / "h.csv"), "--lists", "police,care,shelter",
         "--where", "minor_adult=minor", "--where", "form=domestic_sexual",
         "--strata", "year", "--model", "main", "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert [e["stratum"]["year"] for e in d["estimates"]] == [2021, 2022]
    for e in d["estimates"]:
        # about 6000 / 2 years / 2 forms / 3 age groups = 500 true per year
        assert e["ci_low"] < 500 < e["ci_high"]
