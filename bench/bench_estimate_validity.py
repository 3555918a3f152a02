"""Does the published interval hold? Every yearly procedure on cells with a known answer.

Cells: the synthetic world (default and hard scenarios, seeds 1-5, ten years each) with its true
capture histories, the linked run's histories, and the run's linkage draws combined by multiple
imputation; plus the classic scenarios (independent lists, list dependence, two-class
heterogeneity, heterogeneity by an observed covariate). Every procedure of
``estimate.procedures`` runs on every cell; a figure is *published* only when the recapture
check (``estimate.support``) passes, and a refused cell counts as not covered.

Per source, histories and procedure: coverage of the 95 % interval, median absolute relative
error, median relative width, share refused. The default the release publishes is the procedure
that covers >= 90 % of the default world's cells (linkage draws included) with the narrowest
median width (``choose_default``). ``python bench/bench_estimate_validity.py --help`` for a
smaller run; ``make bench`` runs the full study (about an hour on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import Measurement, write_results  # noqa: E402
from validity_cells import Cell, classic_cells, world_cells  # noqa: E402
from zichtbaar.estimate.procedures import (  # noqa: E402
    COVARIATE,
    PROCEDURES,
    combine_figures,
    draw_chains,
    run_procedure,
)
from zichtbaar.estimate.support import check_support  # noqa: E402
from zichtbaar.synth.config import WorldConfig  # noqa: E402

NOMINAL_FLOOR = 0.90  # 95 % nominal, less the Monte-Carlo margin of ~50 cells (2 SE ~ 6 points)
CLASSIC = ("independent", "dependence", "two_class", "observed_covariate")


def evaluate(cell: Cell, procedures: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every procedure on one cell (each linkage draw, then combined); one row per procedure."""
    weak = check_support(cell.tables[0], COVARIATE)
    rows = []
    for name in procedures:
        t0 = time.perf_counter()
        m = len(cell.tables) - 1  # linkage draws after the run's own table
        figs = [
            run_procedure(name, t, cell.seed * 100 + i, draw_chains(m) if i else 4)
            for i, t in enumerate(cell.tables)
        ]
        fig = combine_figures(figs[1:], base=figs[0]) if m else figs[0]
        row = {**cell.key(), "procedure": name, "seconds": round(time.perf_counter() - t0, 2),
               "observed": fig.observed, "estimate": fig.estimate, "ci_low": fig.ci_low,
               "ci_high": fig.ci_high, "ok": fig.ok, "reason": fig.reason,
               "refused": [w.reason() for w in weak]}  # fmt: skip
        row["published"] = fig.ok and not weak
        row["covered"] = bool(row["published"] and fig.ci_low <= cell.truth <= fig.ci_high)
        rows.append(row)
    return rows


def summarise(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[(r["source"], r["histories"], r["procedure"])].append(r)
    out = []
    for (source, hist, proc), rs in sorted(groups.items()):
        pub = [r for r in rs if r["published"]]
        err = [abs(r["estimate"] / r["truth"] - 1) for r in pub]
        width = [(r["ci_high"] - r["ci_low"]) / r["truth"] for r in pub]
        out.append(
            {
                "source": source,
                "histories": hist,
                "procedure": proc,
                "cells": len(rs),
                "published": len(pub),
                "coverage": sum(r["covered"] for r in rs) / len(rs),
                "coverage_published": (sum(r["covered"] for r in pub) / len(pub)) if pub else None,
                "published_missed": sum(not r["covered"] for r in pub),
                "median_abs_rel_error": float(np.median(err)) if err else None,
                "median_rel_width": float(np.median(width)) if width else None,
                "seconds": round(sum(r["seconds"] for r in rs), 1),
            }
        )
    return out


def choose_default(summary: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The narrowest procedure that reaches the coverage floor: on the default world with the
    histories a release has (linkage draws if the study ran them, else the linked run) when the
    study has that world; otherwise on every classic scenario where any procedure reaches it
    (a scenario where every procedure fails, two-class heterogeneity, cannot choose)."""
    world = [s for s in summary if s["source"] == "world:default"]
    for hist in ("linked+draws", "linked"):
        cands = [s for s in world if s["histories"] == hist]
        if cands:
            good = [s for s in cands if s["coverage"] >= NOMINAL_FLOOR and s["median_rel_width"]]
            return min(good, key=lambda s: s["median_rel_width"]) if good else None
    classic = [s for s in summary if s["source"].startswith("classic:")]
    sources = {s["source"] for s in classic if s["coverage"] >= NOMINAL_FLOOR}
    procs = {s["procedure"] for s in classic}
    ok = [p for p in procs if all(
        s["coverage"] >= NOMINAL_FLOOR for s in classic if s["procedure"] == p and s["source"] in sources
    )]  # fmt: skip
    if not ok:
        return None

    def width(p: str) -> float:
        return float(np.mean([s["median_rel_width"] for s in classic
                              if s["procedure"] == p and s["source"] in sources]))  # fmt: skip

    best = min(ok, key=width)
    return {"procedure": best, "basis": sorted(sources), "mean_rel_width": width(best)}


def _cells(args: argparse.Namespace) -> Iterator[Cell]:
    for scenario in args.scenarios if args.world else []:
        for seed in args.seeds:
            config = _config(scenario, seed, args.scale)
            draws = args.draws if scenario == "default" else 0
            yield from world_cells(config, f"world:{scenario}", args.linked, draws)
    for scenario in CLASSIC:
        yield from classic_cells(scenario, args.classic_reps)


def _config(scenario: str, seed: int, scale: float) -> WorldConfig:
    return WorldConfig(seed=seed, scale=scale, scenario=scenario)


def _print(summary: list[dict[str, Any]]) -> None:
    print(f"{'source':28s} {'histories':13s} {'procedure':20s} cells pub  cover  err    width")
    for s in summary:
        err = "-" if s["median_abs_rel_error"] is None else f"{s['median_abs_rel_error']:.3f}"
        wid = "-" if s["median_rel_width"] is None else f"{s['median_rel_width']:.3f}"
        print(f"{s['source']:28s} {s['histories']:13s} {s['procedure']:20s} {s['cells']:5d} "
              f"{s['published']:4d} {s['coverage']:.3f}  {err:6s} {wid}")  # fmt: skip


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--seeds", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 3, 4, 5]
    )
    p.add_argument("--scenarios", type=lambda s: s.split(","), default=["default", "hard"])
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--classic-reps", type=int, default=50)
    p.add_argument("--draws", type=int, default=4, help="linkage draws per default world")
    p.add_argument("--no-linked", dest="linked", action="store_false")
    p.add_argument("--no-world", dest="world", action="store_false")
    p.add_argument("--merge", help="add the cells of an earlier results file (another part)")
    p.add_argument("--procedures", type=lambda s: tuple(s.split(",")), default=tuple(PROCEDURES))
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", default="estimate_validity")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv if argv is not None else [])
    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    with ProcessPoolExecutor(args.workers) as pool:
        futures = [pool.submit(evaluate, c, args.procedures) for c in _cells(args)]
        for f in futures:
            rows.extend(f.result())
    took = time.perf_counter() - t0
    if args.merge:
        import json

        rows += json.loads(Path(args.merge).read_text())["cells"]
    summary = summarise(rows)
    _print(summary)
    chosen = choose_default(summary)
    print("default chosen:", chosen and chosen["procedure"])
    write_results(
        args.out,
        [Measurement("validity study", [took], len(rows))],
        settings={k: v for k, v in vars(args).items() if k not in ("out", "merge")},
        nominal_floor=NOMINAL_FLOOR,
        chosen=chosen,
        summary=summary,
        cells=rows,
        load_average=os.getloadavg(),
    )


if __name__ == "__main__":
    main(sys.argv[1:])
