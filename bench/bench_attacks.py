"""Attacks on our own encodings (issue 8): re-identification share per hardening, and linkage F1.

The target is every reporter and register row of a synthetic world (scale ``SCALE``), encoded
under a fresh key; attacks run for two attacker models (see docs/attacks.md): *informed* holds
the target's own plain text (shuffled, unlinked: the worst case the literature evaluates) and
*plausible* holds another world's rows drawn from the same name laws. Writes
``bench/results/attacks.json``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from harness import Measurement, write_results

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.attacks import frequency, pattern_mining, token_alignment
from bench.attacks.data import (
    Person,
    attacker_population,
    encode_target,
    informed_population,
    schema_with,
    world_identities,
)
from bench.attacks.linkage import febrl_accuracy
from bench.attacks.score import summarise

SCALE = 0.1
TARGET = 1.0 / 100  # at most 1 % correct re-identifications with the default hardening
HARDENINGS: list[tuple[str, str, float | None]] = [
    ("none", "none", None),
    ("bit_flip f=0.04 (default)", "bit_flip", 0.04),
    ("balance", "balance", None),
    ("xor_fold", "xor_fold", None),
    ("rule90", "rule90", None),
    ("bit_flip f=0.06", "bit_flip", 0.06),
    ("bit_flip f=0.08", "bit_flip", 0.08),
]
LINKAGE = [name for name, _, _ in HARDENINGS]


def run_attacks(
    name: str,
    hardening: str,
    flip: float | None,
    people: list[Any],
    attackers: dict[str, list[Person]],
) -> tuple[dict[str, Any], float]:
    target = encode_target(people, schema_with(hardening, flip))
    t0 = time.perf_counter()
    footprints = pattern_mining.mine_footprints(pattern_mining.undo_balance(target.filters))
    out: dict[str, Any] = {}
    attackers = {"informed": informed_population(target), **attackers}
    for label, population in attackers.items():
        pattern = pattern_mining.attack(target, population, footprints=footprints)
        tokens = token_alignment.attack(target, population)
        freq = frequency.attack(target, population)
        out[label] = summarise(target, footprints, pattern, tokens, freq)
        print(
            f"{name:28s} {label:9s} "
            + " ".join(
                f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                for k, v in out[label].items()
            ),
            flush=True,
        )
    return out, time.perf_counter() - t0


def main() -> None:
    from rich.console import Console
    from rich.table import Table

    people = world_identities(1, SCALE)
    attackers = {
        "plausible": attacker_population(1, 2, 2 * SCALE),
    }
    results: dict[str, Any] = {}
    measurements = []
    for name, hardening, flip in HARDENINGS:
        results[name], seconds = run_attacks(name, hardening, flip, people, attackers)
        measurements.append(Measurement(f"attack {name}", [seconds], items=len(people)))
    linkage: dict[str, Any] = {}
    for name, hardening, flip in HARDENINGS:
        if name in LINKAGE:
            t0 = time.perf_counter()
            linkage[name] = febrl_accuracy(schema_with(hardening, flip))
            measurements.append(
                Measurement(f"febrl4 linkage {name}", [time.perf_counter() - t0], items=10000)
            )
            print(f"linkage {name}: F1 {linkage[name]['f1']:.4f}", flush=True)
    table = Table(title="re-identification (share of records) and FEBRL4 linkage F1")
    for col in (
        "hardening",
        "name, informed",
        "name, plausible",
        "name+dob, informed",
        "surname, informed",
        "bigrams right/labelled",
        "FEBRL4 F1",
    ):
        table.add_column(col, justify="left" if col == "hardening" else "right")
    base_f1 = linkage["none"]["f1"]
    for name, _, _ in HARDENINGS:
        inf, pla = results[name]["informed"], results[name]["plausible"]
        f1 = linkage.get(name, {}).get("f1")
        table.add_row(
            name,
            f"{inf['reid_name']:.2%}",
            f"{pla['reid_name']:.2%}",
            f"{inf['reid_name_dob']:.2%}",
            f"{inf['surname_correct']:.2%}",
            f"{inf['bigrams_labelled_correctly']}/{inf['bigrams_labelled']}",
            "" if f1 is None else f"{f1:.4f} ({f1 - base_f1:+.4f})",
        )
    Console().print(table)
    default = "bit_flip f=0.04 (default)"
    verdict = {
        name: {
            "reid_ok": results[name]["informed"]["reid_name"] <= TARGET,
            "f1_ok": abs(linkage[name]["f1"] - base_f1) <= 0.01,
        }
        for name in LINKAGE
    }
    write_results(
        "attacks",
        measurements,
        scale=SCALE,
        records=len(people),
        results=results,
        linkage_febrl4=linkage,
        verdict=verdict,
        default=default,
    )


if __name__ == "__main__":
    main()
