"""Accuracy of a run against known truth (synthetic worlds): pairwise and cluster level.

Pairwise: a pair of registrations is predicted linked when both got the same person; precision,
recall and F1 over all such pairs. Cluster level: a found person is correct when its registrations
are exactly one true person's registrations.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

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
