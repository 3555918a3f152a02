"""Date-free blocking: dated records whose name filters share an LSH band and whose names are
alike, while their dates of birth differ.

Every other dedupe rule needs some agreement on the date (the whole date, a swap, or a part of
it with the name key), so a pair whose date changed wholly, or whose date has a one-digit slip
while a consonant typo changed the name key, was never compared. The independent data shows how
many such pairs there are: on ``gb`` (names, date and sex) 743 of 15,658 true pairs were never
blocked, 174 of them with identical name filters; on FEBRL3 503 of 6,538, 167 identical
(docs/linkage.md, "Independent evaluation data").

Why bands of the name filter and not new tokens (a surname token, a given-name token, a
phonetic key): a token of a name alone is a deterministic function of the name, so its
frequency in the hub's store is the name's frequency, which is what the token frequency attack
decodes (docs/attacks.md); schema 3.0 dropped every stand-alone part token for that reason.
The bands are computed at the hub from the hardened filters it already holds, so this rule adds
nothing an attacker could not compute.

What bounds the cost at national scale: namesakes (different people with one name) share
nearly all bands, and their pairs grow with the square of a name's frequency. A band value held
by more than a limit of dated records is skipped (``date_free_cap``: 50, or less where the
pairs would exceed ``LinkModel.date_free_rows``), so a very common
name proposes no date-free pairs at all: with a different date such a pair could not be told
from the name's other bearers anyway. Of the pairs sharing a band, only those whose names reach
``LinkModel.date_free_dice`` are kept (the rule is for names that survived a date change, not
for look-alikes), and only the first ``LinkModel.date_free_bands`` bands are joined.

The pairs join the LSH partner lists (``partners.add_lsh_partners``), so splink blocks on them
through the rule it already has, and ``link/blocking.py`` counts them in the blocking recall.
"""

from __future__ import annotations

from typing import Protocol

import duckdb

from zichtbaar.link.dialect import DUCKDB


class DateFreeSettings(Protocol):
    """The two settings of ``LinkModel`` this rule reads (a protocol: no import cycle)."""

    @property
    def date_free_dice(self) -> float | None: ...

    @property
    def date_free_max_records(self) -> int: ...

    @property
    def date_free_bands(self) -> int: ...

    @property
    def date_free_rows(self) -> int: ...

    @property
    def date_free_up_to(self) -> int: ...


CAPS = (50, 20, 10, 5, 2)
"""Limits tried in turn (``date_free_cap``): the most records one band value may hold and still
propose date-free pairs."""


def _bands_sql(settings: DateFreeSettings, recs: str) -> str:
    return (
        f"SELECT id, tok_dob, unnest(lsh[1:{settings.date_free_bands}]) AS k "
        f"FROM {recs} WHERE NOT undated AND len(lsh) > 0"
    )


def date_free_cap(con: duckdb.DuckDBPyConnection, union: str, settings: DateFreeSettings) -> int:
    """The most records a band value may hold for its date-free pairs: the largest of ``CAPS``
    (at most ``date_free_max_records``) whose band-equal rows with different dates stay within
    ``date_free_rows``; 0 where none does, or above ``date_free_up_to`` dated records (no
    date-free pairs).

    Counted by band value and date (two group-bys), not by the join it sizes. A small
    population keeps the limit of 50; a national one, whose common names share bands by the
    thousand, gets a tighter one (docs/linkage.md).
    """
    caps = [c for c in CAPS if c <= settings.date_free_max_records]
    if settings.date_free_dice is None or not caps:
        return 0
    dated = con.execute(f"SELECT count(*) FROM ({union}) WHERE NOT undated").fetchall()[0][0]
    if int(dated) > settings.date_free_up_to:
        return 0
    sums = ", ".join(
        f"coalesce(sum(n * (n - 1) / 2 - same) FILTER (WHERE n <= {c}), 0)" for c in caps
    )
    row = con.execute(
        f"""
        WITH recs AS ({union}),
        by_date AS (SELECT k, tok_dob, count(*) AS m FROM ({_bands_sql(settings, "recs")})
                    GROUP BY k, tok_dob),
        by_band AS (SELECT sum(m) AS n, sum(m * (m - 1) / 2) AS same FROM by_date
                    GROUP BY k HAVING sum(m) > 1)
        SELECT {sums} FROM by_band
        """
    ).fetchall()[0]
    for cap, rows in zip(caps, row, strict=True):
        if float(rows) <= settings.date_free_rows:
            return cap
    return 0


def date_free_ctes(settings: DateFreeSettings, cap: int, recs: str = "recs") -> str:
    """SQL common table expressions (to follow a ``WITH``), the last of which,
    ``date_free_pairs (a, b)``, holds each proposed pair once (a < b).

    ``recs`` must have ``id``, ``lsh`` (the band keys), ``undated``, ``tok_dob``,
    ``bloom_bits`` and ``bloom_n``; ``cap`` is ``date_free_cap``'s limit. With
    ``date_free_dice`` None or a cap of 0 the pairs are empty.
    """
    if settings.date_free_dice is None or cap <= 0:
        return "date_free_pairs AS (SELECT NULL::VARCHAR AS a, NULL::VARCHAR AS b WHERE false)"
    dice = DUCKDB.dice_prepared("x.bloom_bits", "y.bloom_bits", "x.bloom_n", "y.bloom_n")
    return f"""
        dated_bands AS ({_bands_sql(settings, recs)}),
        common_bands AS (SELECT k FROM dated_bands GROUP BY k HAVING count(*) > {cap}),
        rare_bands AS (SELECT * FROM dated_bands ANTI JOIN common_bands USING (k)),
        date_free_candidates AS (
            SELECT DISTINCT x.id AS a, y.id AS b
            FROM rare_bands x JOIN rare_bands y
              ON x.k = y.k AND x.id < y.id AND x.tok_dob <> y.tok_dob
        ),
        date_free_pairs AS (
            SELECT c.a, c.b FROM date_free_candidates c
            JOIN {recs} x ON x.id = c.a JOIN {recs} y ON y.id = c.b
            WHERE {dice} >= {settings.date_free_dice}
        )
    """
