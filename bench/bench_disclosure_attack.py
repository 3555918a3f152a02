"""Disclosure attacks on a full release of the default synthetic world (scale 1.0).

(a) The LP audit re-run from the outside over every table of the demo release: true counts from
the run, the suppression pattern from the published files. Target: 0 items narrowed, 0 exposed.
(a') Issue 25: "suppressed means >= 1" (against the old rule's pattern and the release) and the
joint integer programme over the person tables. Target: 0 lower bounds removed, 0 narrowed.
(b) A differencing attack across two releases with overlapping years: release 1 (2014-2022) from
a run before late registrations (5 % of the 2022 persons), release 2 (2014-2023) from the full run.
Unprotected (``differencing=off``), the attack finds small differences; with ``protect`` it must
find none. Reported: findings, extra suppressed items, and the time the check costs.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from harness import Measurement, peak_rss_mb, write_results

ROOT = Path(__file__).resolve().parent.parent
LATE_SHARE = 0.05


def main() -> None:
    from zichtbaar.config import settings_from_env
    from zichtbaar.disclosure.attacks import joint_milp_attack, nonzero_inference
    from zichtbaar.disclosure.differencing import DifferencingError, differencing_attack
    from zichtbaar.disclosure.release import load_release, make_release
    from zichtbaar.disclosure.release_audit import audit_published
    from zichtbaar.link.run import RUN_DB, open_run
    from zichtbaar.pipeline import run_demo
    from zichtbaar.stats import DETAIL, REGISTRY
    from zichtbaar.stats.registry import TableRegistry

    tmp = Path(tempfile.mkdtemp(prefix="zichtbaar-attack-"))
    settings = settings_from_env({"ZICHTBAAR_HOME": str(tmp / "home")})
    t0 = time.perf_counter()
    demo = run_demo(settings, seed=1, scale=1.0)
    t_demo = time.perf_counter() - t0
    release = load_release(settings.releases_dir, demo.release.name)
    con = open_run(settings.runs_dir, release.run_id)
    t0 = time.perf_counter()
    audits = audit_published(con, release, REGISTRY)
    t_audit = time.perf_counter() - t0
    per_table = {
        a.table: {
            "items": a.items,
            "suppressed": a.suppressed,
            "intervals_checked": a.checked,
            "narrowed": a.narrowed,
            "exposed": a.exposed,
            "least_slack": None if a.slack == float("inf") else a.slack,
        }
        for a in audits
    }
    # (issue 25) "suppressed means >= 1", against the old rule's pattern and the release; the
    # joint integer programme over the person tables with their year totals tied
    t0 = time.perf_counter()
    nonzero_old = nonzero_inference(release, con, REGISTRY, old_pattern=True)
    nonzero_now = nonzero_inference(release, con, REGISTRY)
    joint_checked, joint_narrowed = joint_milp_attack(release, con, REGISTRY)
    t_issue25 = time.perf_counter() - t0
    # the detail tables too (``zichtbaar release --detail``): all 24
    everything = TableRegistry()
    for d in [*REGISTRY, *DETAIL]:
        everything.add(d)
    detail = make_release(
        con,
        release.run_id,
        "detail",
        tmp / "rel-detail",
        release.year_from,
        release.year_to,
        registry=everything,
    )
    t0 = time.perf_counter()
    audits_detail = audit_published(con, load_release(tmp / "rel-detail", detail.name), everything)
    t_audit_detail = time.perf_counter() - t0
    con.close()

    # (b) the earlier run: the same data before late registrations of the year before the last
    last = release.year_to
    early_db = tmp / "early.duckdb"
    shutil.copy(settings.runs_dir / release.run_id / RUN_DB, early_db)
    early = duckdb.connect(str(early_db))
    early.execute(
        f"DELETE FROM persons WHERE year = {last - 1} AND hash(person_id) % 1000 < "
        f"{int(LATE_SHARE * 1000)}"
    )
    late = early.execute(f"SELECT count(*) FROM persons WHERE year = {last - 1}").fetchone()
    early.close()
    early = duckdb.connect(str(early_db), read_only=True)
    full = open_run(settings.runs_dir, release.run_id)
    tables = REGISTRY.names()
    off_dir, prot_dir = tmp / "rel-off", tmp / "rel-protect"
    first_year = release.year_from
    for d in (off_dir, prot_dir):
        make_release(early, "early", "r1", d, first_year, last - 1, table_names=tables)
    t0 = time.perf_counter()
    off = make_release(full, release.run_id, "r2", off_dir, first_year, last, differencing="off")
    t_off = time.perf_counter() - t0
    r1 = load_release(off_dir, "r1")
    found_off = differencing_attack(r1, load_release(off_dir, "r2"))
    t0 = time.perf_counter()
    refused: list[str] = []
    try:
        prot = make_release(full, release.run_id, "r2", prot_dir, first_year, last)
        found_prot = differencing_attack(load_release(prot_dir, "r1"), load_release(prot_dir, "r2"))
        extra = sum(
            int(prot.tables[n].data["suppressed"].sum() - off.tables[n].data["suppressed"].sum())
            for n in prot.tables
        )
    except DifferencingError as exc:
        refused.append(str(exc))
        found_prot, extra = [], 0
    t_prot = time.perf_counter() - t0
    early.close()
    full.close()
    by_table: dict[str, int] = {}
    for f in found_off:
        by_table[f.table] = by_table.get(f.table, 0) + 1
    measurements = [
        Measurement("demo pipeline, scale 1.0", [t_demo]),
        Measurement("LP audit, every table of the release", [t_audit], len(audits)),
        Measurement("LP audit, release with detail tables", [t_audit_detail], len(audits_detail)),
        Measurement("nonzero inference (2x) and joint MILP", [t_issue25]),
        Measurement("release 2, differencing off", [t_off]),
        Measurement("release 2, differencing protect", [t_prot]),
    ]
    write_results(
        "disclosure_attack",
        measurements,
        audit={
            "tables": len(audits),
            "tables_passed": sum(a.passed for a in audits),
            "intervals_checked": sum(a.checked for a in audits),
            "narrowed": sum(a.narrowed for a in audits),
            "exposed": sum(a.exposed for a in audits),
            "per_table": per_table,
        },
        suppressed_items_in_release=sum(a.suppressed for a in audits),
        nonzero_inference={
            "old_rule_pattern": vars(nonzero_old),
            "release": vars(nonzero_now),
        },
        joint_milp={"small_cells_checked": joint_checked, "narrowed": joint_narrowed},
        audit_with_detail_tables={
            "tables": len(audits_detail),
            "tables_passed": sum(a.passed for a in audits_detail),
            "intervals_checked": sum(a.checked for a in audits_detail),
            "narrowed": sum(a.narrowed for a in audits_detail),
            "exposed": sum(a.exposed for a in audits_detail),
        },
        differencing={
            "release_1": f"{first_year}-{last - 1}, run without {LATE_SHARE:.0%} of {last - 1}",
            "release_2": f"{first_year}-{last}, full run",
            "persons_left_in_year_before_last": None if late is None else int(late[0]),
            "findings_unprotected": len(found_off),
            "findings_unprotected_by_table": by_table,
            "findings_protected": len(found_prot),
            "extra_suppressed_items": extra,
            "refused": refused,
        },
        targets={
            "audit_narrowed": 0,
            "audit_exposed": 0,
            "findings_protected": 0,
            "nonzero_lifted": 0,
            "joint_milp_narrowed": 0,
        },
        peak_rss_mb=peak_rss_mb(),
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
