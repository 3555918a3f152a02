"""Blocking recall of a run against known truth: the share of true pairs its blocking rules
propose at all (a true pair no rule proposes is never scored, whatever the model).

The rules are read back from the run's own splink model (``splink_model.json``), so the figure
is that of the blocking the run used, conditions included (``blocking_rules.plausible_pair``, the LSH
rule's partner lists). An exploded array rule holds for a pair when the arrays share a value, or
when one side's array holds the other's column value (``l.lsh_partners = r.id``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from zichtbaar.errors import LinkError
from zichtbaar.link.evaluate import groups
from zichtbaar.link.model import COMPARED_COLUMNS, LinkModel
from zichtbaar.link.partners import prepare_records
from zichtbaar.link.run import MODEL_FILE, RUN_DB


@dataclass(frozen=True)
class BlockingRecall:
    pairs_true: int
    pairs_blocked: int
    recall: float
    by_rule: dict[str, float]
    """Share of the true pairs each rule proposes (rules overlap), by the rule's SQL."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _array_condition(column: str, other: str) -> str:
    """The other side is the array too (shared bands) or a plain column (partner ids)."""
    if other == column:
        return f"len(list_intersect(l.{column}, r.{other})) > 0"
    return f"list_contains(l.{column}, r.{other})"


def _pair_condition(rule: Mapping[str, Any]) -> str:
    """A blocking rule as a condition on one pair (arrays: see ``_array_condition``)."""
    sql = str(rule["blocking_rule"])
    for column in rule.get("arrays_to_explode") or []:
        exploded = re.compile(rf"l\.{column} = r\.(\w+)")
        match = exploded.search(sql)
        if match is None:
            raise LinkError(f"cannot read the array rule on '{column}' of this run's model")
        sql = exploded.sub(_array_condition(column, match[1]), sql)
    return f"coalesce(({sql}), false)"


def _true_pairs(truth: Mapping[str, str], ids: set[str]) -> pa.Table:
    left: list[str] = []
    right: list[str] = []
    for members in groups({r: e for r, e in truth.items() if r in ids}).values():
        members.sort()
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                left.append(a)
                right.append(b)
    return pa.table({"a": left, "b": right})


def blocking_recall(run_dir: Path, truth: Mapping[str, str]) -> BlockingRecall:
    """The run's blocking recall of the true pairs among its registrations (dedupe rules)."""
    model_file = run_dir / MODEL_FILE
    if not model_file.is_file():
        raise LinkError("the run has no linkage model to read its blocking rules from")
    rules = json.loads(model_file.read_text(encoding="utf-8"))[
        "blocking_rules_to_generate_predictions"
    ]
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{run_dir / RUN_DB}' AS run (READ_ONLY)")
        stored = con.execute("SELECT value FROM run.link_quality WHERE key = 'model'").fetchall()
        model = LinkModel.from_dict(json.loads(stored[0][0])) if stored else LinkModel()
        compared = ", ".join(COMPARED_COLUMNS)
        prepare_records(
            con,
            f"SELECT registration_id AS id, {compared} FROM run.registrations",
            "blocking_records",
            model,
        )
        ids = {r[0] for r in con.execute("SELECT id FROM blocking_records").fetchall()}
        con.register("true_pairs", _true_pairs(truth, ids))
        conditions = [_pair_condition(rule) for rule in rules]
        shares = ", ".join(f"count(*) FILTER (WHERE {c})" for c in conditions)
        row = con.execute(
            f"""
            SELECT count(*), count(*) FILTER (WHERE {" OR ".join(conditions)}), {shares}
            FROM true_pairs t
            JOIN blocking_records l ON l.id = t.a JOIN blocking_records r ON r.id = t.b
            """
        ).fetchall()[0]
    finally:
        con.close()
    total, blocked = int(row[0]), int(row[1])
    if total == 0:
        raise LinkError("the truth file has no pair of registrations in this run")
    by_rule = {
        str(rule["blocking_rule"]): int(n) / total for rule, n in zip(rules, row[2:], strict=True)
    }
    return BlockingRecall(total, blocked, blocked / total, by_rule)
