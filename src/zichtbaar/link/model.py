"""The probabilistic linkage model: splink (Fellegi-Sunter) on encodings only.

Comparisons use what organisations send: exact HMAC tokens (BSN, name + date of birth, date of
birth and its day/month-swapped twin, and since encoding schema 3.0 two date parts or the place
of birth together with the name key), the Dice similarity of the hardened name filters at several
levels, the address filter's Dice and the address token where organisations send an address
(schema 3.2), the coded gender and nationality group, and how far apart the two were registered.
The name filter holds the name only (as one bag of words plus its transliteration skeleton), so
date, place and gender are each counted once, by their own comparison. Blocking joins on tokens
and on LSH bands of the filters (``lsh.py``). u comes from random sampling, m from EM: no labels.

This module holds the model's settings (``LinkModel``) and the columns it compares; the
comparisons are in ``comparisons.py``, the blocking rules in ``blocking_rules.py``, the records'
preparation and LSH partners in ``partners.py``, u of the place in ``place_u.py`` and the splink
settings, training and prediction in ``training.py``.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from zichtbaar.link.lsh import LshConfig
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
    evidence (``cannot_link.contradicts``); see ``clusters.py``. A
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
    namesake_place_u: float | None = None
    """u of "same place and name key": the chance that two different people with the same name
    (and a different date) were born in the same place. None: ``place_u``."""
    estimate_namesake_place_u: bool = False
    """Estimate ``namesake_place_u`` from the data (``place_u.estimate_namesake_place_u``)."""
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
    conditional_u: tuple[str, ...] = ("dob",)
    """Comparisons whose u is counted among random pairs that the other one does not mark as
    likely one person (``u_sampling.py``): "dob" (the date, leaving out pairs with the same
    name) and "bloom" (the name, leaving out pairs sharing the date or a part of it). Empty:
    splink's random sampling alone, as before 8 Dec 2026 (docs/linkage.md)."""
    seed: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkModel:
        """The model ``to_dict`` wrote (a run's ``link_quality``)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["dice_levels"] = tuple(values["dice_levels"])
        for name in (
            "address_levels",
            "partner_bits",
            "registered_within",
            "event_gap_edges",
            "conditional_u",
        ):
            if name in values:
                values[name] = tuple(values[name])
        # a run from before the denser partner bands used the bands' own width
        values.setdefault("partner_bits", ())
        values.setdefault("registered_within", ())
        values.setdefault("event_gap_edges", ())
        values.setdefault("date_free_dice", None)  # a run from before the date-free partners
        values.setdefault("conditional_u", ())
        values["lsh"] = LshConfig(**values["lsh"])
        if "address_lsh" in values:
            values["address_lsh"] = LshConfig(**values["address_lsh"])
        return cls(**values)
