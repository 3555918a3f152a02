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


def create_persons(con: duckdb.DuckDBPyConnection) -> None:
    """Table ``persons`` from ``registrations`` and ``registration_person``.

    Attributes come from the first registration, modes where reporters disagree; the year as the
    module docstring says.
    """
    con.execute(
        """
        CREATE TABLE persons AS
        WITH r AS (
            SELECT rp.person_id, g.*
            FROM registrations g JOIN registration_person rp USING (registration_id)
        ),
        firsts AS (
            SELECT person_id,
                   arg_min(form, registration_date) AS form,
                   arg_min(age_group, registration_date) AS age_group,
                   arg_min(region, registration_date) AS region,
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
               mode(gender) AS gender,
               mode(nationality_group) AS nationality_group,
               any_value(f.region) AS region,
               count(*)::INTEGER AS n_registrations,
               count(DISTINCT org)::INTEGER AS n_orgs,
               bool_and(legal_basis = 'none') AS statistics_only
        FROM r JOIN firsts f USING (person_id)
        GROUP BY r.person_id
        """
    )
