"""Cannot-link constraints: which scored pairs may never end up in one person.

The clustering (``clusters.cluster_ids``) merges pairs at or above the threshold strongest
first and refuses a merge that would put a cannot-link pair into one person, so that a
registration resembling two people (no date, or no names) cannot chain them together. The
register check (``registers._event_conflicts``) refuses an event that one of the person's own
registrations contradicts, by the same SQL.
"""

from __future__ import annotations

import math

import duckdb
import pyarrow as pa

from zichtbaar.link.clusters import cluster_ids
from zichtbaar.link.model import LinkModel

RULES = ("evidence", "contradiction")
"""The values of ``LinkModel.cannot_link_rule`` (``contradicts``)."""


def contradicts(
    pair: str,
    left: str,
    right: str,
    names: str,
    model: LinkModel,
    prior: float,
    rule: str | None = None,
) -> str:
    """SQL: the scored ``pair`` (match_probability, match_weight) of records ``left`` and
    ``right`` may not end up in one person.

    It scored below ``model.cannot_link`` and its evidence speaks against a match (the match
    weight is below the prior's: Bayes factor below 1). Under ``rule`` "evidence" (default:
    ``model.cannot_link_rule``) a low score of two records that both have names and a date
    also counts, since then a low score means they disagree. A pair missing one of those
    scores low for want of evidence (a registration without a date and a name half alike
    scores 0.03 with +9.6 bits for the match): as a cannot-link it split true persons (demo
    world: 4 of its 4,166 true pairs). Under "contradiction" a low score with evidence *for* the
    match is never a cannot-link: once a wholly different date or a missing name part is a
    penalty rather than a veto (``floors.py``), such pairs of one person score 0.01-0.2 and the
    "evidence" branch forbade their clusters (FEBRL3: 235 true pairs split); what it forbids
    instead is in ``cannot_link_pairs``. ``names`` is the filter column of the two tables.
    """
    rule = rule or model.cannot_link_rule
    if rule not in RULES:
        raise ValueError(f"unknown cannot-link rule; choose one of {', '.join(RULES)}")
    prior_weight = math.log2(prior / (1 - prior))
    against = f"{pair}.match_weight < {prior_weight}"
    if rule == "evidence":
        against = (
            f"({against} OR ({left}.{names} IS NOT NULL AND {right}.{names} IS NOT NULL "
            f"AND {left}.tok_dob IS NOT NULL AND {right}.tok_dob IS NOT NULL))"
        )
    return f"({pair}.match_probability < {model.cannot_link} AND {against})"


_UNSCORED = """
        UNION
        SELECT a.id, b.id
        FROM (SELECT lc.id, lc.component FROM link_components lc
              JOIN registrations r ON r.registration_id = lc.id
              WHERE r.bloom IS NOT NULL AND r.tok_dob IS NOT NULL) a
        JOIN (SELECT lc.id, lc.component FROM link_components lc
              JOIN registrations r ON r.registration_id = lc.id
              WHERE r.bloom IS NOT NULL AND r.tok_dob IS NOT NULL) b
          ON a.component = b.component AND a.id < b.id
        WHERE NOT EXISTS (
            SELECT 1 FROM dedupe_predictions p
            WHERE (p.id_l = a.id AND p.id_r = b.id) OR (p.id_l = b.id AND p.id_r = a.id)
        )
"""
"""SQL (a UNION branch of ``cannot_link_pairs``): pairs of one component, both with names and
a date, that were never scored."""


def cannot_link_pairs(
    con: duckdb.DuckDBPyConnection,
    ids: list[str],
    pairs: list[tuple[str, str]],
    model: LinkModel,
    prior: float,
) -> list[tuple[str, str]]:
    """Cannot-link pairs inside the candidate clusters (connected components at the threshold).

    Two registrations with different BSN tokens, or a pair that ``contradicts``, must not be
    chained into one person by a record that resembles both. Under the "contradiction" rule,
    neither must two registrations that both have names and a date of birth and that no rule
    scored (``dedupe_predictions`` holds every blocked pair above -10 bits): their names and
    dates share no token and no band, or the model put them at -10 bits or below, which is
    disagreement, not want of evidence. Without it a threshold low enough for what the scored
    pairs know chained households and twins (gb at 0.3: clustered precision 0.918, against
    0.937 with it). Only pairs inside one component matter, which keeps this small at any scale.
    """
    components = cluster_ids(ids, pairs)
    multi: dict[str, int] = {}
    for person in components.values():
        multi[person] = multi.get(person, 0) + 1
    members = {rid: c for rid, c in components.items() if multi[c] > 1}
    if not members:
        return []
    con.register(
        "link_components",
        pa.table({"id": list(members), "component": list(members.values())}),
    )
    rows = con.execute(
        f"""
        WITH c AS (
            SELECT lc.id, lc.component, r.tok_bsn
            FROM link_components lc JOIN registrations r ON r.registration_id = lc.id
        )
        SELECT a.id, b.id FROM c a JOIN c b
          ON a.component = b.component AND a.id < b.id
         AND a.tok_bsn IS NOT NULL AND b.tok_bsn IS NOT NULL AND a.tok_bsn <> b.tok_bsn
        UNION
        SELECT p.id_l, p.id_r FROM dedupe_predictions p
        JOIN link_components a ON a.id = p.id_l JOIN link_components b ON b.id = p.id_r
        JOIN registrations x ON x.registration_id = p.id_l
        JOIN registrations y ON y.registration_id = p.id_r
        WHERE a.component = b.component AND {contradicts("p", "x", "y", "bloom", model, prior)}
        {_UNSCORED if model.cannot_link_rule == "contradiction" else ""}
        """
    ).fetchall()
    con.unregister("link_components")
    return [(str(a), str(b)) for a, b in rows]
