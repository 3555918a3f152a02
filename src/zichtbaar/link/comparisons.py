"""The splink comparisons of the linkage model (``model.py``): exact tokens, the Dice of the
name and address filters, the coded gender and nationality group, and how far apart two were
registered; and the labels of the levels the training sets u or floors of by name."""

from __future__ import annotations

from typing import Any

from zichtbaar.link.dialect import DUCKDB, Dialect
from zichtbaar.link.model import UNKNOWN_NATIONALITY_GROUP, LinkModel


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
SAME_PLACE_NAME = "same place and name key"
SAME_ADDRESS = "same postcode and number, similar address"


SAME_NAME = "same name"
SWAPPED = "given name and surname swapped"


def _dice(dialect: Dialect, left: str, right: str) -> str:
    """SQL: the Dice of the left record's ``left`` filter and the right record's ``right`` one
    (prepared by ``partners.prepare_records``: ``bloom``, ``given``, ``surname``)."""
    return dialect.dice_prepared(f"{left}_bits_l", f"{right}_bits_r", f"{left}_n_l", f"{right}_n_r")


def _part_levels(model: LinkModel, dialect: Dialect) -> list[dict[str, Any]]:
    """The levels that read the name's parts (schema 3.3), for ``_name``.

    Each part is its own evidence, as clear-text linkage weighs given name and surname apart: a
    pair with one part wholly changed (a later surname, a nickname) keeps the other part's
    agreement, and a part one record lacks is missing, not dissimilar. The two parts' filters
    share their bits (``encode/bloom.HASH_LABEL``), so a given name written as the other
    record's surname is seen crosswise. A pair of which a record lacks the parts (schema 3.2)
    finds none of these levels true and is weighed by the whole-name filter alone.
    """

    def dice(a: str, b: str) -> str:
        return _dice(dialect, a, b)

    def holds(condition: str) -> str:
        return f"coalesce({condition}, false)"

    same, similar = model.dice_levels[0], model.dice_levels[-1]
    # either crosswise pair identical: one record's further given names may be initials where
    # the other's, written as its surname, are whole, so only one of the two crosses is exact
    swapped = " OR ".join(
        holds(f"{dice(a, b)} >= {model.dice_levels[1]}")
        for a, b in (("given", "surname"), ("surname", "given"))
    )
    levels = [(SWAPPED, swapped)]
    for part, other in (("given", "surname"), ("surname", "given")):
        levels.append(
            (
                f"same {part}, similar {other}",
                holds(f"{dice(part, part)} >= {same} AND {dice(other, other)} >= {similar}"),
            )
        )
    return [{"sql_condition": c, "label_for_charts": label} for label, c in levels]


def _part_fallbacks(model: LinkModel, dialect: Dialect) -> list[dict[str, Any]]:
    """One part the same, the other missing on one side or different: before the whole name's
    lower Dice levels, which would mix them with typos in both parts (a changed surname leaves
    the whole filter at Dice 0.45-0.7 through the given name's bits)."""
    same = model.dice_levels[0]
    levels = []
    for kind in ("missing", "different"):
        for part, other in (("given", "surname"), ("surname", "given")):
            dice = _dice(dialect, part, part)
            absent = f"({other}_bits_l IS NULL OR {other}_bits_r IS NULL)"
            condition = f"coalesce({dice} >= {same}, false) AND "
            condition += absent if kind == "missing" else f"NOT {absent}"
            levels.append(
                {"sql_condition": condition, "label_for_charts": f"same {part}, {other} {kind}"}
            )
    return levels


def _name(model: LinkModel, dialect: Dialect) -> dict[str, Any]:
    """The name: the whole-name filters' Dice at ``LinkModel.dice_levels`` and, where both
    records carry them (schema 3.3), the parts' agreement (``_part_levels``).

    One comparison, not one per part: given name and surname are far from independent (names
    run in families and in origins: the synthetic world's look-alikes share both), so two
    comparisons would each count the common name (world seed 1: dedupe precision 0.934). Here
    u of every level, "same name" included, is the joint frequency sampled from random pairs.
    """
    dice = _dice(dialect, "bloom", "bloom")
    same, *lower = model.dice_levels
    # both parts the same is the same name too: a middle name against its initial changes the
    # whole filter (all given names) but not the given name's (the first and initials)
    both = " AND ".join(f"{_dice(dialect, p, p)} >= {same}" for p in ("given", "surname"))
    same_name = {
        "sql_condition": f"{dice} >= {same} OR coalesce({both}, false)",
        "label_for_charts": SAME_NAME,
    }
    levels: list[dict[str, Any]] = [
        {
            "sql_condition": "bloom_bits_l IS NULL OR bloom_bits_r IS NULL",
            "label_for_charts": "missing",
            "is_null_level": True,
        },
        same_name,
        *_part_levels(model, dialect),
        *_part_fallbacks(model, dialect),
        *({"sql_condition": f"{dice} >= {t}", "label_for_charts": f"Dice >= {t}"} for t in lower),
        {"sql_condition": "ELSE", "label_for_charts": "dissimilar"},
    ]
    return {"output_column_name": "bloom", "comparison_levels": levels}


def _dob() -> dict[str, Any]:
    """The date of birth: whole, swapped, or a part of it with the name key."""
    # The date parts come with the name key (schema 3.0): when the keys differ (a consonant typo,
    # a missing word) a partial date agreement is invisible and the pair falls to "different".
    return {
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


def _pob() -> dict[str, Any]:
    """The place of birth, where it is comparable."""
    # The place is compared where it can be: with the same date (tok_pob_dob) or with the same
    # name key (tok_name_pob). Agreement of either token is evidence whatever else differs; a
    # disagreement only counts where the date or a name-keyed date part agrees (the tokens then
    # differ because the place does), elsewhere the pair gets the null level.
    comparable = " OR ".join(
        ["tok_dob_l = tok_dob_r", *(f"tok_name_{p}_l = tok_name_{p}_r" for p in ("ym", "yd", "md"))]
    )
    return {
        "output_column_name": "pob",
        "comparison_levels": [
            {"sql_condition": "tok_pob_dob_l = tok_pob_dob_r", "label_for_charts": SAME_PLACE},
            # apart: a name's bearers share origins, so place agreement among namesakes is far
            # likelier than among people who share a date (``place_u``)
            {
                "sql_condition": "tok_name_pob_l = tok_name_pob_r",
                "label_for_charts": SAME_PLACE_NAME,
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


def _address(model: LinkModel, dialect: Dialect) -> dict[str, Any]:
    """The address comparison, at ``LinkModel.address_levels``."""
    # The address (schema 3.2): postcode and house number agreeing exactly, then the Dice levels
    # of the address filters. Organisations without addresses send none: the null level.
    address_dice = dialect.dice_prepared(
        "address_bits_l", "address_bits_r", "address_n_l", "address_n_r"
    )
    return {
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


def _gender() -> dict[str, Any]:
    """The coded gender ("unknown" is the null level)."""
    return {
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


def _nationality() -> dict[str, Any]:
    """The coded nationality group."""
    # The nationality group (the comparison list) counts only when it differs: agreement
    # gets weight 0 after training (``_neutral_agreement``). Look-alike names come with one
    # nationality far more often than random pairs do, so "same" with u from random pairs
    # counted the name twice (demo world: dedupe precision 0.972 against 0.994 at 0.6).
    # "Unknown" (and stateless) is the null level.
    return {
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


def _registered(model: LinkModel, dialect: Dialect) -> dict[str, Any]:
    """How far apart the two were registered, at ``LinkModel.registered_within``."""
    # When the two were registered (not an identifier): one victim's reporters register them
    # within one episode far more often than two random registrations fall close in time, and
    # EM learns by how much ("further apart" floored: ``_floor_registered_apart``). It lifts the
    # piles of look-alike patterns that identifiers cannot settle (identical names without a
    # date): demo world dedupe recall 0.9808 -> 0.9894, seed 2 0.9733 -> 0.9864
    # (docs/linkage.md). Register events carry no registration date: the null level (their own
    # date is weighed per register, ``event_dates.py``).
    days = dialect.days_apart("registration_date_l", "registration_date_r")
    return {
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


def comparisons(model: LinkModel, dialect: Dialect = DUCKDB) -> list[dict[str, Any]]:
    """splink comparisons on tokens, filter Dice, gender and nationality group."""
    return [
        _exact("bsn", "tok_bsn", "same BSN"),
        _exact("name_dob", "tok_name_dob", "same name and date"),
        _dob(),
        _name(model, dialect),
        _pob(),
        _address(model, dialect),
        _gender(),
        _nationality(),
        *([_registered(model, dialect)] if model.registered_within else []),
    ]
