"""The nationality group is compared, but only its disagreement is evidence."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from tests.link.encoded_world import make_encoded_snapshot
from zichtbaar.link.comparisons import comparisons
from zichtbaar.link.model import UNKNOWN_NATIONALITY_GROUP, LinkModel
from zichtbaar.link.run import person_of_registration, run_linkage

GROUPS = ("NL", "EU_EEA", "AFRICA", "ASIA", "EUROPE_OTHER")


def _levels(model_json: dict[str, object], name: str) -> dict[str, tuple[float, float]]:
    for comparison in model_json["comparisons"]:  # type: ignore[attr-defined]
        if comparison["output_column_name"] == name:
            return {
                level["label_for_charts"]: (level["m_probability"], level["u_probability"])
                for level in comparison["comparison_levels"]
                if not level.get("is_null_level")
            }
    raise AssertionError(name)


def test_unknown_nationality_is_no_evidence() -> None:
    (nationality,) = [
        c for c in comparisons(LinkModel()) if c["output_column_name"] == "nationality"
    ]
    null = nationality["comparison_levels"][0]
    assert null["is_null_level"] and UNKNOWN_NATIONALITY_GROUP in null["sql_condition"]


def test_same_nationality_weighs_nothing_and_a_different_one_counts_against(
    tmp_path: Path,
) -> None:
    snap = make_encoded_snapshot(tmp_path / "snap", n_persons=600, seed=11)
    path = snap.path / "registrations.parquet"
    regs = pd.read_parquet(path)
    rng = np.random.default_rng(11)
    # one group per person, recorded as unknown on a tenth of the registrations
    of_person = {p: GROUPS[rng.integers(len(GROUPS))] for p in set(snap.truth.values())}
    regs["nationality_group"] = [
        UNKNOWN_NATIONALITY_GROUP if rng.random() < 0.1 else of_person[snap.truth[r]]
        for r in regs["registration_id"]
    ]
    regs.to_parquet(path, index=False)
    run_linkage(snap.path, tmp_path / "runs", "r")
    model = json.loads((tmp_path / "runs" / "r" / "splink_model.json").read_text())
    levels = _levels(model, "nationality")
    m_same, u_same = levels["same"]
    m_diff, u_diff = levels["different"]
    assert m_same == u_same  # agreement: weight 0 (look-alike names share nationalities)
    assert m_diff < u_diff / 100  # a person keeps one group here: disagreement is strong
    found = person_of_registration(tmp_path / "runs", "r")
    groups = dict(zip(regs["registration_id"], regs["nationality_group"], strict=True))
    by_person: dict[str, set[str]] = {}
    for reg, person in found.items():
        if groups[reg] != UNKNOWN_NATIONALITY_GROUP:
            by_person.setdefault(person, set()).add(groups[reg])
    mixed = sum(len(g) > 1 for g in by_person.values())
    assert mixed <= 2  # persons found rarely mix two known groups
