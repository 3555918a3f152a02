"""The probabilistic linkage model: splink (Fellegi-Sunter) on encodings only.

Comparisons use what organisations send: exact HMAC tokens (BSN, name + date of birth, date of
birth and its day/month-swapped twin, and since encoding schema 3.0 two date parts or the place
of birth together with the name key), the Dice similarity of the hardened name filters at several
levels, the address filter's Dice and the address token where organisations send an address
(schema 3.2), the coded gender and nationality group, and how far apart the two were registered.
The name filter holds the name only (as one bag of words plus its transliteration skeleton), so
date, place and gender are each counted once, by their own comparison. Blocking joins on tokens
and on LSH bands of the filters (``lsh.py``). u comes from random sampling, m from EM: no labels.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.exceptions import EMTrainingException
from splink.internals.splink_dataframe import SplinkDataFrame

from zichtbaar.link.date_free import date_free_cap, date_free_ctes
from zichtbaar.link.dialect import DUCKDB, Dialect
from zichtbaar.link.floors import (
    M_U_FLOOR,
    _floor_probabilities,
    _floor_registered_apart,
    _floored_em,
    _neutral_agreement,
    floor_disagreement,
)
from zichtbaar.link.lsh import LshConfig, band_keys
from zichtbaar.standard.models import FILTER_COLUMNS
from zichtbaar.standard.models import TOKEN_COLUMNS as TOKEN_COLUMNS

ENCODED_COLUMNS = (*TOKEN_COLUMNS, *FILTER_COLUMNS)
"""The encodings of a record: its tokens and filters."""

UNKNOWN_NATIONALITY_GROUP = "STATELESS_UNKNOWN"
"""The nationality group of "unknown" (and of stateless people, whom it cannot tell apart)."""

COMPARED_COLUMNS = (*ENCODED_COLUMNS, "gender", "nationality_group", "registration_date")
"""What a record source hands ``prepare_records`` besides ``id``: the encodings, the two coded
attributes and the registration date the model compares (register events hand a null date)."""


for _name in ("splink", "splink.internals"):
    # splink logs SQL at INFO and untrainable levels at WARNING; the quality tables report both
    logging.getLogger(_name).setLevel(logging.ERROR)


@dataclass(frozen=True)
class LinkModel:
    """Settings of the linkage model; every default is documented in docs/linkage.md."""

    threshold: float = 0.6
    """Match probability at or above which two registrations are the same person (chosen on
    realistic encoded worlds for the best pairwise F1 at precision >= 0.99; docs/linkage.md).
    0.8 until schema 3.2: since the partner lists and the estimated u of the place, 0.6 keeps
    the precision of the demo world (0.9939) and of 1 M registrations (0.9972) and finds 7 more
    true pairs of the demo's 4,166 (FEBRL4 with addresses: 0.992 against 0.987). Not 0.65: a
    small world's pairs of one name without a date pile up at 0.64-0.67, and the engines, each
    sampling its own u, put that pile on either side of it."""
    register_threshold: float = 0.8
    """Match probability at or above which a register event belongs to a person (most register
    events belong to people who are not victims, many of them look-alikes: docs/linkage.md).
    0.9 until schema 3.2; with its model 0.8 loses 0.0003 of precision for 0.0018 of recall on
    the demo world (0.9896 / 0.9813 against 0.9899 / 0.9795)."""
    cannot_link: float = 0.2
    """Match probability below which a scored pair may not end up in one person, even through
    other matches (so do two registrations with different BSN tokens), where the low score is
    evidence (``run.contradicts``); see ``clusters.py``. A
    record without date of birth (or without names) resembles several people; at 0.01 it still
    chained look-alikes into one person (synthetic world: precision 0.985 against 0.992)."""
    dice_levels: tuple[float, ...] = (0.93, 0.86, 0.78, 0.68, 0.58, 0.45)
    """Levels of the Dice similarity of the name filters, strictest first."""
    address_levels: tuple[float, ...] = (0.9, 0.8, 0.7, 0.6, 0.5)
    """Levels of the Dice similarity of the address filters (schema 3.2), strictest first."""
    lsh: LshConfig = field(default_factory=LshConfig)
    address_lsh: LshConfig = field(default_factory=lambda: LshConfig(bits_per_band=16))
    """Bands of the address filters: pairs sharing one, with similar addresses and names at the
    lowest Dice level, are LSH partners whatever their dates (``add_lsh_partners``)."""
    registered_within: tuple[int, ...] = (90, 365)
    """Levels of the days between two registrations (``registered``), closest first."""
    registered_apart_m: float = 0.02
    """Least m of "registered further apart" (``_floor_registered_apart``): about 5 bits
    against in the demo world, less than an agreeing date of birth is worth. Demo world dedupe
    precision at 0.02 / 0.05 / 0.1: 0.9935 / 0.9911 / 0.9904 (recall 0.9894 at each)."""
    event_gap_edges: tuple[int, ...] = (-730, -365, -90, 0, 30, 90, 365, 730)
    """Edges (days, event date minus registration date) of the buckets whose weight a
    person-event pair gains (``event_dates.py``); empty: the event's date is not evidence."""
    event_gap_sure: float = 0.99
    """Score (without the gap) from which a person-event pair teaches m of the gap buckets."""
    event_gap_m_floor: float = 0.01
    """Least m of a gap bucket: a lag no settled pair showed is unlikely, not impossible."""
    partner_bits: tuple[int, ...] = (28, 24, 20, 16)
    """Denser name bands for the LSH partners (a prefix of each band's bits), tried in turn
    while the band-equal rows they make stay within ``partner_rows``
    (``add_lsh_partners``): a small population can afford the denser bands that find the
    pairs a consonant typo or a name change moved apart (demo world: 16 bits, blocking recall
    0.9916 -> 0.9964), a national one cannot (100k registrations: 0.17 M candidates at 32 bits,
    8.4 M at 20; they grow with the square of the population)."""
    partner_rows: int = 2_000_000
    """Budget of band-equal rows (undated record x record sharing a band) for ``partner_bits``."""
    date_free_dice: float | None = 0.68
    """Dated records sharing a name band whose dates differ are LSH partners when their names
    reach this Dice (``date_free.py``): every other rule needs some agreement on the date.
    None: no date-free partners (the blocking before 7 Dec 2026). 0.68, the fourth name level:
    on gb 226 of 743 never-blocked true pairs for 7,458 pairs at 26,000 records, against 174
    at 0.86 and 252 for 69,547 pairs at 0.45 (docs/linkage.md)."""
    date_free_max_records: int = 50
    """Band values held by more dated records than this propose no date-free partners: they
    are the bands of common names, whose pairs grow with the square of the name's frequency."""
    date_free_rows: int = 4_000_000
    """Budget of band-equal rows with different dates for the date-free partners: the limit
    on a band value's records tightens (50, 20, 10, 5, 2) until the rows fit, else none."""
    date_free_up_to: int = 200_000
    """Above this many dated records there are no date-free partners: at 1 M registrations of
    the bench world (Faker names, common names by the thousand) sizing and joining the bands
    took 66 s more than the partners without them (15.7 s -> 81.7 s, the limit tightened to 2,
    21,368 more partner pairs), which the 120 s budget of the 1 M dedupe cannot take; 100k
    registrations: 4.9 s -> 7.8 s, candidate pairs x 1.008 (docs/linkage.md)."""
    date_free_bands: int = 64
    """How many of the name bands (the first ones) the date-free partners join on: the join's
    cost grows with it (gb, 26,000 records: 8 / 16 / 32 / 64 bands recover 182 / 186 / 202 /
    226 never-blocked true pairs)."""
    prior_recall: float = 0.7
    """Assumed recall of the exact-key rules used to estimate the prior match probability."""
    place_u: float = 0.03
    """Chance that two different people with the same date of birth or name key were born in the
    same place (u of "same place"), used when the data cannot estimate it (``estimate_place_u``):
    random sampling cannot, place tokens carry the date or the name key (docs/linkage.md)."""
    m_floor: float = 1e-6
    """Least m of any level after training (see ``M_U_FLOOR``); 1e-3 and 1e-2 measured no
    different on FEBRL4."""
    dob_different_m: float = 0.0
    """Least m of the date's "different" (``floors.floor_disagreement``): EM learns 1e-6 on gb
    and FEBRL3 (-20 bits, a veto), where the labelled share of true pairs with two dates
    agreeing on no date level is 0.047 and 0.072 (docs/linkage.md). 0: as EM learnt it."""
    dob_part_m: float = 0.0
    """Least m of the name-keyed date parts (year and month, year and day, month and day: a
    one-digit slip with the name key kept): FEBRL3's EM learns 1e-6 for "year and month",
    -14 bits for a day slip with identical names."""
    names_dissimilar_m: float = 0.0
    """Least m of the name filter's "dissimilar" (a missing or wholly changed name part)."""
    cannot_link_rule: str = "evidence"
    """Which low-scoring pairs (``cannot_link``) are cannot-links (``cannot_link.contradicts``):
    "evidence", where the comparisons speak against a match or both records have names and a
    date; "contradiction", where the comparisons speak against a match, and also any unscored
    pair of two records with names and a date inside a candidate cluster."""
    max_pairs_u: float = 2e6
    """Random pairs sampled to estimate u."""
    seed: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkModel:
        """The model ``to_dict`` wrote (a run's ``link_quality``)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["dice_levels"] = tuple(values["dice_levels"])
        for name in ("address_levels", "partner_bits", "registered_within", "event_gap_edges"):
            if name in values:
                values[name] = tuple(values[name])
        # a run from before the denser partner bands used the bands' own width
        values.setdefault("partner_bits", ())
        values.setdefault("registered_within", ())
        values.setdefault("event_gap_edges", ())
        values.setdefault("date_free_dice", None)  # a run from before the date-free partners
        values["lsh"] = LshConfig(**values["lsh"])
        if "address_lsh" in values:
            values["address_lsh"] = LshConfig(**values["address_lsh"])
        return cls(**values)


def _exact(name: str, column: str, label: str) -> dict[str, Any]:
    return {
        "output_column_name": name,
        "comparison_levels": [
            {
                "sql_condition": f"{column}_l IS NULL OR {column}_r IS NULL",
                "label_for_charts": "missing",
                "is_null_level": True,
            },
            {"sql_condition": f"{column}_l = {column}_r", "label_for_charts": label},
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    }


YEAR_MONTH = "same name key, year and month"
YEAR_DAY = "same name key, year and day"
MONTH_DAY = "same name key, month and day"
SAME_PLACE = "same place"
SAME_ADDRESS = "same postcode and number, similar address"


def comparisons(model: LinkModel, dialect: Dialect = DUCKDB) -> list[dict[str, Any]]:
    """splink comparisons on tokens, filter Dice, gender and nationality group."""
    dice = dialect.dice_prepared("bloom_bits_l", "bloom_bits_r", "bloom_n_l", "bloom_n_r")
    dice_levels: list[dict[str, Any]] = [
        {
            "sql_condition": "bloom_bits_l IS NULL OR bloom_bits_r IS NULL",
            "label_for_charts": "missing",
            "is_null_level": True,
        }
    ]
    dice_levels += [
        {"sql_condition": f"{dice} >= {t}", "label_for_charts": f"Dice >= {t}"}
        for t in model.dice_levels
    ]
    dice_levels.append({"sql_condition": "ELSE", "label_for_charts": "dissimilar"})
    # The date parts come with the name key (schema 3.0): when the keys differ (a consonant typo,
    # a missing word) a partial date agreement is invisible and the pair falls to "different".
    dob = {
        "output_column_name": "dob",
        "comparison_levels": [
            {
                "sql_condition": "(tok_dob_l IS NULL AND tok_name_ym_l IS NULL) "
                "OR (tok_dob_r IS NULL AND tok_name_ym_r IS NULL)",
                "label_for_charts": "missing",
                "is_null_level": True,
            },
            {"sql_condition": "tok_dob_l = tok_dob_r", "label_for_charts": "same date"},
            {
                "sql_condition": "tok_dob_l = tok_dob_swapped_r OR tok_dob_swapped_l = tok_dob_r",
                "label_for_charts": "day/month swapped",
            },
            {
                "sql_condition": "tok_name_ym_l = tok_name_ym_r",
                "label_for_charts": YEAR_MONTH,
            },
            {
                "sql_condition": "tok_name_yd_l = tok_name_yd_r",
                "label_for_charts": YEAR_DAY,
            },
            {
                "sql_condition": "tok_name_md_l = tok_name_md_r",
                "label_for_charts": MONTH_DAY,
            },
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    }
    # The place is compared where it can be: with the same date (tok_pob_dob) or with the same
    # name key (tok_name_pob). Agreement of either token is evidence whatever else differs; a
    # disagreement only counts where the date or a name-keyed date part agrees (the tokens then
    # differ because the place does), elsewhere the pair gets the null level.
    comparable = " OR ".join(
        ["tok_dob_l = tok_dob_r", *(f"tok_name_{p}_l = tok_name_{p}_r" for p in ("ym", "yd", "md"))]
    )
    pob = {
        "output_column_name": "pob",
        "comparison_levels": [
            {
                "sql_condition": "tok_pob_dob_l = tok_pob_dob_r OR tok_name_pob_l = tok_name_pob_r",
                "label_for_charts": SAME_PLACE,
            },
            {
                "sql_condition": "(tok_name_pob_l IS NULL AND tok_pob_dob_l IS NULL) "
                "OR (tok_name_pob_r IS NULL AND tok_pob_dob_r IS NULL) "
                f"OR NOT coalesce({comparable}, false)",
                "label_for_charts": "missing, or not comparable",
                "is_null_level": True,
            },
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    }
    # The address (schema 3.2): postcode and house number agreeing exactly, then the Dice levels
    # of the address filters. Organisations without addresses send none: the null level.
    address_dice = dialect.dice_prepared(
        "address_bits_l", "address_bits_r", "address_n_l", "address_n_r"
    )
    address = {
        "output_column_name": "address",
        "comparison_levels": [
            {
                "sql_condition": "address_bits_l IS NULL OR address_bits_r IS NULL",
                "label_for_charts": "missing",
                "is_null_level": True,
            },
            {
                "sql_condition": f"tok_address_l = tok_address_r AND {address_dice} >= "
                f"{model.address_levels[len(model.address_levels) // 2]}",
                "label_for_charts": SAME_ADDRESS,
            },
            {
                "sql_condition": "tok_address_l = tok_address_r",
                "label_for_charts": "same postcode and number",
            },
            *(
                {"sql_condition": f"{address_dice} >= {t}", "label_for_charts": f"Dice >= {t}"}
                for t in model.address_levels
            ),
            {"sql_condition": "ELSE", "label_for_charts": "dissimilar"},
        ],
    }
    gender = {
        "output_column_name": "gender",
        "comparison_levels": [
            {
                "sql_condition": "gender_l IS NULL OR gender_r IS NULL "
                "OR gender_l = 'unknown' OR gender_r = 'unknown'",
                "label_for_charts": "missing",
                "is_null_level": True,
            },
            {"sql_condition": "gender_l = gender_r", "label_for_charts": "same"},
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    }
    # The nationality group (the comparison list) counts only when it differs: agreement
    # gets weight 0 after training (``_neutral_agreement``). Look-alike names come with one
    # nationality far more often than random pairs do, so "same" with u from random pairs
    # counted the name twice (demo world: dedupe precision 0.972 against 0.994 at 0.6).
    # "Unknown" (and stateless) is the null level.
    nationality = {
        "output_column_name": "nationality",
        "comparison_levels": [
            {
                "sql_condition": "nationality_group_l IS NULL OR nationality_group_r IS NULL "
                f"OR nationality_group_l = '{UNKNOWN_NATIONALITY_GROUP}' "
                f"OR nationality_group_r = '{UNKNOWN_NATIONALITY_GROUP}'",
                "label_for_charts": "missing",
                "is_null_level": True,
            },
            {
                "sql_condition": "nationality_group_l = nationality_group_r",
                "label_for_charts": "same",
            },
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    }
    # When the two were registered (not an identifier): one victim's reporters register them
    # within one episode far more often than two random registrations fall close in time, and
    # EM learns by how much ("further apart" floored: ``_floor_registered_apart``). It lifts the
    # piles of look-alike patterns that identifiers cannot settle (identical names without a
    # date): demo world dedupe recall 0.9808 -> 0.9894, seed 2 0.9733 -> 0.9864
    # (docs/linkage.md). Register events carry no registration date: the null level (their own
    # date is weighed per register, ``event_dates.py``).
    days = dialect.days_apart("registration_date_l", "registration_date_r")
    registered = {
        "output_column_name": "registered",
        "comparison_levels": [
            {
                "sql_condition": "registration_date_l IS NULL OR registration_date_r IS NULL",
                "label_for_charts": "missing",
                "is_null_level": True,
            },
            *(
                {"sql_condition": f"{days} <= {d}", "label_for_charts": f"within {d} days"}
                for d in model.registered_within
            ),
            {"sql_condition": "ELSE", "label_for_charts": "further apart"},
        ],
    }
    return [
        _exact("bsn", "tok_bsn", "same BSN"),
        _exact("name_dob", "tok_name_dob", "same name and date"),
        dob,
        {"output_column_name": "bloom", "comparison_levels": dice_levels},
        pob,
        address,
        gender,
        nationality,
        *([registered] if model.registered_within else []),
    ]


LSH_RULE = "l.lsh_partners = r.id"
"""LSH bands block only pairs in which a date of birth is missing, through the partner lists
``add_lsh_partners`` makes. Where both dates are known a date token finds every true pair the
bands find (100k bench world: all 212 true pairs that only the bands found lack a date), and
2.75 M of the bands' 2.93 M pairs were look-alikes with dates; at 1 M registrations that join no
longer fit in memory (docs/linkage.md)."""


def plausible_pair(model: LinkModel, dialect: Dialect = DUCKDB) -> str:
    """Blocking condition for the date rules: the names are at least at the lowest Dice level,
    or a name is missing, or the place agrees.

    A pair with the same (or swapped) date whose names are plainly different and whose places do
    not agree cannot reach the threshold in a large population: "same date" is worth less than a
    dissimilar name costs once the prior is counted (``PLAUSIBLE_FROM_PAIRS``). Such pairs were
    94 % of the date rules' candidates (100k bench world: 418 k of 463 k same-date pairs, 348 k
    of 353 k swapped) and grow with the square of the population (docs/linkage.md).
    """
    dice = dialect.dice_prepared("l.bloom_bits", "r.bloom_bits", "l.bloom_n", "r.bloom_n")
    return (
        f"(coalesce({dice} >= {min(model.dice_levels)}, true) "
        "OR coalesce(l.tok_pob_dob = r.tok_pob_dob, false))"
    )


PLAUSIBLE_FROM_PAIRS = 5_000_000
"""From this many same-date pairs on, the date rules block plausible pairs only. Below it every
same-date pair is scored: the time saved is small (100k registrations: 463 k same-date pairs,
prediction 1.4 s either way), and in a small link a high prior can let a shared date outweigh
dissimilar names (on FEBRL4, 5,000 x 5,000, the difference stayed within the spread of F1 over
keys, 0.921-0.927)."""


def blocking_rules(model: LinkModel, dialect: Dialect = DUCKDB, date_pairs: int = 0) -> list[Any]:
    """Token equality, the name key with part of the date (a typo in the other part) or with the
    place (no date), the address token (postcode and house number), LSH partners (a date
    missing, or a similar address), then the same and the swapped date for plausible pairs
    (``plausible_pair``).

    The order is for speed: splink excludes each earlier rule's pairs from a later rule by
    evaluating the earlier rule's condition on the later one's candidates, so the date rules,
    whose condition holds a Dice similarity, come last. An exploded rule (the partners) is not
    excluded that way, so the date rules leave its pairs out themselves.
    """
    plausible = (
        f" AND {plausible_pair(model, dialect)}" if date_pairs >= PLAUSIBLE_FROM_PAIRS else ""
    )
    not_partners = f"NOT {dialect.list_contains('l.lsh_partners', 'r.id')}"
    return [
        block_on("tok_bsn"),
        block_on("tok_name_dob"),
        block_on("tok_name_ym"),
        block_on("tok_name_yd"),
        block_on("tok_name_md"),
        block_on("tok_name_pob"),
        block_on("tok_address"),
        CustomRule(LSH_RULE, arrays_to_explode=["lsh_partners"]),
        CustomRule(f"l.tok_dob = r.tok_dob{plausible} AND {not_partners}"),
        CustomRule(f"l.tok_dob = r.tok_dob_swapped{plausible} AND {not_partners}"),
        CustomRule(f"l.tok_dob_swapped = r.tok_dob{plausible} AND {not_partners}"),
    ]


def settings(
    model: LinkModel, link_type: str, dialect: Dialect = DUCKDB, date_pairs: int = 0
) -> SettingsCreator:
    """splink settings; ``date_pairs`` (pairs sharing a date) sizes the blocking."""
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        unique_id_column_name="id",
        comparisons=comparisons(model, dialect),  # type: ignore[arg-type]
        blocking_rules_to_generate_predictions=blocking_rules(model, dialect, date_pairs),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
        max_iterations=50,
    )


def prepare_records(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    out: str,
    model: LinkModel,
    dialect: Dialect = DUCKDB,
    *,
    partners: bool = True,
) -> None:
    """Create table ``out`` (id, tokens, prepared filters, coded attributes, LSH band keys and,
    unless ``partners`` is false, the LSH partners within ``out``) from a query.

    ``source_sql`` must yield ``id`` and the ``COMPARED_COLUMNS``. Records to be
    linked to another table get their partners across both (``add_lsh_partners``) instead.
    """
    tokens = ", ".join(TOKEN_COLUMNS)
    table: pa.Table = con.sql(
        f"SELECT id, bloom, bloom_address FROM ({source_sql}) ORDER BY id"
    ).to_arrow_table()
    con.register(
        "lsh_keys",
        pa.table(
            {
                "id": table["id"],
                "lsh": band_keys(table["bloom"], model.lsh),
                "address_lsh": band_keys(table["bloom_address"], model.address_lsh),
            }
        ),
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {out} AS
        SELECT s.id, {tokens},
               {dialect.bloom_bits("s.bloom")} AS bloom_bits,
               {dialect.bloom_count("s.bloom")} AS bloom_n,
               {dialect.bloom_bits("s.bloom_address")} AS address_bits,
               {dialect.bloom_count("s.bloom_address")} AS address_n,
               s.gender, s.nationality_group, s.registration_date,
               b.lsh, b.lsh[1] AS lsh_0, b.lsh[2] AS lsh_1, b.address_lsh
        FROM ({source_sql}) s JOIN lsh_keys b USING (id)
        """
    )
    con.unregister("lsh_keys")
    if partners:
        add_lsh_partners(con, [out], model)


def band_prefix(key: str, drop: int) -> str:
    """SQL: band key ``key`` (``band << 32 | bits``) keeping only its first sampled bits (the
    last ``drop`` bits shifted out): a denser band of the same positions."""
    if drop <= 0:
        return key
    return f"(({key} >> 32) << 32) | (({key} & 4294967295) >> {drop})"


PARTNER_SAMPLE = 100_000
"""Records counted in full when sizing the partner bands; above it a hash sample of the
records sharing bands with the undated ones is counted and scaled (1 M registrations: the full
count took 8 s a try)."""


def partner_bits(con: duckdb.DuckDBPyConnection, union: str, model: LinkModel) -> int:
    """Bits per band for the LSH partners of the records ``union`` yields: the densest of
    ``model.partner_bits`` whose band-equal rows (an undated record and any other sharing a
    band) stay within ``model.partner_rows``, else the bands' own width. Counted by key, so
    the count costs a group-by, not the join it sizes."""
    chosen = model.lsh.bits_per_band
    n = int(con.execute(f"SELECT count(*) FROM ({union})").fetchall()[0][0])
    modulus = max(1, n // PARTNER_SAMPLE)
    for bits in sorted((b for b in model.partner_bits if b < chosen), reverse=True):
        key = band_prefix("k", model.lsh.bits_per_band - bits)
        rows = con.execute(
            f"""
            WITH recs AS ({union}),
            u AS (SELECT {key} AS k, count(*) AS u
                  FROM (SELECT unnest(lsh) AS k FROM recs WHERE undated) GROUP BY 1),
            s AS (SELECT {key} AS k, count(*) AS n
                  FROM (SELECT unnest(lsh) AS k FROM recs WHERE {DUCKDB.hash_sample("id", modulus)})
                  GROUP BY 1)
            SELECT coalesce(sum(u.u * s.n), 0) * {modulus} FROM u JOIN s USING (k)
            """
        ).fetchall()
        if int(rows[0][0]) > model.partner_rows:
            break
        chosen = bits
    return chosen


def add_lsh_partners(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    model: LinkModel,
    *,
    date_free: bool = True,
) -> None:
    """Give every record of ``tables`` the ids of its LSH partners (``lsh_partners``): the
    records it shares a name band with where one of the two lacks a date, and whose names reach
    the lowest Dice level (``LSH_RULE``); unless ``date_free`` is false, the dated records it
    shares a rare full band with whose date differs and whose names are alike
    (``date_free.py``: no other rule compares a pair whose date changed wholly); and, where
    organisations send addresses (schema 3.2),
    the records it shares an address band with whose addresses reach the lowest address level
    and whose names the lowest Dice level (or a name is missing), whatever the dates: on FEBRL4
    most true pairs that no token found had typos in both the date and the name key but one
    address (docs/linkage.md).

    The bands are joined here, from the undated side only, instead of in splink: an exploded
    band rule makes splink join every record's 64 bands with every other's and only then drop
    the pairs in which both dates are known, with each preceding rule's condition evaluated on
    every one of those band-equal rows (100k registrations: 5.9 M rows for 173 k pairs; the
    prediction took 30 s against 2.8 s with partner lists). Without a date a pair whose names
    are plainly different cannot reach the threshold, and most band-sharing look-alikes are
    such pairs (1 M registrations: 5.7 M band-sharing pairs; ``plausible_pair`` says why).
    splink then blocks on the partner lists (``l.lsh_partners = r.id``, exploded). Computed over
    the union of ``tables``, so a link between two tables sees partners across them.
    """
    union = " UNION ALL ".join(
        f"SELECT id, lsh, address_lsh, tok_dob, tok_dob IS NULL AS undated, bloom_bits, bloom_n, "
        f"address_bits, address_n FROM {t}"
        for t in tables
    )
    prefix = band_prefix("k", model.lsh.bits_per_band - partner_bits(con, union, model))
    cap = date_free_cap(con, union, model) if date_free else 0
    dice = DUCKDB.dice_prepared("x.bloom_bits", "y.bloom_bits", "x.bloom_n", "y.bloom_n")
    address_dice = DUCKDB.dice_prepared(
        "x.address_bits", "y.address_bits", "x.address_n", "y.address_n"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lsh_lists AS
        WITH recs AS ({union}),
        bands AS (SELECT id, undated, {prefix} AS k FROM (SELECT id, undated, unnest(lsh) AS k
                                                          FROM recs)),
        candidates AS (
            SELECT DISTINCT u.id AS a, o.id AS b
            FROM bands u JOIN bands o ON u.k = o.k AND u.id <> o.id
            WHERE u.undated
        ),
        address_bands AS (
            SELECT id, unnest(address_lsh) AS k FROM recs WHERE len(address_lsh) > 0
        ),
        address_candidates AS (
            SELECT DISTINCT u.id AS a, o.id AS b
            FROM address_bands u JOIN address_bands o ON u.k = o.k AND u.id < o.id
        ),
        {date_free_ctes(model, cap)},
        pairs AS (
            SELECT c.a, c.b FROM candidates c
            JOIN recs x ON x.id = c.a JOIN recs y ON y.id = c.b
            WHERE {dice} >= {min(model.dice_levels)}
            UNION
            SELECT c.a, c.b FROM address_candidates c
            JOIN recs x ON x.id = c.a JOIN recs y ON y.id = c.b
            WHERE {address_dice} >= {min(model.address_levels)}
              AND coalesce({dice} >= {min(model.dice_levels)}, true)
            UNION
            SELECT a, b FROM date_free_pairs
        )
        SELECT id, list(DISTINCT partner) AS partners
        FROM (SELECT a AS id, b AS partner FROM pairs UNION ALL SELECT b, a FROM pairs)
        GROUP BY id
        """
    )
    for table in tables:
        columns = {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}
        kept = "t.* EXCLUDE (lsh_partners)" if "lsh_partners" in columns else "t.*"
        con.execute(
            f"""
            CREATE OR REPLACE TABLE {table} AS
            SELECT {kept}, coalesce(p.partners, []) AS lsh_partners
            FROM {table} t LEFT JOIN lsh_lists p USING (id)
            """
        )
    con.execute("DROP TABLE lsh_lists")


DAYS_PER_MONTH = 365.25 / 12
SAME_DATE_U_FALLBACK = 1 / (365.25 * 40)
"""u of "same date" if random sampling saw no pair sharing a date (birth years over ~40 years)."""


MIN_PLACE_PAIRS = 500
"""Fewest different-name pairs with the same date behind an estimate of u(same place)."""
PLACE_PAIR_SAMPLE = 2_000_000
"""About this many same-date pairs are read for the estimate (dates sampled by hash at scale)."""


def estimate_place_u(
    con: duckdb.DuckDBPyConnection, tables: list[str], model: LinkModel
) -> float | None:
    """u of "same place", estimated without labels: among pairs with the same date of birth
    whose names are plainly different (Dice below the lowest level), the share born in the same
    place. Those pairs are nearly all different people, and date and place are the very pair of
    fields the token ``tok_pob_dob`` compares. None when fewer than ``MIN_PLACE_PAIRS`` qualify.

    In the 14k-row demo world it finds 0.016 (truth: 0.015 of different-person same-date pairs
    share the place), half the fixed guess of 0.03 used before.
    """
    union = " UNION ALL ".join(
        f"SELECT id, tok_dob, tok_pob_dob, bloom_bits, bloom_n FROM {t}" for t in tables
    )
    source = (
        f"SELECT * FROM ({union}) WHERE tok_dob IS NOT NULL AND tok_pob_dob IS NOT NULL "
        "AND bloom_n IS NOT NULL"
    )
    pairs = con.execute(
        f"SELECT coalesce(sum(c * (c - 1) / 2), 0) FROM "
        f"(SELECT count(*) AS c FROM ({source}) GROUP BY tok_dob)"
    ).fetchall()[0][0]
    modulus = max(1, int(pairs) // PLACE_PAIR_SAMPLE)
    dice = DUCKDB.dice_prepared("l.bloom_bits", "r.bloom_bits", "l.bloom_n", "r.bloom_n")
    rows = con.execute(
        f"""
        WITH s AS (SELECT * FROM ({source}) WHERE {DUCKDB.hash_sample("tok_dob", modulus)})
        SELECT count(*), count(*) FILTER (WHERE l.tok_pob_dob = r.tok_pob_dob)
        FROM s l JOIN s r ON l.tok_dob = r.tok_dob AND l.id < r.id
        WHERE {dice} < {min(model.dice_levels)}
        """
    ).fetchall()
    total, same = int(rows[0][0]), int(rows[0][1])
    if total < MIN_PLACE_PAIRS:
        return None
    return max(same / total, M_U_FLOOR)


def local_prepared_table(con: duckdb.DuckDBPyConnection, records: pa.Table, out: str) -> None:
    """Table ``out`` in ``con``: the columns of ``records`` with its raw ``bloom`` (and any
    ``bloom_address``) prepared (``bloom_bits``, ``bloom_n``, ``address_bits``, ``address_n``),
    for the DuckDB steps other engines borrow (LSH partners, u of the place)."""
    con.register(f"{out}_raw", records)
    address = (
        f", {DUCKDB.bloom_bits('bloom_address')} AS address_bits, "
        f"{DUCKDB.bloom_count('bloom_address')} AS address_n"
        if "bloom_address" in records.column_names
        else ""
    )
    excluded = "bloom, bloom_address" if address else "bloom"
    con.execute(
        f"CREATE TABLE {out} AS SELECT * EXCLUDE ({excluded}), "
        f"{DUCKDB.bloom_bits('bloom')} AS bloom_bits, {DUCKDB.bloom_count('bloom')} AS bloom_n"
        f"{address} FROM {out}_raw"
    )
    con.unregister(f"{out}_raw")


def estimate_place_u_of_records(records: pa.Table, model: LinkModel) -> float | None:
    """``estimate_place_u`` for engines other than DuckDB: on the raw records (``id``,
    ``tok_dob``, ``tok_pob_dob``, ``bloom``), in an in-process DuckDB."""
    con = duckdb.connect()
    try:
        columns = ["id", "tok_dob", "tok_pob_dob", "bloom"]
        local_prepared_table(con, records.select(columns), "place_records")
        return estimate_place_u(con, ["place_records"], model)
    finally:
        con.close()


def with_place_u(model: LinkModel, estimate: float | None) -> LinkModel:
    """The model with u(same place) from the data where it could be estimated."""
    return model if estimate is None else replace(model, place_u=estimate)


def _derive_name_keyed_u(linker: Linker, model: LinkModel) -> None:
    """Set u of the name-keyed levels, which random sampling cannot estimate.

    A name-keyed token agrees for a random pair only when the two share a name key as well, so
    sampled u would count the name twice (Dice already does). What these levels should say is
    how often two *different* people sharing a name key agree on that part of the date or the
    place. For the date parts that follows from u of the whole date, which the hub samples
    (the date's collision rate), with month and day taken as uniform: u(year) = u(date) x 12 x
    30.4, u(year and month) = u(year) / 12, u(year and day) = u(year) / 30.4, u(month and day) =
    1 / 365.25. The place has no such anchor: ``LinkModel.place_u``.
    """
    levels = {
        (comparison.output_column_name, level.label_for_charts): level
        for comparison in linker._settings_obj.comparisons  # splink has no public setter
        for level in comparison.comparison_levels
        if not level.is_null_level
    }
    same_date = levels[("dob", "same date")].u_probability
    if same_date is None or same_date <= M_U_FLOOR:
        same_date = SAME_DATE_U_FALLBACK
    u_year = min(1.0, same_date * 12 * DAYS_PER_MONTH)
    derived = {
        ("dob", YEAR_MONTH): u_year / 12,
        ("dob", YEAR_DAY): u_year / DAYS_PER_MONTH,
        ("dob", MONTH_DAY): 1 / 365.25,
        ("pob", SAME_PLACE): model.place_u,
    }
    for key, u in derived.items():
        levels[key].u_probability = max(u, M_U_FLOOR)


@dataclass
class Trained:
    """A trained linker and where its predictions live."""

    linker: Linker
    db_api: DuckDBAPI
    predictions: SplinkDataFrame


MIN_BSN_PAIRS = 200
"""Below this many BSN-sharing pairs the second EM session blocks on two LSH bands instead."""


def pair_count(con: duckdb.DuckDBPyConnection, tables: list[str], column: str) -> int:
    """Number of record pairs sharing a value of ``column`` across ``tables`` (sizes the EM
    blocks)."""
    union = " UNION ALL ".join(f"SELECT {column} FROM {t}" for t in tables)
    rows = con.execute(
        f"SELECT coalesce(sum(c * (c - 1) / 2), 0) FROM (SELECT count(*) AS c FROM ({union}) "
        f"WHERE {column} IS NOT NULL GROUP BY {column})"
    ).fetchall()
    return int(rows[0][0]) if rows else 0


def between_pair_count(con: duckdb.DuckDBPyConnection, left: str, right: str, column: str) -> int:
    """Number of (left, right) record pairs sharing a value of ``column``: sizes the blocking of
    a link between two tables (``predict_between``), where ``pair_count`` would count pairs
    within each table as well."""
    rows = con.execute(
        f"""
        SELECT coalesce(sum(a.c * b.c), 0)
        FROM (SELECT {column} AS k, count(*) AS c FROM {left} WHERE {column} IS NOT NULL
              GROUP BY 1) a
        JOIN (SELECT {column} AS k, count(*) AS c FROM {right} WHERE {column} IS NOT NULL
              GROUP BY 1) b USING (k)
        """
    ).fetchall()
    return int(rows[0][0]) if rows else 0


EM_DATE_PAIRS = 2_000_000
"""The first EM session reads about this many same-date pairs: above it, dates are sampled by
hash. Same-date pairs grow with the square of the population (about 46 M at 1 M registrations),
and EM learns m no better from more of them."""


def date_block(date_pairs: int, dialect: Dialect = DUCKDB) -> Any:
    """The first EM session's block: the same date, on a hash sample of dates at scale."""
    modulus = date_pairs // EM_DATE_PAIRS
    if modulus <= 1:
        return block_on("tok_dob")
    return CustomRule(f"l.tok_dob = r.tok_dob AND {dialect.hash_sample('l.tok_dob', modulus)}")


def disagreement_floors(model: LinkModel) -> dict[tuple[str, str], float]:
    """The least m of each disagreement level (``floors.floor_disagreement``)."""
    parts = {("dob", label): model.dob_part_m for label in (YEAR_MONTH, YEAR_DAY, MONTH_DAY)}
    return {
        ("dob", "different"): model.dob_different_m,
        **parts,
        ("bloom", "dissimilar"): model.names_dissimilar_m,
    }


def train(
    linker: Linker,
    model: LinkModel,
    bsn_pairs: int,
    date_pairs: int = 0,
    dialect: Dialect = DUCKDB,
) -> None:
    """The training recipe, the same for every engine: prior from the exact keys, u by random
    sampling, m by EM in two sessions, floored.

    The first EM session blocks on the date of birth (a sample of dates above
    ``EM_DATE_PAIRS`` same-date pairs). The second must not fix the date, so
    its m values get trained: pairs sharing a BSN are nearly all matches with every other field
    free to disagree, the best teacher. Without BSNs (fewer than ``MIN_BSN_PAIRS`` pairs), pairs
    agreeing on two LSH bands (64 bits) serve; one band alone lets in so many look-alike
    non-matches at 100k records that EM mixes them into m.
    """
    deterministic: list[Any] = [block_on("tok_bsn"), block_on("tok_name_dob")]
    linker.training.estimate_probability_two_random_records_match(
        deterministic, recall=model.prior_recall
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=model.max_pairs_u, seed=model.seed)
    _derive_name_keyed_u(linker, model)
    second = block_on("tok_bsn") if bsn_pairs >= MIN_BSN_PAIRS else block_on("lsh_0", "lsh_1")
    # A very small input may have no pair in a block (two LSH bands); one band is the fallback.
    sessions = ((date_block(date_pairs, dialect),), (second, block_on("lsh_0")))
    with _floored_em():
        for rules in sessions:
            for rule in rules:
                try:
                    linker.training.estimate_parameters_using_expectation_maximisation(
                        rule, fix_probability_two_random_records_match=True
                    )
                    break
                except EMTrainingException:
                    continue
    _derive_name_keyed_u(linker, model)  # splink re-pools u from its training records after EM
    _floor_probabilities(linker, max(model.m_floor, M_U_FLOOR))
    _floor_registered_apart(linker, model.registered_apart_m)
    floor_disagreement(linker, disagreement_floors(model))
    _neutral_agreement(linker)


def train_and_predict(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    model: LinkModel,
    link_type: str,
) -> Trained:
    """Train u (random sampling) and m (EM, two blocking sessions), then predict all blocked pairs.

    ``predictions`` keeps pairs at or above a low floor (match weight > -10) for the quality
    report; the caller applies the decision threshold.
    """
    if len(tables) > 1:
        add_lsh_partners(con, tables, model)  # prepare_records made them within each table only
    date_pairs = pair_count(con, tables, "tok_dob")
    db_api = DuckDBAPI(connection=con)
    frames = [db_api.register(t, table_name=f"in_{t}") for t in tables]
    linker = Linker(
        frames if len(frames) > 1 else frames[0],
        settings(model, link_type, DUCKDB, date_pairs),
        log_level=logging.WARNING,
    )
    train(
        linker,
        with_place_u(model, estimate_place_u(con, tables, model)),
        pair_count(con, tables, "tok_bsn"),
        date_pairs,
    )
    predictions = linker.inference.predict(threshold_match_weight=-10, warning_mode="never")
    return Trained(linker, db_api, predictions)


def predict_increment(
    con: duckdb.DuckDBPyConnection, model_file: Path, old: str, new: str, all_records: str
) -> Trained:
    """Score new records against old ones and among themselves with a previous run's model.

    No retraining and no re-scoring of old pairs: splink's ``predict_between`` (new x old) and
    ``predict_within`` (new x new); ``predictions`` holds both.
    """
    db_api = DuckDBAPI(connection=con)
    linker = Linker(
        db_api.register(all_records, table_name=f"in_{all_records}"),
        json.loads(model_file.read_text(encoding="utf-8")),
        log_level=logging.WARNING,
    )
    old_df = db_api.register(old, table_name=f"in_{old}")
    new_df = db_api.register(new, table_name=f"in_{new}")
    between = linker.inference.predict_between(
        new_df, old_df, threshold_match_weight=-10, warning_mode="never"
    )
    within = linker.inference.predict_within(
        new_df, threshold_match_weight=-10, warning_mode="never"
    )
    cols = "id_l, id_r, match_weight, match_probability"
    union = db_api.register(
        con.sql(
            f"SELECT {cols} FROM {between.physical_name} "
            f"UNION ALL SELECT {cols} FROM {within.physical_name}"
        ).to_arrow_table(),
        table_name="increment_predictions",
    )
    return Trained(linker, db_api, union)
