"""The synthetic world's overlap structure against the real Dutch one (Ned), per scenario.

For each scenario and seed: a world at scale 1, its victims of 2014-2019 pooled (six years, as
Ned pools 2010-2015) on Ned's six lists; list shares, the share seen by one list only, every
pairwise overlap as observed over expected under independence, the minors' recaptures a year,
and truth over observed beside the independence model's ratio. Seeds 1-4 were used to set the
default scenario's parameters, seeds 5-9 were not (the check). The comparison itself is in
``ned_structure.py`` (shared with tests/synth/test_scenarios.py).

``python bench/bench_world_vs_ned.py [--seeds 1,...] [--scenarios default,hard]``
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from harness import Measurement, write_results
from ned_structure import (
    LISTS,
    MIN_OVERLAP,
    compare,
    minors_mask,
    ned_structure,
    structure,
    world_histories,
)
from zichtbaar.synth import WorldConfig, build_world

YEARS = range(2014, 2020)
TUNED_ON = (1, 2, 3, 4)


def one(scenario: str, seed: int) -> dict[str, Any]:
    world = build_world(WorldConfig(seed=seed, scenario=scenario))
    s = structure(world_histories(world, YEARS), per_year=len(YEARS))
    minors = world_histories(world, YEARS, minors_mask(world))
    truth = int(world.totals.set_index("year").loc[list(YEARS), "true_victims"].sum())
    return {
        "scenario": scenario,
        "seed": seed,
        "held_out": seed not in TUNED_ON,
        "structure": s,
        "problems": compare(s, ned_structure()),
        "minors_observed_per_year": round(len(minors) / len(YEARS), 1),
        "minors_recaptured_per_year": round(int((minors.sum(axis=1) >= 2).sum()) / len(YEARS), 1),
        "truth_over_observed": round(truth / s["observed"], 3),
    }


def _print(ned: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    pairs = [p for p, v in ned["pairs"].items() if v["observed"] >= MIN_OVERLAP]
    head = ["", "one-list"] + [f"{x}%" for x in LISTS] + [f"{p} o/e" for p in pairs]
    print(" ".join(f"{h:>8s}" for h in head) + "  minors 2+/yr  truth/obs")

    def line(label: str, s: dict[str, Any], extra: str) -> None:
        cells = [f"{s['one_list_share']:.3f}"] + [f"{100 * s['list_share'][x]:.1f}" for x in LISTS]
        cells += [f"{s['pairs'][p]['ratio']:.2f}" for p in pairs]
        print(f"{label:>8s} " + " ".join(f"{c:>8s}" for c in cells) + extra)

    line("Ned", ned, f"  {'-':>12s}  indep {ned['independence_estimate_ratio']:.2f}")
    for r in rows:
        tag = f"{r['scenario'][:4]}{r['seed']}{'*' if r['held_out'] else ''}"
        extra = f"  {r['minors_recaptured_per_year']:>12.1f}  {r['truth_over_observed']:.2f}"
        extra += "" if not r["problems"] else "  outside: " + "; ".join(r["problems"])
        line(tag, r["structure"], extra)
    print("* held out: not looked at while setting the default's parameters")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seeds", default="1,2,3,4,5,6,7,8,9")
    p.add_argument("--scenarios", default="default,hard")
    args = p.parse_args(argv if argv is not None else [])
    t0 = time.perf_counter()
    rows = [
        one(sc, int(seed)) for sc in args.scenarios.split(",") for seed in args.seeds.split(",")
    ]
    took = time.perf_counter() - t0
    ned = ned_structure()
    _print(ned, rows)
    default = [r for r in rows if r["scenario"] == "default"]
    write_results(
        "world_vs_ned",
        [Measurement("worlds built and compared", [took], len(rows))],
        ned=ned,
        worlds=rows,
        default_within_tolerance=sum(not r["problems"] for r in default),
        default_worlds=len(default),
    )


if __name__ == "__main__":
    main(sys.argv[1:])
