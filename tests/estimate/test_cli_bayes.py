"""``zichtbaar estimate --method lcmcr|dga``: the JSON contract, strata and refusals."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from zichtbaar.cli import app

runner = CliRunner()
SHORT = ["--chains", "2", "--burnin", "300", "--draws", "100", "--thin", "2"]


def test_dga_lists_the_models_posterior_probabilities(ref: Path) -> None:
    path = ref / "mse" / "Western.csv"
    res = runner.invoke(app, ["estimate", "--input", str(path), "--method", "dga", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    dga = json.loads((ref / "r" / "dga.json").read_text())["Western"]
    assert abs(d["estimate"] / dga["quantiles"]["0.5"] - 1) < 1e-6
    probs = [m["probability"] for m in d["models"]]
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-9
    assert d["models"][0]["model"] == ["A:B", "A:E", "D:E"]
    assert abs(probs[0] - dga["top_model_probability"][0]) < 1e-4
    assert d["diagnostics"]["top_model_probability"] == probs[0]
    assert d["ci_low"] < d["estimate"] < d["ci_high"] and "credible" in d["ci_method"]


def test_lcmcr_same_seed_same_output_and_strata(ref: Path) -> None:
    src = ref / "mse" / "stratified" / "ScotPWID_2006.csv"
    args = ["estimate", "--input", str(src), "--method", "lcmcr", *SHORT, "--seed", "5",
            "--strata", "Region", "--where", "Gender=Male", "--json"]  # fmt: skip
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.output == runner.invoke(app, args).output
    d = json.loads(first.output)
    assert d["filter"] == {"Gender": "Male"} and len(d["estimates"]) >= 2
    for e in d["estimates"]:
        assert "Region" in e["stratum"]
        assert e["estimate"] is None or e["ci_low"] <= e["estimate"] <= e["ci_high"]
        assert e["estimate"] is None or e["diagnostics"]["chains"] == 2


def test_bayesian_methods_refuse_log_linear_options(ref: Path) -> None:
    path = ref / "mse" / "Korea.csv"
    for extra in (["--bootstrap", "10"], ["--model", "main"]):
        res = runner.invoke(
            app, ["estimate", "--input", str(path), "--method", "lcmcr", *extra, "--json"]
        )
        assert res.exit_code == 2
        assert "do not apply" in json.loads(res.output)["error"]


def test_dga_beyond_five_lists_is_a_clear_error(ref: Path) -> None:
    path = ref / "mse" / "Ned.csv"
    res = runner.invoke(app, ["estimate", "--input", str(path), "--method", "dga", "--json"])
    assert res.exit_code == 2
    assert "merge lists" in json.loads(res.output)["error"]


def test_lcmcr_text_summary_names_the_method_and_interval(ref: Path) -> None:
    path = ref / "mse" / "Korea.csv"
    res = runner.invoke(app, ["estimate", "--input", str(path), "--method", "lcmcr", *SHORT])
    assert res.exit_code == 0, res.output
    assert "latent-class" in res.output and "95% interval" in res.output
