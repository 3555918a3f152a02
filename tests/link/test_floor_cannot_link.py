"""[link-robust] floors and cannot-link: a penalty is not a veto, and only a contradiction is a
cannot-link (``link/floors.py``, ``link/cannot_link.py``; docs/linkage.md, "Disagreement floors
and the cannot-link rule"). The variant is measured, not the default: these tests pin what it
does when a run asks for it."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb
import pyarrow as pa
import pytest

from zichtbaar.link.cannot_link import cannot_link_pairs, contradicts
from zichtbaar.link.clusters import cluster_ids
from zichtbaar.link.comparisons import YEAR_MONTH
from zichtbaar.link.floors import floor_disagreement
from zichtbaar.link.model import LinkModel
from zichtbaar.link.training import disagreement_floors

PRIOR = 2**-14
VARIANT = LinkModel(
    dob_different_m=0.01,
    dob_part_m=0.001,
    names_dissimilar_m=0.01,
    cannot_link_rule="contradiction",
    threshold=0.3,
)


def _linker(levels: dict[str, list[tuple[str, float]]]) -> SimpleNamespace:
    comparisons = [
        SimpleNamespace(
            output_column_name=name,
            comparison_levels=[
                SimpleNamespace(label_for_charts=label, m_probability=m, is_null_level=False)
                for label, m in values
            ],
        )
        for name, values in levels.items()
    ]
    return SimpleNamespace(_settings_obj=SimpleNamespace(comparisons=comparisons))


def test_floors_raise_only_the_disagreement_levels_and_are_off_by_default() -> None:
    learnt = {"dob": [("same date", 0.9), (YEAR_MONTH, 1e-6), ("different", 1e-6)]}
    linker = _linker(learnt)
    floor_disagreement(linker, disagreement_floors(LinkModel()))  # type: ignore[arg-type]
    assert [x.m_probability for x in linker._settings_obj.comparisons[0].comparison_levels] == [
        0.9,
        1e-6,
        1e-6,
    ]
    floor_disagreement(linker, disagreement_floors(VARIANT))  # type: ignore[arg-type]
    levels = linker._settings_obj.comparisons[0].comparison_levels
    assert [x.m_probability for x in levels] == [0.9, 0.001, 0.01]


def _scored(rows: list[tuple[str, str, float, float]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE dedupe_predictions (id_l VARCHAR, id_r VARCHAR, match_weight DOUBLE,"
        " match_probability DOUBLE)"
    )
    con.executemany("INSERT INTO dedupe_predictions VALUES (?, ?, ?, ?)", rows)
    # every registration has names and a date of birth, none a BSN
    con.execute(
        "CREATE TABLE registrations AS SELECT registration_id, 'x'::BLOB AS bloom,"
        " 'd' || registration_id AS tok_dob, NULL::VARCHAR AS tok_bsn"
        " FROM (VALUES ('a'), ('b'), ('c')) t(registration_id)"
    )
    return con


def test_a_day_slip_with_identical_names_links_under_the_variant() -> None:
    """a-b: identical names, a one-digit slip in the day (scored 0.4 with the floors, evidence
    for the match); c is b registered again, so a-c is the same slip. Under the default rule
    and threshold the slip does not link (0.4 < 0.6); under the variant it does."""
    con = _scored([("a", "b", -13.0, 0.4), ("b", "c", 10.0, 0.999), ("a", "c", -13.0, 0.4)])
    ids = ["a", "b", "c"]

    def persons(model: LinkModel) -> dict[str, str]:
        rows = con.execute(
            "SELECT id_l, id_r, match_probability FROM dedupe_predictions "
            "WHERE match_probability >= ?",
            [model.threshold],
        ).fetchall()
        pairs = [(str(a), str(b)) for a, b, _ in rows]
        conflicts = cannot_link_pairs(con, ids, pairs, model, PRIOR)
        return cluster_ids(ids, pairs, weights=[p for _, _, p in rows], conflicts=conflicts)

    before, after = persons(LinkModel()), persons(VARIANT)
    assert before["a"] != before["b"]
    assert after["a"] == after["b"] == after["c"]


def test_a_contradictory_pair_is_not_merged_through_a_third_record() -> None:
    """a and c have different names and different dates (never blocked, so never scored); b
    resembles both. Under the variant a and c are a cannot-link: b joins one of them only."""
    con = _scored([("a", "b", 5.0, 0.9), ("b", "c", 4.0, 0.8)])
    ids = ["a", "b", "c"]
    pairs = [("a", "b"), ("b", "c")]
    conflicts = cannot_link_pairs(con, ids, pairs, VARIANT, PRIOR)
    assert conflicts == [("a", "c")]
    persons = cluster_ids(ids, pairs, weights=[0.9, 0.8], conflicts=conflicts)
    assert persons["a"] == persons["b"] != persons["c"]


def test_a_low_score_with_evidence_for_is_no_cannot_link_under_the_variant() -> None:
    """Identical names, a wholly different date: with the floor the pair scores 0.016 with
    evidence for the match. The default rule refuses it (names and dates on both sides), the
    variant does not; evidence against is refused by both."""
    con = duckdb.connect()
    con.register(
        "p",
        pa.table(
            {
                "name": ["different date", "against"],
                "match_probability": [0.016, 1e-7],
                "match_weight": [-6.0, -23.0],
            }
        ),
    )
    con.execute("CREATE VIEW l AS SELECT name, 'x' AS bloom, 'd1' AS tok_dob FROM p")
    con.execute("CREATE VIEW r AS SELECT name, 'x' AS bloom, 'd2' AS tok_dob FROM p")

    def refused(model: LinkModel) -> set[str]:
        rule = contradicts("p", "l", "r", "bloom", model, PRIOR)
        sql = f"SELECT p.name FROM p JOIN l USING (name) JOIN r USING (name) WHERE {rule}"
        return {str(n) for (n,) in con.execute(sql).fetchall()}

    assert refused(LinkModel()) == {"different date", "against"}
    assert refused(VARIANT) == {"against"}


def test_an_unknown_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot-link rule"):
        contradicts("p", "l", "r", "bloom", LinkModel(cannot_link_rule="nope"), PRIOR)
