"""Definitions of the monitor tables (registered on import into ``REGISTRY``)."""

from __future__ import annotations

from zichtbaar.stats.registry import REGISTRY, TableDefinition


def _per_year(dim: str, name: str, nl: str, en: str) -> TableDefinition:
    """Registered presumed victims (persons) per year of first registration × one dimension."""
    return REGISTRY.add(
        TableDefinition(
            name=name,
            title_nl=f"Geregistreerde mogelijke slachtoffers per jaar naar {nl}",
            title_en=f"Registered presumed victims per year by {en}",
            dims=("year", dim),
            sql=f"""
                SELECT year, {dim}, count(*) AS count
                FROM persons
                WHERE year BETWEEN {{year_from}} AND {{year_to}}
                GROUP BY ALL ORDER BY ALL
            """,
            description=(
                "Persons, not registrations: each presumed victim counts once, in the year of "
                "the first registration by any reporter, including statistics-only reports."
            ),
        )
    )


VICTIMS_BY_FORM = _per_year(
    "form", "victims_by_year_form", "vorm van uitbuiting", "form of exploitation"
)
VICTIMS_BY_AGE = _per_year("minor_adult", "victims_by_year_minor", "minderjarigheid", "minor/adult")
VICTIMS_BY_GENDER = _per_year("gender", "victims_by_year_gender", "geslacht", "gender")
VICTIMS_BY_NATIONALITY = _per_year(
    "nationality_group", "victims_by_year_nationality", "nationaliteitsgroep", "nationality group"
)
VICTIMS_BY_REGION = _per_year(
    "region", "victims_by_year_region", "politie-eenheid", "police region"
)
