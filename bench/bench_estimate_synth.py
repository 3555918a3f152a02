"""The estimate stage on the synthetic world: per-year totals against the known truth.

Lists are the reporter types (organisations of one type merged, as the rapporteur does), taken
from the world's true capture table (so this checks estimation, not linkage). Each year gets a
stepwise-AIC estimate with its profile-likelihood interval; the result says in how many years
the interval covers the true number of victims.
"""

from __future__ import annotations

import time

from harness import Measurement, write_results
from zichtbaar.estimate import estimate_strata, patterns_from_histories
from zichtbaar.synth.config import WorldConfig
from zichtbaar.synth.reporters import ORGANISATIONS
from zichtbaar.synth.world import build_world

SCALE = 0.5


def main() -> None:
    t0 = time.perf_counter()
    world = build_world(WorldConfig(scale=SCALE))
    built = time.perf_counter() - t0
    ct = world.captures  # person-level truth: one 0/1 column per organisation
    caps = ct[["person_id", "year"]].copy()
    by_type: dict[str, list[str]] = {}
    for o in ORGANISATIONS:
        if o.org in ct.columns:
            by_type.setdefault(o.reporter_type, []).append(o.org)
    lists = sorted(by_type)
    for t in lists:
        caps[t] = ct[by_type[t]].max(axis=1).astype(int)
    caps = caps[caps[lists].sum(axis=1) > 0]
    t1 = time.perf_counter()
    table = patterns_from_histories(caps, lists, ["year"], min_list_size=int(200 * SCALE))
    results = estimate_strata(table, ["year"], method="stepwise")
    took = time.perf_counter() - t1
    truth = dict(zip(world.totals["year"], world.totals["true_victims"], strict=True))
    rows = []
    covered = 0
    for r in results:
        year = r.stratum["year"]
        true = int(truth[year])
        hit = bool(r.ci_low <= true <= r.ci_high)
        covered += hit
        rows.append(
            {
                "year": year,
                "true": true,
                "observed": r.observed,
                "estimate": round(r.estimate),
                "ci": [round(r.ci_low), round(r.ci_high)],
                "covered": hit,
                "model": r.model,
            }
        )
        print(rows[-1], flush=True)
    ms = [
        Measurement("build synthetic world", [built]),
        Measurement("estimate per year (stepwise + profile CI)", [took], len(results)),
    ]
    write_results(
        "estimate_synth",
        ms,
        scale=SCALE,
        lists=list(table.lists),
        years=rows,
        years_covered=covered,
        years_total=len(results),
    )


if __name__ == "__main__":
    main()
