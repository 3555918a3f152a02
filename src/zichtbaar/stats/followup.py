"""Follow-up statistics that are not counts: the median time from first signal to first help.

A median is not additive, so it cannot go through cell suppression; the release publishes it only
for groups of at least ``min_cell`` persons with help (see ``disclosure.release``).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from zichtbaar.stats.tables import HELP_TYPES


def median_days_to_first_help(
    con: duckdb.DuckDBPyConnection, year_from: int, year_to: int
) -> pd.DataFrame:
    """Per year, help type and group (``all``, by ``minor_adult``, by ``form``): the number of
    linkable persons who got that help after their first registration and the median days."""
    types = ", ".join(f"'{h}'" for h in HELP_TYPES)
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'person_events'"
    ).fetchone()
    if found != (1,):
        return pd.DataFrame(columns=["year", "help", "by", "group", "n", "median_days"])
    sql = f"""
        WITH h AS (
            SELECT e.person_id, e.event_type AS help, min(e.event_date) AS first_help
            FROM person_events e JOIN persons p USING (person_id)
            WHERE e.event_type IN ({types}) AND e.event_date >= p.first_date
            GROUP BY ALL
        ), d AS (
            SELECT p.year, h.help, p.minor_adult, p.form,
                   date_diff('day', p.first_date, h.first_help) AS days
            FROM h JOIN persons p USING (person_id)
            WHERE p.year BETWEEN {int(year_from)} AND {int(year_to)} AND NOT p.statistics_only
        )
        SELECT year, help, 'all' AS by, 'all' AS "group", count(*) AS n,
               median(days) AS median_days FROM d GROUP BY ALL
        UNION ALL
        SELECT year, help, 'minor_adult', minor_adult, count(*), median(days) FROM d GROUP BY ALL
        UNION ALL
        SELECT year, help, 'form', form, count(*), median(days) FROM d GROUP BY ALL
        ORDER BY ALL
    """
    return con.execute(sql).df()
