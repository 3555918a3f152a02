"""When a register event happened, relative to the registration it is compared with, as
evidence for a person-event link.

A victim's register events follow their registration with lags typical of each register: a
shelter placement within weeks, a police report within a month, a residence permit within
months, youth care often before anyone registers the victim, a prosecution decision a year or
so later. A look-alike's event falls anywhere in the years the register covers. The identifiers
cannot tell a victim without a date of birth from a look-alike with the same name; the event's
timing can.

The gap (event date minus registration date, in days) falls into signed buckets. Per register:

- **m** of a bucket is its share among the pairs the identifiers already settle (score at or
  above ``LinkModel.event_gap_sure`` without the gap), plus half a pair per bucket, floored at
  ``LinkModel.event_gap_m_floor`` (a lag nobody was seen with yet is unlikely, not impossible);
  a register with fewer than ``MIN_SURE_PAIRS`` settled pairs uses the pooled m of all.
- **u** of a bucket is its share among all (registration, event) pairs of the register,
  computed exactly from the two tables' date counts (one row per distinct day on each side, so
  the work is bounded by the years covered, not the population).

The pair's match weight gains log2(m / u) of its bucket. This is not done inside splink: the
evidence needs the register (a per-register comparison would be one splink model per register,
trained on pairs that do not exist until the persons do), and m is learnt from the link's own
settled pairs, which splink's EM has no notion of. No labels: both come from the data.
"""

from __future__ import annotations

import itertools

import duckdb

from zichtbaar.link.dialect import DUCKDB
from zichtbaar.link.model import LinkModel

EVENT_GAP_COLUMNS = (
    "register_org VARCHAR, bucket INTEGER, label VARCHAR, m DOUBLE, u DOUBLE, weight DOUBLE, "
    "settled_pairs INTEGER"
)
"""Columns of table ``event_gap_parameters`` (also when a run has no register events)."""

U_FLOOR = 1e-6
"""Least u of a gap bucket (one that no pair of registration and event falls in)."""

MIN_SURE_PAIRS = 50
"""Fewest settled pairs of a register for its own m of the gap buckets (else the pooled m)."""


def bucket_sql(gap: str, edges: tuple[int, ...]) -> str:
    """SQL: the bucket (0 .. len(edges)) of a signed gap in days; bucket i holds gaps below
    ``edges[i]`` and at or above ``edges[i - 1]``."""
    cases = " ".join(f"WHEN {gap} < {edge} THEN {i}" for i, edge in enumerate(edges))
    return f"CASE WHEN {gap} IS NULL THEN NULL {cases} ELSE {len(edges)} END"


def _bucket_labels(edges: tuple[int, ...]) -> list[str]:
    labels = [f"< {edges[0]} days"]
    labels += [f"{lo} to {hi - 1} days" for lo, hi in itertools.pairwise(edges)]
    labels.append(f">= {edges[-1]} days")
    return labels


def score_event_pairs(con: duckdb.DuckDBPyConnection, candidates: str, model: LinkModel) -> None:
    """Tables ``event_gap_parameters`` (register, bucket, label, m, u, weight, settled pairs)
    and ``event_pairs``: the ``candidates`` (l_id ``person|registration``, r_id the event,
    match_probability, match_weight) with the gap's weight added, kept where the probability
    reaches ``model.register_threshold``.

    Needs tables ``registrations`` (registration_id, registration_date), ``register_events``
    (event_id, org, event_date) and ``link_eligible`` (id ``person|registration``: the
    registrations that may be linked, the population of u). A pair whose dates are unknown
    keeps its score.
    """
    edges = model.event_gap_edges
    if not edges:
        con.execute(
            f"CREATE OR REPLACE TABLE event_pairs AS SELECT l_id, r_id, match_probability, "
            f"match_weight, match_weight AS model_weight FROM {candidates} "
            f"WHERE match_probability >= {model.register_threshold}"
        )
        con.execute(f"CREATE OR REPLACE TABLE event_gap_parameters ({EVENT_GAP_COLUMNS})")
        return
    n_buckets = len(edges) + 1
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gap_candidates AS
        SELECT c.*, e.org,
               {bucket_sql(DUCKDB.days_from("g.registration_date", "e.event_date"), edges)}
                 AS bucket
        FROM {candidates} c
        JOIN register_events e ON e.event_id = c.r_id
        JOIN registrations g ON g.registration_id = split_part(c.l_id, '|', 2)
        """
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE gap_buckets AS SELECT range AS bucket FROM range({n_buckets})"
    )
    # u: every eligible registration against every event of the register, by distinct days
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gap_u AS
        WITH rd AS (
            SELECT g.registration_date AS d, count(*) AS n
            FROM registrations g
            WHERE g.registration_date IS NOT NULL AND g.registration_id IN
                  (SELECT split_part(id, '|', 2) FROM link_eligible)
            GROUP BY 1
        ),
        ed AS (
            SELECT org, event_date AS d, count(*) AS n FROM register_events
            WHERE event_date IS NOT NULL GROUP BY 1, 2
        ),
        pairs AS (
            SELECT ed.org, {bucket_sql(DUCKDB.days_from("rd.d", "ed.d"), edges)} AS bucket,
                   sum(rd.n * ed.n) AS n
            FROM ed CROSS JOIN rd GROUP BY 1, 2
        ),
        grid AS (
            SELECT o.org, b.bucket, coalesce(p.n, 0) AS n
            FROM (SELECT DISTINCT org FROM pairs) o CROSS JOIN gap_buckets b
            LEFT JOIN pairs p USING (org, bucket)
        )
        -- a bucket no pair falls in keeps a row (and its m a share): floored, not missing
        SELECT org, bucket, greatest(n / sum(n) OVER (PARTITION BY org), {U_FLOOR}) AS u
        FROM grid
        """
    )
    # m: the settled pairs' buckets, per register, with half a pair per bucket, floored and
    # normalised
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE gap_m AS
        WITH sure AS (
            SELECT org, bucket, count(*) AS n FROM gap_candidates
            WHERE match_probability >= {model.event_gap_sure} AND bucket IS NOT NULL
            GROUP BY 1, 2
        ),
        orgs AS (SELECT DISTINCT org FROM gap_u),
        counts AS (
            SELECT o.org, b.bucket, coalesce(s.n, 0) AS n,
                   sum(coalesce(s.n, 0)) OVER (PARTITION BY b.bucket) AS pooled_n
            FROM orgs o CROSS JOIN gap_buckets b LEFT JOIN sure s USING (org, bucket)
        ),
        shares AS (
            SELECT org, bucket, n,
                   sum(n) OVER (PARTITION BY org) AS settled,
                   (n + 0.5) / (sum(n) OVER (PARTITION BY org) + {n_buckets / 2}) AS own,
                   (pooled_n + 0.5) / (sum(pooled_n) OVER (PARTITION BY org) + {n_buckets / 2})
                     AS pooled
            FROM counts
        ),
        floored AS (
            SELECT org, bucket, settled,
                   greatest(CASE WHEN settled >= {MIN_SURE_PAIRS} THEN own ELSE pooled END,
                            {model.event_gap_m_floor}) AS m
            FROM shares
        )
        SELECT org, bucket, settled, m / sum(m) OVER (PARTITION BY org) AS m FROM floored
        """
    )
    labels = _bucket_labels(edges)
    con.execute(
        """
        CREATE OR REPLACE TABLE event_gap_parameters AS
        SELECT m.org AS register_org, m.bucket::INTEGER AS bucket,
               ? [m.bucket + 1] AS label, m.m, u.u, log2(m.m / u.u) AS weight,
               m.settled::INTEGER AS settled_pairs
        FROM gap_m m JOIN gap_u u USING (org, bucket)
        ORDER BY 1, 2
        """,
        [labels],
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE event_pairs AS
        WITH scored AS (
            SELECT c.l_id, c.r_id, c.match_weight AS model_weight,
                   c.match_weight + coalesce(p.weight, 0) AS match_weight
            FROM gap_candidates c
            LEFT JOIN event_gap_parameters p
              ON p.register_org = c.org AND p.bucket = c.bucket
        )
        SELECT * FROM (
            SELECT l_id, r_id, 1 / (1 + pow(2, -match_weight)) AS match_probability,
                   match_weight, model_weight
            FROM scored
        )
        WHERE match_probability >= {model.register_threshold}
        """
    )
    for table in ("gap_candidates", "gap_buckets", "gap_u", "gap_m"):
        con.execute(f"DROP TABLE {table}")
