"""Persons and capture histories from a clustering of the registrations.

The run (``run.py``) and the linkage draws (``draws.py``) build them with the same SQL (persons: ``persons.py``), so a
draw's capture histories are exactly what the run would have made of the same clusters.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from zichtbaar.link.dialect import DUCKDB
from zichtbaar.standard.codes import REPORTER_TYPES


def _ids(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [str(r[0]) for r in con.execute(sql).fetchall()]


@dataclass(frozen=True)
class ScoredPairs:
    """Scored dedupe pairs as the clustering takes them: ``pairs`` (id_l, id_r), their
    ``probabilities`` (the merge order) and ``gaps`` (days between the registration dates: the
    tie-break; 1e9 where a date is missing)."""

    pairs: list[tuple[str, str]]
    probabilities: list[float]
    gaps: list[float]


def scored_pairs(con: duckdb.DuckDBPyConnection, min_probability: float) -> ScoredPairs:
    """The pairs of ``dedupe_predictions`` scored at or above ``min_probability``, with the
    registration dates' distance.

    Equal scores (one registration resembling two people equally, typically one without
    names) merge first where the registration dates lie closest: one victim's reporters
    register them within weeks, a look-alike is another victim registered at another time.
    Ordered by the ids, so the pairs come in the same order whatever DuckDB's threads do.
    """
    rows = con.execute(
        f"""
        SELECT p.id_l, p.id_r, p.match_probability,
               coalesce({DUCKDB.days_apart("a.registration_date", "b.registration_date")}, 1e9)
        FROM dedupe_predictions p
        JOIN registrations a ON a.registration_id = p.id_l
        JOIN registrations b ON b.registration_id = p.id_r
        WHERE p.match_probability >= ?
        ORDER BY p.id_l, p.id_r
        """,
        [min_probability],
    ).fetchall()
    return ScoredPairs(
        [(str(a), str(b)) for a, b, _, _ in rows],
        [float(p) for _, _, p, _ in rows],
        [float(g) for _, _, _, g in rows],
    )


def create_capture_histories(
    con: duckdb.DuckDBPyConnection,
    persons: str = "persons",
    registration_person: str = "registration_person",
    table: str = "capture_histories",
) -> None:
    """Table ``table``: per person (year and covariates from ``persons``) which reporter types
    (``rt_<type>``) and organisations (``"org_<org>"``) registered them. Every organisation of
    the registrations gets a column, so every draw's histories have the run's columns."""
    flags = ",\n".join(
        f"max(CASE WHEN g.reporter_type = '{c.code}' THEN 1 ELSE 0 END)::INTEGER AS rt_{c.code}"
        for c in REPORTER_TYPES
    )
    orgs = _ids(con, "SELECT DISTINCT org FROM registrations ORDER BY org")
    org_flags = ",\n".join(
        f"max(CASE WHEN g.org = '{o}' THEN 1 ELSE 0 END)::INTEGER AS \"org_{o}\"" for o in orgs
    )
    con.execute(
        f"""
        CREATE TABLE {table} AS
        SELECT p.person_id, p.year, p.form, p.age_group, p.minor_adult, p.gender,
               p.nationality_group, p.region, p.statistics_only,
               {flags}{"," if org_flags else ""}
               {org_flags}
        FROM {persons} p
        JOIN {registration_person} rp USING (person_id)
        JOIN registrations g USING (registration_id)
        GROUP BY ALL
        """
    )
