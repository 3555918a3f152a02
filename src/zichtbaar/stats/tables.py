"""Definitions of the monitor tables (registered on import into ``REGISTRY`` / ``DETAIL``).

``REGISTRY`` holds the two-way tables (year × one category) the report shows; ``DETAIL`` holds
multi-way tables (follow-up by group, nationality within nationality group) for releases that ask
for them. Unless a table says otherwise it counts persons, in their ``persons.year``: the year of
exploitation a reporter gave, else the year of the first registration (docs/estimation.md).
"""

from __future__ import annotations

from zichtbaar.standard.codes import CODE_LISTS, EVENT_TYPES
from zichtbaar.stats.registry import REGISTRY, TableDefinition, TableRegistry

DETAIL = TableRegistry()
"""Multi-way monitor tables (more than one summed dim, or hierarchies)."""

HELP_TYPES = ("shelter", "residence_permit", "youth_care_start", "child_protection_measure")
"""Register events that count as help in the follow-up tables."""

_TIMING = """
    CASE WHEN h.first_help IS NULL THEN 'later_or_none'
         WHEN h.first_help <= p.first_date + INTERVAL 3 MONTH THEN 'm00_03'
         WHEN h.first_help <= p.first_date + INTERVAL 6 MONTH THEN 'm03_06'
         WHEN h.first_help <= p.first_date + INTERVAL 12 MONTH THEN 'm06_12'
         ELSE 'later_or_none' END
"""


def _per_year(dim: str, name: str, nl: str, en: str, expr: str | None = None) -> TableDefinition:
    """Registered presumed victims (persons) per year (``persons.year``) × one dimension."""
    return REGISTRY.add(
        TableDefinition(
            name=name,
            title_nl=f"Geregistreerde mogelijke slachtoffers per jaar naar {nl}",
            title_en=f"Registered presumed victims per year by {en}",
            dims=("year", dim),
            sql=f"""
                SELECT year, {expr or dim} AS {dim}, count(*) AS count
                FROM persons
                WHERE year BETWEEN {{year_from}} AND {{year_to}}
                GROUP BY ALL ORDER BY ALL
            """,
            description=(
                "Persons, not registrations: each presumed victim counts once, in the year of "
                "exploitation a reporter gave (else the year of the first registration by any "
                "reporter), including statistics-only reports."
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
VICTIMS_BY_REPORTER = REGISTRY.add(
    TableDefinition(
        name="victims_by_year_reporter_type",
        title_nl="Geregistreerde mogelijke slachtoffers per jaar naar type eerste melder",
        title_en="Registered presumed victims per year by type of first reporter",
        dims=("year", "reporter_type"),
        sql="""
            SELECT p.year, arg_min(g.reporter_type, g.registration_date) AS reporter_type,
                   1 AS count
            FROM persons p JOIN registration_person rp USING (person_id)
            JOIN registrations g USING (registration_id)
            WHERE p.year BETWEEN {year_from} AND {year_to}
            GROUP BY p.person_id, p.year
        """,
        description="Each person once, under the reporter type of their first registration, "
        "so the categories add up to the persons of the year.",
    )
)
MINORS_DOMESTIC_SEXUAL = REGISTRY.add(
    TableDefinition(
        name="minors_domestic_sexual",
        title_nl="Minderjarige mogelijke slachtoffers van binnenlandse seksuele uitbuiting",
        title_en="Minor presumed victims of domestic sexual exploitation",
        dims=("year", "measure"),
        sql="""
            SELECT year, 'registered' AS measure, count(*) AS count
            FROM persons
            WHERE year BETWEEN {year_from} AND {year_to}
              AND form = 'domestic_sexual' AND minor_adult = 'minor'
            GROUP BY ALL
        """,
        description="Registered minors; the estimated number (multiple systems estimation) is "
        "added by estimate.published (the release's minors_domestic_sexual_estimated).",
    )
)
STATISTICS_ONLY = REGISTRY.add(
    TableDefinition(
        name="statistics_only_by_year_reporter_type",
        title_nl="Meldingen zonder grondslag of toestemming (alleen statistiek) per type melder",
        title_en="Reports without legal basis or consent (statistics only) by reporter type",
        dims=("year", "reporter_type"),
        unit="registrations",
        max_contributions=None,  # a person may send any number of statistics-only reports
        sql="""
            SELECT year(registration_date)::INTEGER AS year, reporter_type, count(*) AS count
            FROM registrations
            WHERE legal_basis = 'none'
              AND year(registration_date) BETWEEN {year_from} AND {year_to}
            GROUP BY ALL
        """,
        description="Registrations, not persons: the signals that reach the registry only as "
        "statistics and can never be linked or followed up (the lost visibility).",
    )
)
POLICE_REPORTS = REGISTRY.add(
    TableDefinition(
        name="police_reports_by_year_nationality",
        title_nl="Slachtoffers met een aangifte per jaar naar nationaliteit",
        title_en="Victims with a police report per year by nationality",
        dims=("year", "nationality4"),
        max_contributions=None,  # a person may report in several years
        requires=("person_events.event_type",),
        sql="""
            SELECT year(e.event_date)::INTEGER AS year,
                   CASE p.nationality_group WHEN 'NL' THEN 'dutch' WHEN 'EU_EEA' THEN 'other_eu'
                        WHEN 'AFRICA' THEN 'african' ELSE 'other' END AS nationality4,
                   count(DISTINCT p.person_id) AS count
            FROM person_events e JOIN persons p USING (person_id)
            WHERE e.event_type = 'police_report'
              AND year(e.event_date) BETWEEN {year_from} AND {year_to}
            GROUP BY ALL
        """,
        description="Persons with at least one police report (aangifte) in the year of the "
        "report; Dutch, other EU/EEA, African, other.",
    )
)
ASYLUM_DUBLIN = REGISTRY.add(
    TableDefinition(
        name="asylum_dublin_by_year",
        title_nl="Slachtoffers met een asielaanvraag en Dublinstatus per jaar",
        title_en="Victims with an asylum application and Dublin status per year",
        dims=("year", "asylum_dublin"),
        requires=("person_events.dublin_status",),
        sql="""
            WITH a AS (
                SELECT person_id,
                       bool_or(dublin_status = 'dublin_claim') AS claim
                FROM person_events WHERE event_type = 'asylum_application' GROUP BY person_id
            )
            SELECT p.year,
                   CASE WHEN a.person_id IS NULL THEN 'no_asylum_application'
                        WHEN a.claim THEN 'asylum_dublin_claim'
                        ELSE 'asylum_no_dublin_claim' END AS asylum_dublin,
                   count(*) AS count
            FROM persons p LEFT JOIN a USING (person_id)
            WHERE p.year BETWEEN {year_from} AND {year_to} AND NOT p.statistics_only
            GROUP BY ALL
        """,
        description="Linkable persons (statistics-only rows are never linked to registers) by "
        "whether an asylum application was found and whether it carries a Dublin claim; the "
        "row total is the denominator of the shares.",
    )
)


def _help_sql(help_type: str, group: str | None) -> str:
    sel = f"'{help_type}' AS help, p.{group}, " if group else ""
    return f"""
        WITH h AS (
            SELECT e.person_id, min(e.event_date) AS first_help
            FROM person_events e JOIN persons p USING (person_id)
            WHERE e.event_type = '{help_type}' AND e.event_date >= p.first_date
            GROUP BY e.person_id
        )
        SELECT p.year, {sel}{_TIMING} AS timing, count(*) AS count
        FROM persons p LEFT JOIN h USING (person_id)
        WHERE p.year BETWEEN {{year_from}} AND {{year_to}} AND NOT p.statistics_only
        GROUP BY ALL
    """


for _help in HELP_TYPES:
    REGISTRY.add(
        TableDefinition(
            name=f"followup_{_help}_by_year",
            title_nl=f"Opvolging: tijd tot eerste {EVENT_TYPES.label(_help, 'nl').lower()} na eerste melding, per jaar",
            title_en=f"Follow-up: time to first {EVENT_TYPES.label(_help, 'en').lower()} after first registration, per year",
            dims=("year", "timing"),
            requires=("person_events.event_type",),
            sql=_help_sql(_help, None),
            description="Cohort of linkable persons of the year (of exploitation, else of first "
            "registration), timed from their first registration; the share "
            "within 3, 6 and 12 months is the cumulative sum of m00_03, m03_06, m06_12 over the "
            "row total (statistics-only persons are excluded: they are never followed up).",
        )
    )

for _group in ("form", "minor_adult"):
    DETAIL.add(
        TableDefinition(
            name=f"followup_by_year_{_group}",
            title_nl=f"Opvolging: tijd tot eerste hulp naar {CODE_LISTS[_group].title('nl').lower()}",
            title_en=f"Follow-up: time to first help by {CODE_LISTS[_group].title('en').lower()}",
            dims=("year", "help", _group, "timing"),
            strata=("year", "help"),
            max_contributions=len(HELP_TYPES),  # once per help type
            requires=("person_events.event_type",),
            sql=" UNION ALL ".join(f"({_help_sql(h, _group)})" for h in HELP_TYPES),
            description="As the followup_*_by_year tables, split by group; help is a stratum "
            "because a person appears once per help type.",
        )
    )

DETAIL.add(
    TableDefinition(
        name="victims_by_year_nationality_detail",
        title_nl="Geregistreerde mogelijke slachtoffers naar nationaliteit en nationaliteitsgroep",
        title_en="Registered presumed victims by nationality within nationality group",
        dims=("year", "nationality_group", "nationality"),
        hierarchy={"nationality": "nationality_group"},
        sql="""
            SELECT p.year, p.nationality_group,
                   arg_min(g.nationality, g.registration_date) AS nationality, 1 AS count
            FROM persons p JOIN registration_person rp USING (person_id)
            JOIN registrations g USING (registration_id)
            WHERE p.year BETWEEN {year_from} AND {year_to}
            GROUP BY p.person_id, p.year, p.nationality_group
        """,
        description="Nationality → nationality group → total, protected as one hierarchy.",
    )
)

_SUSPECT_AGE = """CASE WHEN age IS NULL THEN 'unknown' WHEN age < 18 THEN 'minor'
    WHEN age < 23 THEN '18-22' WHEN age < 30 THEN '23-29' ELSE '30+' END"""


def _suspects(dim: str, expr: str, nl: str, en: str, where: str = "TRUE") -> TableDefinition:
    return REGISTRY.add(
        TableDefinition(
            name=f"suspects_by_year_{dim}",
            title_nl=f"Verdachten van mensenhandel per jaar naar {nl}",
            title_en=f"Suspects of trafficking per year by {en}",
            dims=("year", dim),
            unit="suspects",
            requires=("suspects.age", "suspects.gender", "suspects.conviction"),
            sql=f"""
                SELECT year, {expr} AS {dim}, count(*) AS count FROM suspects
                WHERE year BETWEEN {{year_from}} AND {{year_to}} AND {where}
                GROUP BY ALL
            """,
            description="Suspects in prosecution cases (Dadermonitor), in the case's year.",
        )
    )


SUSPECTS_BY_FORM = _suspects("form", "form", "vorm van uitbuiting", "form of exploitation")
SUSPECTS_BY_AGE = _suspects("age_group", _SUSPECT_AGE, "leeftijd", "age group")
SUSPECTS_UNDER23 = _suspects(
    "under23_domestic_sexual",
    "CASE WHEN age IS NULL THEN 'unknown' WHEN age < 23 THEN 'under_23' ELSE '23_plus' END",
    "leeftijd (binnenlandse seksuele uitbuiting, jonger dan 23)",
    "age (domestic sexual exploitation, under 23)",
    where="form = 'domestic_sexual'",
)
SUSPECTS_BY_GENDER = _suspects("gender", "gender", "geslacht", "gender")
SUSPECTS_BY_NATIONALITY = _suspects(
    "nationality_group", "nationality_group", "nationaliteitsgroep", "nationality group"
)
SUSPECTS_BY_DECISION = _suspects(
    "prosecution_decision", "prosecution_decision", "vervolgingsbeslissing", "prosecution decision"
)
SUSPECTS_BY_CONVICTION = _suspects("conviction", "conviction", "uitspraak", "court outcome")
