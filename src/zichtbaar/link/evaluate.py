"""Accuracy of a run against known truth (synthetic worlds): pairwise and cluster level, and
the register linkage.

Pairwise: a pair of registrations is predicted linked when both got the same person; precision,
recall and F1 over all such pairs. Cluster level: a found person is correct when its registrations
are exactly one true person's registrations. Register linkage: ``event_accuracy``.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from zichtbaar.errors import LinkError


@dataclass(frozen=True)
class Accuracy:
    pairs_true: int
    pairs_found: int
    pairs_correct: int
    precision: float
    recall: float
    f1: float
    clusters_true: int
    clusters_found: int
    clusters_exact: int
    cluster_precision: float
    cluster_recall: float
    cluster_f1: float

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _pair_count(groups: Mapping[str, list[str]]) -> int:
    return sum(len(v) * (len(v) - 1) // 2 for v in groups.values())


def groups(mapping: Mapping[str, str]) -> dict[str, list[str]]:
    """Record -> group as group -> its records."""
    out: dict[str, list[str]] = defaultdict(list)
    for record, group in mapping.items():
        out[group].append(record)
    return out


def accuracy(found: Mapping[str, str], truth: Mapping[str, str]) -> Accuracy:
    """Compare record -> found cluster with record -> true entity, on the records in both.

    Pair counts come from contingency counts, not pair lists, so a million records are cheap.
    """
    common = [r for r in found if r in truth]
    if not common:
        raise LinkError("the truth file shares no record ids with the run")
    f = {r: found[r] for r in common}
    t = {r: truth[r] for r in common}
    joint: dict[tuple[str, str], int] = defaultdict(int)
    for r in common:
        joint[(f[r], t[r])] += 1
    correct = sum(n * (n - 1) // 2 for n in joint.values())
    fg, tg = groups(f), groups(t)
    n_found, n_true = _pair_count(fg), _pair_count(tg)
    p = correct / n_found if n_found else 1.0
    rc = correct / n_true if n_true else 1.0
    true_sets = {frozenset(v) for v in tg.values()}
    exact = sum(1 for v in fg.values() if frozenset(v) in true_sets)
    cp, cr = exact / len(fg), exact / len(tg)
    return Accuracy(
        n_true, n_found, correct, p, rc, _f1(p, rc), len(tg), len(fg), exact, cp, cr, _f1(cp, cr)
    )


def read_truth(path: Path) -> dict[str, str]:
    """A truth CSV with a header: ``registration_id`` (or ``record_id``/``id``) and ``true_id``
    (or ``person_id``/``entity_id``)."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        cols = reader.fieldnames or []
        rec = next((c for c in ("registration_id", "record_id", "id") if c in cols), None)
        ent = next((c for c in ("true_id", "person_id", "entity_id") if c in cols), None)
        if rec is None or ent is None:
            raise LinkError("the truth file needs a registration_id column and a true_id column")
        return {row[rec]: row[ent] for row in reader if row[rec] and row[ent]}


@dataclass(frozen=True)
class EventAccuracy:
    """Register linkage against the truth: of the events attached to persons, how many went to
    their true person (precision); of the events that could be attached, how many did (recall).

    An event could be attached when its true person has a registration with a legal basis
    (purpose limitation: nobody else is ever linked to a register). A found person's true
    identity is the one most of its registrations have (on a tie, the smaller id)."""

    events_linked: int
    events_correct: int
    events_eligible: int
    precision: float
    recall: float
    f1: float

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def event_accuracy(
    con: duckdb.DuckDBPyConnection, registrations: Mapping[str, str], events: Mapping[str, str]
) -> EventAccuracy | None:
    """``EventAccuracy`` of the run open in ``con`` (``open_run``); ``registrations`` and
    ``events`` map the run's registration and event ids to true persons (``keyed_by_id``).
    None when the truth names no register event of the run."""
    if not events:
        return None
    con.register(
        "registration_truth",
        pa.table({"id": list(registrations), "true_id": list(registrations.values())}),
    )
    con.register("event_truth", pa.table({"id": list(events), "true_id": list(events.values())}))
    try:
        row = con.execute(
            """
            WITH reg AS (
                SELECT g.registration_id, g.legal_basis, t.true_id
                FROM registrations g JOIN registration_truth t ON t.id = g.registration_id
            ),
            votes AS (
                SELECT rp.person_id, reg.true_id, count(*) AS n
                FROM registration_person rp JOIN reg USING (registration_id)
                GROUP BY ALL
            ),
            person_truth AS (  -- ties by the smaller true id, so the figure is reproducible
                SELECT person_id, first(true_id ORDER BY n DESC, true_id) AS true_id
                FROM votes GROUP BY person_id
            ),
            linked AS (
                SELECT pe.event_id, pt.true_id = ev.true_id AS correct
                FROM person_events pe JOIN person_truth pt USING (person_id)
                JOIN event_truth ev ON ev.id = pe.event_id
            )
            SELECT (SELECT count(*) FROM linked),
                   (SELECT count(*) FROM linked WHERE correct),
                   (SELECT count(*) FROM event_truth WHERE true_id IN
                        (SELECT true_id FROM reg WHERE legal_basis <> 'none'))
            """
        ).fetchall()[0]
    finally:
        con.unregister("registration_truth")
        con.unregister("event_truth")
    linked, correct, eligible = (int(v) for v in row)
    if eligible == 0:
        raise LinkError("the truth file names no register event of a person the run may link")
    p = correct / linked if linked else 1.0
    r = correct / eligible
    return EventAccuracy(linked, correct, eligible, p, r, _f1(p, r))


def keyed_by_id(
    con: duckdb.DuckDBPyConnection, table: str, id_column: str, truth: Mapping[str, str]
) -> dict[str, str]:
    """The truth keyed by the ids of ``table`` in the run (registrations or register events): a
    truth file may name records by their id at the hub or by the organisation's own
    ``record_id`` (a synthetic world's ``truth/records.csv`` does the latter)."""
    rows = con.execute(f"SELECT {id_column}, record_id FROM {table}").fetchall()
    out = {str(rid): truth[str(rid)] for rid, _ in rows if str(rid) in truth}
    if out:
        return out
    return {str(rid): truth[str(rec)] for rid, rec in rows if rec is not None and str(rec) in truth}
