"""Step 3 of a run (``run.py``): link persons to register events.

Purpose limitation is enforced here and only here: registrations without a legal basis are
deduplicated and counted, but never used to link a person to a register; a person known only from
such rows gets no register events at all.
"""

from __future__ import annotations

import duckdb
from splink.blocking_rule_library import CustomRule

from zichtbaar.link.blocking_rules import blocking_rules
from zichtbaar.link.cannot_link import contradicts
from zichtbaar.link.dialect import DUCKDB
from zichtbaar.link.event_dates import EVENT_GAP_COLUMNS, score_event_pairs
from zichtbaar.link.model import COMPARED_COLUMNS, ENCODED_COLUMNS, LinkModel
from zichtbaar.link.partners import add_lsh_partners, prepare_records
from zichtbaar.link.rows import count_rows
from zichtbaar.link.training import Trained, between_pair_count

EVENT_RULE = "evidence"
"""The cannot-link rule of the register check (``cannot_link.contradicts``), whatever the
dedupe's: a register holds many namesakes of each victim, and a different date of birth against
the person's dated registration is what tells a look-alike's event from the victim's own."""

EVENT_CANDIDATES = 0.1
"""Score (without the event's date) from which a person-event pair is a candidate: the gap's
weight can lift it to the register threshold (``event_dates.py``: the best buckets of the demo
world are worth +5 to +6.6 bits, and 0.1 is 5.2 bits below 0.8)."""


def link_registers(
    con: duckdb.DuckDBPyConnection, trained: Trained, model: LinkModel, prior: float
) -> None:
    """Tables ``event_pairs``, ``event_gap_parameters``, ``event_conflicts`` and
    ``person_events``: every register event linked to its best-scoring person that none of the
    person's own registrations contradicts (``_event_conflicts``; ``prior``: the trained prior
    match probability), only through registrations that have a legal basis (``_score_events``)."""
    has_events = count_rows(con, "SELECT count(*) FROM register_events") > 0
    if has_events:
        _score_events(con, trained, model)
        _event_conflicts(con, trained, model, prior)
    else:
        con.execute(
            "CREATE TABLE event_pairs (l_id VARCHAR, r_id VARCHAR, match_probability DOUBLE,"
            " match_weight DOUBLE, model_weight DOUBLE)"
        )
        con.execute(f"CREATE TABLE event_gap_parameters ({EVENT_GAP_COLUMNS})")
    _create_person_events(con, has_events)


def _score_events(con: duckdb.DuckDBPyConnection, trained: Trained, model: LinkModel) -> None:
    """Table ``event_pairs``: the eligible person-registrations' candidate pairs with register
    events, scored with the trained model and the event's date (``score_event_pairs``)."""
    # a register row has an event date, not a registration date: not compared
    event_compared = ", ".join(
        "NULL::DATE AS registration_date" if c == "registration_date" else c
        for c in COMPARED_COLUMNS
    )
    qualified = ", ".join(f"g.{c}" for c in COMPARED_COLUMNS)  # persons has a gender too
    prepare_records(
        con,
        f"""
        SELECT rp.person_id || '|' || g.registration_id AS id, {qualified}
        FROM registrations g JOIN registration_person rp USING (registration_id)
        JOIN persons p USING (person_id)
        WHERE g.legal_basis <> 'none' AND NOT p.statistics_only
        """,
        "link_eligible",
        model,
        partners=False,
    )
    prepare_records(
        con,
        f"SELECT event_id AS id, {event_compared} FROM register_events",
        "link_events",
        model,
        partners=False,
    )
    # across the two; no date-free partners: a register holds many namesakes of each victim
    add_lsh_partners(con, ["link_eligible", "link_events"], model, date_free=False)
    # The blocking is sized by the pairs *between* the tables: the dedupe's rules were sized
    # for the registrations alone, and against a register of millions every date rule must
    # ask for plausible pairs (100k persons x 5 M register rows ran out of memory without).
    date_pairs = between_pair_count(con, "link_eligible", "link_events", "tok_dob")
    between = trained.linker.inference.predict_between(
        trained.db_api.register("link_eligible", table_name="in_link_eligible"),
        trained.db_api.register("link_events", table_name="in_link_events"),
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules(model, DUCKDB, date_pairs),
        threshold_match_probability=(
            min(model.register_threshold, EVENT_CANDIDATES)
            if model.event_gap_edges
            else model.register_threshold
        ),
        warning_mode="never",
    )
    con.execute(f"CREATE TABLE event_candidates AS {_event_pairs(between.physical_name)}")
    score_event_pairs(con, "event_candidates", model)
    con.execute("DROP TABLE event_candidates")


def _create_person_events(con: duckdb.DuckDBPyConnection, has_events: bool) -> None:
    """Table ``person_events``: each event with its best-scoring person (``event_pairs``) that
    no registration of the person contradicts (``event_conflicts``)."""
    excluded = ", ".join(("event_id", "org", "event_type", "event_date", *ENCODED_COLUMNS))
    con.execute(
        f"""
        CREATE TABLE person_events AS
        WITH best AS (
            SELECT r_id AS event_id, split_part(l_id, '|', 1) AS person_id,
                   row_number() OVER (PARTITION BY r_id
                                      ORDER BY match_weight DESC, l_id) AS rn
            FROM event_pairs p
            WHERE NOT EXISTS (
                SELECT 1 FROM event_conflicts c
                WHERE c.event_id = p.r_id AND c.person_id = split_part(p.l_id, '|', 1)
            )
        )
        SELECT b.person_id, e.event_id, e.org AS register_org, e.event_type, e.event_date,
               e.* EXCLUDE ({excluded})
        FROM best b JOIN register_events e USING (event_id)
        WHERE b.rn = 1
        """
        if has_events
        else "CREATE TABLE person_events (person_id VARCHAR, event_id VARCHAR, register_org VARCHAR,"
        " event_type VARCHAR, event_date DATE)"
    )


def _event_pairs(predictions: str) -> str:
    """SQL: splink's person-to-event predictions with the person's registration as ``l_id``
    (``person_id|registration_id``) and the event as ``r_id``, whichever side splink put them."""
    return f"""
        SELECT CASE WHEN contains(id_r, '|') THEN id_r ELSE id_l END AS l_id,
               CASE WHEN contains(id_r, '|') THEN id_l ELSE id_r END AS r_id,
               match_probability, match_weight
        FROM {predictions}
    """


def _event_conflicts(
    con: duckdb.DuckDBPyConnection, trained: Trained, model: LinkModel, prior: float
) -> None:
    """Table ``event_conflicts`` (event_id, person_id): candidate attachments that one of the
    person's own registrations contradicts.

    An event may match one registration of a person well and be contradicted by another
    registration of that person (``contradicts``, the rule of the clustering's cannot-link):
    a look-alike (same name and place, no date; or same date and place, a name only half
    alike) of a victim whose other registration does not bear it out. The clustering refuses
    such a person (``cannot_link_pairs``); so does the attachment. Every candidate event is scored
    against every eligible registration of each candidate person, blocked or not (demo world,
    with the cannot-link and tie-break changes of the same day: 91 -> 72 false attachments,
    one more right one; docs/linkage.md).
    """
    if count_rows(con, "SELECT count(*) FROM event_pairs") == 0:
        con.execute("CREATE TABLE event_conflicts (event_id VARCHAR, person_id VARCHAR)")
        return
    con.execute(
        """
        CREATE TABLE check_events AS
        SELECT e.*, c.persons AS person_keys
        FROM link_events e
        JOIN (SELECT r_id AS id, list(DISTINCT split_part(l_id, '|', 1)) AS persons
              FROM event_pairs GROUP BY r_id) c USING (id)
        """
    )
    con.execute(
        """
        CREATE TABLE check_eligible AS
        SELECT g.*, [split_part(g.id, '|', 1)] AS person_keys
        FROM link_eligible g
        WHERE split_part(g.id, '|', 1) IN
              (SELECT DISTINCT split_part(l_id, '|', 1) FROM event_pairs)
        """
    )
    checks = trained.linker.inference.predict_between(
        trained.db_api.register("check_eligible", table_name="in_check_eligible"),
        trained.db_api.register("check_events", table_name="in_check_events"),
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            CustomRule("l.person_keys = r.person_keys", arrays_to_explode=["person_keys"])
        ],
        threshold_match_probability=None,
        warning_mode="never",
    )
    con.execute(
        f"""
        CREATE TABLE event_conflicts AS
        WITH c AS ({_event_pairs(checks.physical_name)})
        SELECT DISTINCT c.r_id AS event_id, split_part(c.l_id, '|', 1) AS person_id
        FROM c JOIN check_events e ON e.id = c.r_id JOIN check_eligible g ON g.id = c.l_id
        WHERE {contradicts("c", "e", "g", "bloom_bits", model, prior, EVENT_RULE)}
        """
    )
    con.execute("DROP TABLE check_events")
    con.execute("DROP TABLE check_eligible")
