"""The withdrawal pattern attack (issue 25) on the default synthetic world, design by design.

Release 1 is the demo run's attribute tables; then one random person withdraws (>= 20 trials)
and release 2 is made from the run without them. The attacker holds both and guesses the
person's form, gender, age group (minor/adult), region and nationality group
(``disclosure.attacks.withdrawal_guess``); the baseline is the best guess from release 1 alone
(the most frequent category, of the person's year too). Designs:

* ``revise_union``: revise at once (``revision_batch=1``), every earlier suppression kept;
* ``hold`` (the default): a stratum with fewer than ``min_cell`` changed persons is republished
  as release 1 had it;
* ``batch``: what ``hold`` publishes once 10 persons of the target's year have withdrawn
  (the target and 9 random others), revised with every protection;
* ``dp``: release 2 with OpenDP Laplace noise (epsilon 1 over the tables), no suppression.

``BENCH_HOME`` reuses a demo home (``ZICHTBAAR_HOME`` layout) instead of running the demo.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import Measurement, peak_rss_mb, write_results

TRIALS = int(os.environ.get("BENCH_TRIALS", "24"))
BATCH = 10
EPSILON = 1.0


def _suppressed(release: Any) -> int:
    return sum(int(t.data["suppressed"].sum()) for t in release.tables.values())


def _release_2(
    con: Any, rel: Path, design: str, gone: list[str], run_id: str, years: Any, tables: list[str]
) -> tuple[Any, float]:
    """Release 2 of one design from the run without ``gone`` (rolled back afterwards)."""
    from zichtbaar.disclosure.release import load_release, make_release

    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM persons WHERE person_id IN ?", [gone])
    t0 = time.perf_counter()
    kw: dict[str, Any] = {"table_names": tables}
    if design == "revise_union":
        kw["revision_batch"] = 1
    elif design == "dp":
        kw.update(method="dp", epsilon=EPSILON, privacy_budget=1e9)
    make_release(con, run_id, "r2", rel, years[0], years[1], **kw)
    took = time.perf_counter() - t0
    con.execute("ROLLBACK")
    return load_release(rel, "r2"), took


def main() -> None:
    import duckdb

    from zichtbaar.config import settings_from_env
    from zichtbaar.disclosure.attacks import (
        ATTRIBUTES,
        SAME_POPULATION,
        baseline_guess,
        withdrawal_guess,
    )
    from zichtbaar.disclosure.release import load_release, make_release
    from zichtbaar.link.run import RUN_DB
    from zichtbaar.pipeline import run_demo

    tmp = Path(tempfile.mkdtemp(prefix="zichtbaar-withdrawal-"))
    home = os.environ.get("BENCH_HOME")
    if home:
        settings = settings_from_env({"ZICHTBAAR_HOME": home})
        run_id = sorted(p.name for p in settings.runs_dir.iterdir())[0]
    else:
        settings = settings_from_env({"ZICHTBAAR_HOME": str(tmp / "home")})
        run_id = run_demo(settings, seed=1, scale=1.0).release.run_id
    db = tmp / "run.duckdb"
    shutil.copy(settings.runs_dir / run_id / RUN_DB, db)
    con = duckdb.connect(str(db))
    y0, y1 = con.execute("SELECT min(year), max(year) FROM persons").fetchone() or (0, 0)
    tables = list(SAME_POPULATION)
    base = tmp / "base"
    r1 = make_release(con, run_id, "r1", base, y0, y1, table_names=tables)
    r1 = load_release(base, "r1")
    persons = con.execute(
        f"SELECT person_id, year, {', '.join(ATTRIBUTES)} FROM persons ORDER BY person_id"
    ).fetchall()
    rng = random.Random(25)
    targets = rng.sample(persons, TRIALS)
    designs = ("revise_union", "hold", "batch", "dp")
    hits: dict[str, dict[str, int]] = {d: dict.fromkeys(ATTRIBUTES, 0) for d in designs}
    base_hits = {k: dict.fromkeys(ATTRIBUTES, 0) for k in ("overall", "year_known")}
    cost: dict[str, list[int]] = {d: [] for d in designs}
    republished: dict[str, list[int]] = {d: [] for d in designs}
    seconds: dict[str, list[float]] = {d: [] for d in designs}
    for k, person in enumerate(targets):
        truth = dict(zip(ATTRIBUTES, (str(v) for v in person[2:]), strict=True))
        for key, guess in (
            ("overall", baseline_guess(r1)),
            ("year_known", baseline_guess(r1, int(person[1]))),
        ):
            for attr in ATTRIBUTES:
                base_hits[key][attr] += guess[attr] == truth[attr]
        same_year = [p[0] for p in persons if p[1] == person[1] and p[0] != person[0]]
        for design in designs:
            gone = [person[0]]
            if design == "batch":
                gone += rng.sample(same_year, BATCH - 1)
            rel = tmp / f"{design}-{k}"
            shutil.copytree(base, rel)
            r2, took = _release_2(con, rel, design, gone, f"{run_id}-w", (y0, y1), tables)
            seconds[design].append(took)
            guess = withdrawal_guess(r1, r2)
            for attr in ATTRIBUTES:
                hits[design][attr] += guess[attr] == truth[attr]
            cost[design].append(_suppressed(r2) - _suppressed(r1))
            listed = r2.rules.get("differencing", {}).get("as_published", [])
            republished[design].append(len(listed))
            shutil.rmtree(rel, ignore_errors=True)
        print(
            f"trial {k + 1}/{TRIALS}: " + ", ".join(f"{d} {sum(hits[d].values())}" for d in designs)
        )
    con.close()
    rate = {d: {a: h / TRIALS for a, h in v.items()} for d, v in hits.items()}
    base_rate = {k: {a: h / TRIALS for a, h in v.items()} for k, v in base_hits.items()}
    write_results(
        "disclosure_withdrawal",
        [Measurement(f"release 2, {d}", seconds[d], TRIALS) for d in designs],
        trials=TRIALS,
        release_1_suppressed=_suppressed(r1),
        hit_rate=rate,
        baseline_hit_rate=base_rate,
        extra_suppressed_items_mean={d: sum(c) / TRIALS for d, c in cost.items()},
        strata_as_published_mean={d: sum(h) / TRIALS for d, h in republished.items()},
        batch=BATCH,
        dp_epsilon=EPSILON,
        peak_rss_mb=peak_rss_mb(),
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
