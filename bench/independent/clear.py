"""splink on the clear text of the independent datasets: the reference for the encoded linkage.

The same organisation files the encoder reads, normalised by zichtbaar's own normaliser (as
``bench/cleartext/clear.py`` does), compared field by field as a careful analyst would: given
names and surname each on their own (exact with term frequencies, Jaro-Winkler 0.92 and 0.8, the
first given name alone, equal to the other record's other name: a swap), the date of birth (exact, day/month swapped, one edit, same year and
month, same year), sex, place of birth and the address as one comparison, where the field set
has them.
Blocking on names, date, surname + year, the first letters of both names and (with addresses)
postcode + house number; u by random sampling, m by EM blocked on the date and on the names; no
labels. Clear text is fine here: the data is synthetic or a public synthetic benchmark.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from bench.cleartext.world import read_sources
from bench.independent.datasets import TODAY
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from zichtbaar.encode.identity import address, identity
from zichtbaar.encode.normalise import DateOfBirthError
from zichtbaar.link.model import LinkModel

CLEAR_FILE = "clear.parquet"

for _name in ("splink", "splink.internals"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def normalise_sources(sources: Path, out: Path) -> int:
    """Every organisation's rows, normalised, into one Parquet file; the row count.

    A date of birth that cannot exist goes as missing, as the encoder sends it."""
    rows: list[dict[str, Any]] = []
    today = dt.date.fromisoformat(TODAY)
    for path in sorted(sources.glob("*.parquet")):
        for rec in read_sources(path):
            home = address(rec["street"], rec["house_number"], rec["postcode"], rec["residence"])
            args = (rec["given_names"], rec["surname"])
            try:
                person = identity(
                    *args,
                    rec["date_of_birth"],
                    rec["place_of_birth"],
                    None,
                    rec["gender"],
                    today=today,
                    home=home,
                )
            except DateOfBirthError:
                person = identity(
                    *args, None, rec["place_of_birth"], None, rec["gender"], today=today, home=home
                )
            dob = person.dob
            given = person.given_names
            sur = person.surname.full if person.surname is not None else None
            swapped = dob.swapped if dob is not None else None
            a = person.address
            rows.append(
                {
                    "id": rec["record_id"],
                    "given_names": given,
                    "first_given": given.split()[0] if given else None,
                    "surname": sur,
                    "dob": dob.iso() if dob is not None else None,
                    "dob_swapped": swapped.isoformat() if swapped is not None else None,
                    "yob": dob.year if dob is not None else None,
                    "gender": person.gender,
                    "place_of_birth": person.place_of_birth,
                    "street": a.street if a else None,
                    "house_number": a.house_number if a else None,
                    "postcode": a.postcode if a else None,
                    "residence": a.residence if a else None,
                    "given3": given[:3] if given else None,
                    "surname3": sur[:3] if sur else None,
                }
            )
    pd.DataFrame(rows).to_parquet(out, index=False)
    return len(rows)


def _name(column: str) -> cl.CustomComparison:
    levels = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column).configure(tf_adjustment_column=column),
        cll.JaroWinklerLevel(column, 0.92),
        cll.JaroWinklerLevel(column, 0.8),
    ]
    other = "surname" if column == "given_names" else "given_names"
    swapped = f"{column}_l = {other}_r OR {other}_l = {column}_r"
    levels.append(cll.CustomLevel(swapped, "equals the other name (names swapped)"))
    if column == "given_names":
        levels.append(cll.ExactMatchLevel("first_given"))
    return cl.CustomComparison(
        output_column_name=column, comparison_levels=[*levels, cll.ElseLevel()]
    )


def _date_of_birth() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel("dob_l = dob_swapped_r OR dob_swapped_l = dob_r", "day/month swapped"),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.CustomLevel("substr(dob_l, 1, 7) = substr(dob_r, 1, 7)", "same year and month"),
            cll.CustomLevel("yob_l = yob_r", "same year"),
            cll.ElseLevel(),
        ],
    )


def _address() -> cl.CustomComparison:
    """One comparison for the address: its parts are one fact (a household shares all four),
    and four comparisons counted it four times (measured: gb at 3,000 records, P 0.32)."""
    same = "postcode_l = postcode_r AND house_number_l = house_number_r"
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.And(cll.NullLevel("postcode"), cll.NullLevel("street")),
            cll.CustomLevel(
                f"{same} AND jaro_winkler_similarity(street_l, street_r) >= 0.9",
                "same postcode, number and street",
            ),
            cll.CustomLevel(same, "same postcode and number"),
            cll.And(cll.JaroWinklerLevel("street", 0.9), cll.ExactMatchLevel("house_number")),
            cll.ExactMatchLevel("postcode"),
            cll.ExactMatchLevel("residence"),
            cll.ElseLevel(),
        ],
    )


def settings(fields: tuple[str, ...]) -> SettingsCreator:
    comparisons = [_name("given_names"), _name("surname"), _date_of_birth()]
    rules = [
        block_on("given_names", "surname"),
        block_on("dob"),
        block_on("surname", "yob"),
        block_on("given3", "surname3"),
    ]
    if "sex" in fields:
        comparisons.append(cl.ExactMatch("gender"))
    if "place_of_birth" in fields:
        comparisons.append(cl.JaroWinklerAtThresholds("place_of_birth", [0.92]))
    if "postcode" in fields:
        comparisons.append(_address())
        rules.append(block_on("postcode", "house_number"))
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=50,
    )


def link_clear(
    work: Path, fields: tuple[str, ...], model: LinkModel | None = None
) -> dict[str, Any]:
    """Train, predict every blocked pair, cluster at ``LinkModel().threshold``; writes the
    mapping (``clear_mapping.parquet``) and the scored pairs (``clear_pairs.parquet``)."""
    from zichtbaar.link.run import DUCKDB_MEMORY_LIMIT

    model = model or LinkModel()
    con = duckdb.connect(
        config={
            "temp_directory": str(work / "duckdb_tmp"),
            "memory_limit": DUCKDB_MEMORY_LIMIT,
            "preserve_insertion_order": False,
        }
    )
    try:
        con.execute("CREATE TABLE clear AS SELECT * FROM read_parquet(?)", [str(work / CLEAR_FILE)])
        linker = Linker(
            DuckDBAPI(connection=con).register("clear", table_name="in_clear"),
            settings(fields),
            log_level=logging.WARNING,
        )
        linker.training.estimate_probability_two_random_records_match(
            [block_on("given_names", "surname", "dob")], recall=model.prior_recall
        )
        linker.training.estimate_u_using_random_sampling(
            max_pairs=model.max_pairs_u, seed=model.seed
        )
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("given_names", "surname")
        )
        predictions = linker.inference.predict()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=model.threshold
        )
        con.execute(
            f"COPY (SELECT id_l, id_r, match_probability FROM {predictions.physical_name}) "
            f"TO '{work / 'clear_pairs.parquet'}' (FORMAT parquet)"
        )
        con.execute(
            f"COPY (SELECT id AS registration_id, cluster_id AS person_id "
            f"FROM {clusters.physical_name}) TO '{work / 'clear_mapping.parquet'}' (FORMAT parquet)"
        )
        persons = con.execute(f"SELECT count(DISTINCT cluster_id) FROM {clusters.physical_name}")
        n_persons = int(persons.fetchall()[0][0])
    finally:
        con.close()
    return {"persons": n_persons}
