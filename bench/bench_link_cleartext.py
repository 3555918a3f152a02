"""The same linkage job on clear text and on encodings, side by side (issue #3).

The same synthetic reporter records (``zichtbaar.synth``; ``bench/cleartext/world.py``) are linked
twice: (a) splink on the normalised clear fields with the comparisons a careful analyst would
write (``bench/cleartext/clear.py``), (b) zichtbaar's path: ``encode_file`` with the default
schema, a snapshot, ``run_linkage`` with the default ``LinkModel`` (``bench/cleartext/encoded.py``).
Every step runs in its own process (``bench/cleartext/child.py``): wall and CPU seconds, peak RSS,
pairwise precision/recall/F1 and person counts against the world's truth, and the ratio
encoded / clear. Writes ``bench/results/link_cleartext.json``.

    python bench/bench_link_cleartext.py [--registrations N] [--quick] [--seed S] [--out PATH]
                                         [--in-process]

Size: ``--registrations`` (default ``ZICHTBAAR_BENCH_LINK_CLEARTEXT_REGISTRATIONS`` or 100,000);
``--quick`` is 10,000.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness import RESULTS, Measurement, machine_info

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cleartext import child
from bench.cleartext.child import read_mapping
from bench.cleartext.world import read_truth, write_records

from zichtbaar.link.evaluate import accuracy
from zichtbaar.link.model import LinkModel

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = 100_000
QUICK = 10_000
SIDES = ("clear", "encoded")
PREPARE = {"clear": "clear-prepare", "encoded": "encode"}
LINK = {"clear": "clear-link", "encoded": "encoded-link"}


def run_step(step: str, root: Path) -> dict[str, Any]:
    """Run one step in a fresh Python process; its JSON report."""
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "bench.cleartext.child", step, str(root)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"step {step} failed:\n{out.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run_in_process(step: str, root: Path) -> dict[str, Any]:
    """Run one step in this process: for tests, where a fresh interpreter per step costs more
    than the step; peak RSS is then this process's and says nothing about the step."""
    return child.run(step, root)


def source_fingerprint() -> dict[str, Any]:
    """Which encoder and link model ran: the bench uses the defaults of the day, which move."""
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirs = [ROOT / "src" / "zichtbaar" / d for d in ("encode", "link")]
    digest = hashlib.sha256()
    for path in sorted(p for d in dirs for p in d.iterdir() if p.suffix in (".py", ".json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    dirty = subprocess.run(
        ["git", "status", "--porcelain", *map(str, dirs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "git_head": head,
        "encode_link_uncommitted_changes": bool(dirty),
        "encode_link_sha256": digest.hexdigest(),
        "link_model": LinkModel().to_dict(),
    }


def compare(registrations: int, seed: int, work: Path, isolate: bool = True) -> dict[str, Any]:
    """Both sides on the same records under ``work``; every measured number, per side.

    ``isolate`` runs every step in a fresh process (the default; the only way to measure memory).
    """
    t0 = time.perf_counter()
    records = write_records(work, registrations, seed)
    world_seconds = time.perf_counter() - t0
    truth = read_truth(work)
    sides: dict[str, Any] = {}
    for side in SIDES:
        step = run_step if isolate else run_in_process
        prepare = step(PREPARE[side], work)
        link = step(LINK[side], work)
        acc = accuracy(read_mapping(work, side), truth)
        sides[side] = {"prepare": prepare, "link": link, "accuracy": acc.to_dict()}
    return {
        "registrations": records.registrations,
        "true_persons": records.true_persons,
        "world_scale": records.scale,
        "world_seconds": world_seconds,
        "seed": seed,
        "isolated": isolate,
        "sides": sides,
    }


ROWS: tuple[tuple[str, str, str, str], ...] = (
    # label, section, key, format
    ("prepare wall s (clear: normalise; encoded: encode)", "prepare", "seconds", ".1f"),
    ("prepare CPU s", "prepare", "cpu_seconds", ".1f"),
    ("prepare peak RSS MB", "prepare", "peak_rss_mb", ",.0f"),
    ("link wall s", "link", "seconds", ".1f"),
    ("link CPU s", "link", "cpu_seconds", ".1f"),
    ("link peak RSS MB", "link", "peak_rss_mb", ",.0f"),
    ("registrations linked", "link", "registrations", ","),
    ("pairs >= threshold", "link", "matched_pairs", ","),
    ("persons found", "link", "persons", ","),
    ("pairwise precision", "accuracy", "precision", ".4f"),
    ("pairwise recall", "accuracy", "recall", ".4f"),
    ("pairwise F1", "accuracy", "f1", ".4f"),
    ("cluster F1 (exact persons)", "accuracy", "cluster_f1", ".4f"),
    ("load average (link start)", "link", "load_before", ".1f"),
)


def table_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(label, clear, encoded, encoded / clear) as text."""
    out = []
    for label, section, key, fmt in ROWS:
        clear = result["sides"]["clear"][section][key]
        enc = result["sides"]["encoded"][section][key]
        ratio = f"{enc / clear:.2f}" if clear else ""
        out.append((label, format(clear, fmt), format(enc, fmt), ratio))
    out.append(("true persons", f"{result['true_persons']:,}", f"{result['true_persons']:,}", ""))
    return out


def print_table(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"link_cleartext: {result['registrations']:,} registrations (same records both sides)"
    )
    for col in ("measure", "clear text (splink)", "encoded (zichtbaar)", "encoded / clear"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    for row in table_rows(result):
        table.add_row(*row)
    Console(width=110).print(table)


def measurements(result: dict[str, Any]) -> list[Measurement]:
    """One ``Measurement`` per side and step, in the harness's format (items = registrations)."""
    out = []
    for side in SIDES:
        for section in ("prepare", "link"):
            step = result["sides"][side][section]
            m = Measurement(f"{side} {section}", [float(step["seconds"])], result["registrations"])
            m.extra = step
            out.append(m)
    return out


def main(argv: Sequence[str] = ()) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ.get("ZICHTBAAR_BENCH_LINK_CLEARTEXT_REGISTRATIONS")
    parser.add_argument("--registrations", type=int, default=int(env) if env else DEFAULT)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} registrations")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS / "link_cleartext.json")
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the steps in this process (fast smoke test; peak RSS is not per step)",
    )
    args = parser.parse_args(list(argv))
    n = QUICK if args.quick else args.registrations
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="link_cleartext_") as tmp:
        result = compare(n, args.seed, Path(tmp), isolate=not args.in_process)
    result["total_seconds"] = time.perf_counter() - t0
    result["ratios_encoded_over_clear"] = {
        label: ratio for label, _, _, ratio in table_rows(result) if ratio
    }
    payload = {
        "bench": "link_cleartext",
        "machine": machine_info(),
        "source": source_fingerprint(),
        "measurements": [m.as_dict() for m in measurements(result)],
        **result,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print_table(result)
    return payload


if __name__ == "__main__":
    main(sys.argv[1:])
