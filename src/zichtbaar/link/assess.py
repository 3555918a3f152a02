"""A run measured against known truth, in one report: what ``zichtbaar link evaluate`` and the
synthetic-world benchmark print.

Separate from ``evaluate.py`` (the measures) because it reads runs and their blocking rules,
which import the measures.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from zichtbaar.errors import LinkError
from zichtbaar.link.blocking import blocking_recall
from zichtbaar.link.calibration import Reliability, labelled_pairs, reliability
from zichtbaar.link.evaluate import accuracy, event_accuracy, keyed_by_id
from zichtbaar.link.quality import write_reliability
from zichtbaar.link.run import open_run, person_of_registration


def evaluate_run(
    runs_dir: Path, run_id: str, truth: Mapping[str, str], charts: Path | None = None
) -> dict[str, object]:
    """Pairwise and cluster accuracy of the dedupe, its blocking recall, and (where the truth
    names register events of the run) the register linkage's accuracy.

    ``truth`` maps registrations (by id at the hub or by the organisation's ``record_id``) and,
    optionally, register events to true persons: a synthetic world's ``truth/records.csv`` as
    it is. The calibration of the match probabilities (reliability, ECE, Brier) is measured on
    the scored pairs the truth names; ``charts`` also receives its reliability chart.
    """
    con = open_run(runs_dir, run_id)
    try:
        registrations = keyed_by_id(con, "registrations", "registration_id", truth)
        events = keyed_by_id(con, "register_events", "event_id", truth)
        linked = event_accuracy(con, registrations, events)
        try:
            rel: Reliability | None = reliability(*labelled_pairs(con, registrations))
        except LinkError:  # the truth names no scored pair: nothing to calibrate against
            rel = None
    finally:
        con.close()
    found = person_of_registration(runs_dir, run_id)
    report: dict[str, object] = dict(accuracy(found, registrations).to_dict())
    report["blocking"] = blocking_recall(runs_dir / run_id, registrations).to_dict()
    if rel is not None:
        report["calibration"] = {"ece": rel.ece, "brier": rel.brier, "pairs": rel.pairs}
        if charts is not None:
            write_reliability(rel, charts)
    if linked is not None:
        report["register_events"] = linked.to_dict()
    return report
