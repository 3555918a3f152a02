"""The clear-text baseline: splink on the raw identifiers, as a careful analyst would set it up.

Identifiers are first normalised with zichtbaar's own normaliser (the one the encoder uses), so
the two sides differ only in what the linkage sees: clear fields here, tokens and Bloom filters
there. The model uses splink's comparison library (Jaro-Winkler and Damerau-Levenshtein levels on
the names, a name-order-swap level, a day/month-swap level on the date of birth), blocks on BSN,
date of birth, surname + year and the first three letters of both names, trains u by random
sampling and m by EM (no labels) and clusters (connected components) at the default threshold
of ``LinkModel`` (0.6). One level was added after a look at the misses at 10,000 registrations:
Jaro-Winkler >= 0.7 on both names, for transliteration variants (recall 0.946 -> 0.957).
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
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from zichtbaar.encode.identity import identity
from zichtbaar.encode.normalise import DateOfBirthError
from zichtbaar.link.model import LinkModel

CLEAR_FILE = "clear.parquet"
"""The normalised clear-text records: the input of the clear-text linkage."""
CLEAR_COLUMNS = (
    "id",
    "given_names",
    "surname",
    "full_name",
    "dob",
    "dob_swapped",
    "yob",
    "place_of_birth",
    "bsn",
    "gender",
    "given3",
    "surname3",
)

for _name in ("splink", "splink.internals"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def normalise_sources(sources: Path, out: Path) -> int:
    """Normalise every organisation's identifiers into ``out`` (one Parquet file); rows count.

    A row whose date of birth cannot exist is dropped, as the encoder rejects it: both sides then
    link the same rows.
    """
    rows: list[dict[str, Any]] = []
    for path in sorted(sources.glob("*.parquet")):
        for rec in read_sources(path):
            try:
                person = identity(
                    rec["given_names"],
                    rec["surname"],
                    rec["date_of_birth"],
                    rec["place_of_birth"],
                    rec["bsn"],
                    rec["gender"],
                    today=dt.date.fromisoformat(str(rec["registration_date"])),
                )
            except DateOfBirthError:
                continue
            dob = person.dob
            swapped = dob.swapped if dob is not None else None
            given = person.given_names
            sur = person.surname.full if person.surname is not None else None
            rows.append(
                {
                    "id": rec["record_id"],
                    "given_names": given,
                    "surname": sur,
                    "full_name": f"{given} {sur}" if given and sur else None,
                    "dob": dob.iso() if dob is not None else None,
                    "dob_swapped": swapped.isoformat() if swapped is not None else None,
                    "yob": dob.year if dob is not None else None,
                    "place_of_birth": person.place_of_birth,
                    "bsn": person.bsn,
                    "gender": person.gender,
                    "given3": given[:3] if given else None,
                    "surname3": sur[:3] if sur else None,
                }
            )
    pd.DataFrame(rows, columns=list(CLEAR_COLUMNS)).to_parquet(out, index=False)
    return len(rows)


def _names() -> cl.CustomComparison:
    given, sur = "given_names", "surname"
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.And(cll.NullLevel(given), cll.NullLevel(sur)),
            cll.ExactMatchLevel("full_name").configure(tf_adjustment_column="full_name"),
            cll.ColumnsReversedLevel(given, sur, symmetrical=True),
            cll.And(cll.DamerauLevenshteinLevel(given, 1), cll.DamerauLevenshteinLevel(sur, 1)),
            cll.And(cll.JaroWinklerLevel(given, 0.92), cll.JaroWinklerLevel(sur, 0.92)),
            cll.And(cll.JaroWinklerLevel(given, 0.88), cll.JaroWinklerLevel(sur, 0.88)),
            cll.And(cll.JaroWinklerLevel(given, 0.7), cll.JaroWinklerLevel(sur, 0.7)),
            cll.ExactMatchLevel(sur).configure(tf_adjustment_column=sur),
            cll.ExactMatchLevel(given).configure(tf_adjustment_column=given),
            cll.ElseLevel(),
        ],
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


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=[
            _names(),
            _date_of_birth(),
            cl.JaroWinklerAtThresholds("place_of_birth", [0.92]),
            cl.ExactMatch("gender"),
            cl.ExactMatch("bsn"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("bsn"),
            block_on("dob"),
            block_on("surname", "yob"),
            block_on("given3", "surname3"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=50,
    )


def link_clear(clear_file: Path, work: Path, model: LinkModel | None = None) -> dict[str, Any]:
    """Train, predict and cluster; returns the mapping id -> cluster and a few counts.

    DuckDB gets the same memory budget and spill directory as ``run_linkage``; the prior's
    assumed recall and the number of u pairs are taken from ``LinkModel`` so only the
    comparisons differ between the sides.
    """
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
        con.execute("CREATE TABLE clear AS SELECT * FROM read_parquet(?)", [str(clear_file)])
        db_api = DuckDBAPI(connection=con)
        linker = Linker(
            db_api.register("clear", table_name="in_clear"), settings(), log_level=logging.WARNING
        )
        linker.training.estimate_probability_two_random_records_match(
            [block_on("bsn"), block_on("given_names", "surname", "dob")],
            recall=model.prior_recall,
        )
        linker.training.estimate_u_using_random_sampling(
            max_pairs=model.max_pairs_u, seed=model.seed
        )
        # A shared BSN trains every other comparison (nearly all such pairs are matches); the
        # date of birth then trains the BSN level, the names telling the same-birthday strangers
        # apart. Blocked on the names instead, at 100k registrations the many namesakes (small
        # name pools per nationality) taught EM that a different date of birth is common among
        # matches: precision fell to 0.88.
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("bsn"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        predictions = linker.inference.predict(threshold_match_weight=-10)
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=model.threshold
        )
        matched = con.execute(
            f"SELECT count(*) FROM {predictions.physical_name} WHERE match_probability >= ?",
            [model.threshold],
        ).fetchall()
        rows = con.execute(f"SELECT id, cluster_id FROM {clusters.physical_name}").fetchall()
    finally:
        con.close()
    mapping = {str(i): str(c) for i, c in rows}
    return {
        "mapping": mapping,
        "matched_pairs": int(matched[0][0]),
        "persons": len(set(mapping.values())),
        "registrations": len(mapping),
    }
