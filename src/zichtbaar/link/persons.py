"""The persons table of a run: one row per linked person, and the year they count in.

The estimand is "victims exploited (first visible as a victim) in year Y" (docs/estimation.md).
A person's ``year`` is therefore the earliest ``exploitation_year`` any of their registrations
gives, and only where none gives one the year of their first registration (``year_source``
says which). ``first_date`` keeps the first registration itself: the follow-up tables measure
help from it.
"""

from __future__ import annotations

import duckdb

ATTRIBUTE_COLUMNS: dict[str, str] = {"exploitation_year": "INTEGER"}
"""Plain attributes a later version of the standard added to registrations, with their type:
a snapshot written before them lacks the column, which then links as if no reporter gave it."""

YEAR_SOURCES = ("exploitation", "registration")
"""The values of ``persons.year_source``: which rule gave the person's year."""


def add_missing_attributes(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Add the ``ATTRIBUTE_COLUMNS`` ``table`` lacks, empty (an older snapshot)."""
    present = {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}
    for column, kind in ATTRIBUTE_COLUMNS.items():
        if column not in present:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def create_persons(
    con: duckdb.DuckDBPyConnection,
    registration_person: str = "registration_person",
    table: str = "persons",
) -> None:
    """Table ``table`` from ``registrations`` and ``registration_person`` (registration_id ->
    person_id): one function for the run and its linkage draws (``draws.py``), so a draw's
    persons are exactly what the run would make of the same clusters.

    Attributes come from the first registration, modes where reporters disagree; the year as the
    module docstring says. Deterministic: ties of the first registration go by registration id
    and ties of the mode by value (DuckDB's ``mode`` and ``arg_min`` pick any of equals, so two
    builds of one clustering differed in 0.3 % of the genders of a small world).
    """
    con.execute(
        f"""
        CREATE TABLE {table} AS
        WITH r AS (
            SELECT rp.person_id, g.*,
                   count(g.gender) OVER (PARTITION BY rp.person_id, g.gender) AS n_gender,
                   count(g.nationality_group)
                       OVER (PARTITION BY rp.person_id, g.nationality_group) AS n_nationality,
                   g.registration_date::VARCHAR || g.registration_id AS first_key
            FROM registrations g JOIN {registration_person} rp USING (registration_id)
        ),
        firsts AS (
            SELECT person_id,
                   arg_min(form, first_key) AS form,
                   arg_min(age_group, first_key) AS age_group,
                   arg_min(region, first_key) AS region,
                   min(exploitation_year)::INTEGER AS exploitation_year
            FROM r GROUP BY person_id
        )
        SELECT r.person_id,
               min(registration_date) AS first_date,
               coalesce(any_value(f.exploitation_year),
                        year(min(registration_date)))::INTEGER AS year,
               CASE WHEN any_value(f.exploitation_year) IS NULL THEN 'registration'
                    ELSE 'exploitation' END AS year_source,
               any_value(f.form) AS form,
               any_value(f.age_group) AS age_group,
               CASE WHEN any_value(f.age_group) IN ('0-11', '12-17') THEN 'minor'
                    WHEN any_value(f.age_group) = 'unknown' THEN 'unknown' ELSE 'adult' END
                 AS minor_adult,
               arg_max(gender, struct_pack(n := n_gender, v := gender)) AS gender,
               arg_max(nationality_group, struct_pack(n := n_nationality, v := nationality_group))
                 AS nationality_group,
               any_value(f.region) AS region,
               count(*)::INTEGER AS n_registrations,
               count(DISTINCT org)::INTEGER AS n_orgs,
               bool_and(legal_basis = 'none') AS statistics_only
        FROM r JOIN firsts f USING (person_id)
        GROUP BY r.person_id
        """
    )
