"""A run measured against known truth, in one report: what ``zichtbaar link evaluate`` and the
synthetic-world benchmark print.

Separate from ``evaluate.py`` (the measures) because it reads runs and their blocking rules,
which import the measures.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from zichtbaar.link.blocking import blocking_recall
from zichtbaar.link.evaluate import accuracy, by_registration, event_accuracy
from zichtbaar.link.run import open_run, person_of_registration


def evaluate_run(runs_dir: Path, run_id: str, truth: Mapping[str, str]) -> dict[str, object]:
    """Pairwise and cluster accuracy of the dedupe, its blocking recall, and (where the truth
    names register events of the run) the register linkage's accuracy.

    ``truth`` maps registrations (by id at the hub or by the organisation's ``record_id``) and,
    optionally, register events to true persons: a synthetic world's ``truth/records.csv`` as
    it is.
    """
    con = open_run(runs_dir, run_id)
    try:
        registrations = by_registration(con, truth)
        events = event_accuracy(con, truth)
    except Exception:
        con.close()
        raise
    con.close()
    found = person_of_registration(runs_dir, run_id)
    report: dict[str, object] = dict(accuracy(found, registrations).to_dict())
    report["blocking"] = blocking_recall(runs_dir / run_id, registrations).to_dict()
    if events is not None:
        report["register_events"] = events.to_dict()
    return report
