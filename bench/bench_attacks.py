"""Attacks on our own encodings (issue 8) over many keys: re-identification and linkage F1.

The target is every reporter and register row of a synthetic world (scale ``--scale``), encoded
per setting (``attacks.settings``) under each of ``--keys`` fresh keys: the key decides which
positions the bigrams take, and one key proved nothing (21.7 %, 13.2 % and 0.02 % for one
setting). Attacks run for two attacker models (docs/attacks.md): *informed* holds the target's
own plain text (shuffled, unlinked: the worst case the literature evaluates) and *plausible*
holds another world's rows drawn from the same name laws. FEBRL4 is linked under the same key,
once per setting and once with its baseline, the shipped schema of the same version without
hardening (ΔF1). The verdict per setting is the issue's attacker, the plausible one: every attack
re-identifies at most 1 % on every key, the same attacker names at least 10 % of the unhardened
baseline (the attack is live), and the median ΔF1 is at least -0.01; the informed attacker's
figures stand beside it as the worst case.

``python bench/bench_attacks.py [--keys K] [--settings LABEL ...] [--only TEXT ...] [--scale S]
[--no-linkage]`` writes ``bench/results/attacks.json`` (after every key, so a cut-short run keeps what it did);
``--from-results`` prints its tables again, Markdown included, without running anything. The
attacks and the linkage can run as two passes (even at once) under the same reproducible keys:
``--no-linkage --key-seed S`` and ``--linkage-only --key-seed S`` (the latter writes
``attacks_linkage.json``), then ``--from-results`` merges the F1 into ``attacks.json``. With
``--append`` a pass keeps the other settings of an earlier pass; each setting is summarised over
the keys it has (the table names the count where it differs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from harness import RESULTS, Measurement, write_results

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.attacks import frequency, pattern_mining, token_alignment
from bench.attacks.data import (
    Person,
    attacker_population,
    encode_target,
    fixed_key,
    informed_population,
    world_identities,
)
from bench.attacks.linkage import febrl_accuracy
from bench.attacks.pattern_mining import NameTables
from bench.attacks.score import summarise
from bench.attacks.settings import BY_LABEL, Setting, is_default

from zichtbaar.encode.bloom import BloomEncoder
from zichtbaar.encode.identity import Identity
from zichtbaar.encode.keys import LinkageKey, new_key

SCALE = 0.1
KEYS = 10
TARGET = 1.0 / 100  # at most 1 % of records re-identified, on every key
F1_TOLERANCE = 0.01  # median ΔF1 against the same schema unhardened
TABLES = 6  # the plausible attacker's name tables: a world of 6x the target's scale (56,481 rows)
SPREAD = {  # reported figure -> (attacker, key in ``score.summarise``)
    "name, informed": ("informed", "reid_name"),
    "name, plausible": ("plausible", "reid_name"),
    "name+dob, informed": ("informed", "reid_name_dob"),
    "frequency, informed": ("informed", "frequency_attack_reid_name"),
    "frequency rank only, informed": ("informed", "frequency_rank_only_reid_name"),
    "frequency, plausible": ("plausible", "frequency_attack_reid_name"),
    "count signature, informed": ("informed", "signature_reid_name"),
    "filter attacks, informed": ("informed", "reid_filter"),
    "tokens alone, informed": ("informed", "reid_name_by_tokens"),
    "token count signature, informed": ("informed", "reid_name_by_token_counts"),
    "filter attacks, plausible": ("plausible", "reid_filter"),
    "tokens alone or count signature, plausible": ("plausible", "reid_name_by_tokens_any"),
}
EXTRA = {  # in the JSON summary, not in the printed table
    "frequency on tok_name_dob groups, informed": (
        "informed",
        "frequency_by_tok_name_dob_reid_name",
    ),
    "frequency beyond tokens alone, informed": ("informed", "frequency_beyond_tokens"),
    "given names, informed": ("informed", "given_names_correct"),
    "surname, informed": ("informed", "surname_correct"),
    "all four tokens right and unique, informed": ("informed", "tokens_all_four_correct_unique"),
    "tokens alone or count signature, informed": ("informed", "reid_name_by_tokens_any"),
    "tokens alone, plausible": ("plausible", "reid_name_by_tokens"),
    "count signature, plausible": ("plausible", "signature_reid_name"),
    "given names, plausible": ("plausible", "given_names_correct"),
    "surname, plausible": ("plausible", "surname_correct"),
    "year decoded, informed": ("informed", "tokens_year_correct"),
    "month decoded, informed": ("informed", "tokens_month_correct"),
    "day decoded, informed": ("informed", "tokens_day_correct"),
    "place decoded, informed": ("informed", "tokens_place_correct"),
    "name key decoded, informed": ("informed", "tokens_name_key_correct"),
    "name decoded, informed": ("informed", "tokens_name_correct"),
}


def attack_once(
    setting: Setting,
    key: LinkageKey,
    people: list[Identity],
    plausible: list[Person],
    tables: NameTables | None = None,
) -> dict[str, dict[str, Any]]:
    """Every attack on one setting under one key, for both attackers; ``tables`` are the
    plausible attacker's name tables (default: read off ``plausible``)."""
    target = encode_target(people, setting.schema, key, setting.encoder, setting.salt)
    footprints = pattern_mining.mine(target)
    out: dict[str, dict[str, Any]] = {}
    runs: tuple[tuple[str, list[Person], NameTables | None], ...] = (
        ("informed", informed_population(target), None),
        ("plausible", plausible, tables or NameTables.of(plausible)),
    )
    for label, population, names in runs:
        pattern = pattern_mining.attack(target, population, footprints=footprints, tables=names)
        tokens = token_alignment.attack(target, population)
        freq = frequency.attack(target, population, tokens.decoded)
        rank_only = frequency.attack(target, population)
        by_token = frequency.attack(
            target, population, tokens.decoded, target.tokens["tok_name_dob"]
        )
        sig = frequency.signature(target, population, tokens.shadow)
        out[label] = summarise(
            target, footprints, pattern, tokens, freq, population, rank_only, by_token, sig
        )
    return out


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summary(runs: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per setting: median/min/max of every reported share and of F1 and ΔF1 over the keys."""
    out: dict[str, dict[str, Any]] = {}
    for label, per_key in runs.items():
        row: dict[str, Any] = {"keys": len(per_key)}
        for name, (who, field) in {**SPREAD, **EXTRA}.items():
            values = [r["attacks"][who].get(field) for r in per_key]
            if None not in values:  # runs of an older bench lack the newer figures
                row[name] = spread(values)
        linked = [r for r in per_key if "f1" in r]
        row["keys_linked"] = len(linked)
        if linked:
            row["f1"] = spread([r["f1"] for r in linked])
            row["delta_f1"] = spread([r["f1"] - r["f1_unhardened"] for r in linked])
        out[label] = row
    return out


LIVE = 0.10  # the plausible attacker must name at least this share of the unhardened filters


def baseline_label(label: str) -> str | None:
    """The setting that is ``label``'s schema without hardening (``v3 none`` for every v3
    setting), if the bench has one."""
    setting = BY_LABEL.get(label)
    if setting is None:
        return None
    return next(
        (
            s.label
            for s in BY_LABEL.values()
            if s.schema == setting.baseline and s.encoder is BloomEncoder
        ),
        None,
    )


def verdict(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The issue's target per setting, judged against the issue's attacker (the *plausible*
    one: name tables and a population of other people): every attack on the store, filter
    attacks (a, b, d) and the tokens alone or by count signature (c, d), at most 1 % on *every*
    key; the same attacker naming at least 10 % of the unhardened baseline on every key (else
    the bound proves nothing: the attack is not live); and median ΔF1 at least -0.01.

    The informed attacker (the store's own plain text) is the worst case, reported beside it
    (``informed_ok``), not the verdict."""
    out: dict[str, dict[str, Any]] = {}
    for label, row in rows.items():
        f1_ok = row["delta_f1"]["median"] >= -F1_TOLERANCE if "delta_f1" in row else None
        filters_ok = row["filter attacks, plausible"]["max"] <= TARGET
        tokens = row.get("tokens alone or count signature, plausible")
        tokens_ok = tokens is not None and tokens["max"] <= TARGET
        base = rows.get(baseline_label(label) or "", {}).get("filter attacks, plausible")
        live = None if base is None else base["min"] >= LIVE
        out[label] = {
            "plausible_filter_ok": filters_ok,
            "plausible_tokens_ok": tokens_ok,
            "attack_live": live,
            "f1_ok": f1_ok,
            "meets_target": bool(filters_ok and tokens_ok and live and f1_ok),
            "informed_ok": row["filter attacks, informed"]["max"] <= TARGET
            and row.get("tokens alone or count signature, informed", {"max": 1.0})["max"] <= TARGET,
            "informed_pattern_mining_ok": row["name, informed"]["max"] <= TARGET,
        }
    return out


def _ok(value: bool | None) -> str:
    return "n/a" if value is None else "ok" if value else "FAIL"


def _met(v: dict[str, Any]) -> str:
    return (
        ("yes" if v["meets_target"] else "no")
        + f" (plausible filter {_ok(v['plausible_filter_ok'])}"
        + f", tokens {_ok(v['plausible_tokens_ok'])}"
        + f", attack live {_ok(v['attack_live'])}"
        + f", F1 {_ok(v['f1_ok'])})"
    )


def print_table(rows: dict[str, dict[str, Any]], verdicts: dict[str, dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    keys = max((r["keys"] for r in rows.values()), default=0)
    table = Table(
        title=f"re-identification share over {keys} keys (median [min-max]) and FEBRL4 F1"
    )
    cols = [
        "setting",
        *SPREAD,
        "F1 median (min)",
        "ΔF1 median (min)",
        "target met (plausible)",
        "informed <= 1 %",
    ]
    for col in cols:
        table.add_column(col, justify="left" if col == "setting" else "right")

    def pct(s: dict[str, float] | None) -> str:
        return "n/a" if s is None else f"{s['median']:.2%} [{s['min']:.2%}-{s['max']:.2%}]"

    for label, row in rows.items():
        f1, df1 = row.get("f1"), row.get("delta_f1")
        v = verdicts[label]
        table.add_row(
            label if row["keys"] == keys else f"{label} ({row['keys']} keys)",
            *(pct(row.get(name)) for name in SPREAD),
            "" if f1 is None else f"{f1['median']:.4f} ({f1['min']:.4f})",
            "" if df1 is None else f"{df1['median']:+.4f} ({df1['min']:+.4f})",
            _met(v),
            "yes" if v["informed_ok"] else "no",
        )
    Console(width=300).print(table)


def markdown(rows: dict[str, dict[str, Any]], verdicts: dict[str, dict[str, Any]]) -> str:
    """The table for docs/attacks.md: median [min-max] over the keys."""
    cols = [*SPREAD, "F1 median (min)", "ΔF1 median (min)", "target met", "informed <= 1 %"]
    lines = ["| setting | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    most = max((r["keys"] for r in rows.values()), default=0)
    for label, row in rows.items():
        f1, df1, v = row.get("f1"), row.get("delta_f1"), verdicts[label]
        if row["keys"] != most:
            label += f" ({row['keys']} keys)"
        cells = [
            f"{row[name]['median']:.2%} [{row[name]['min']:.2%}-{row[name]['max']:.2%}]"
            if name in row
            else "n/a"
            for name in SPREAD
        ]
        cells.append("" if f1 is None else f"{f1['median']:.4f} ({f1['min']:.4f})")
        cells.append("" if df1 is None else f"{df1['median']:+.4f} ({df1['min']:+.4f})")
        cells.append("**yes**" if v["meets_target"] else _met(v))
        cells.append("yes" if v["informed_ok"] else "no")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keys", type=int, default=KEYS, help="fresh keys per setting")
    parser.add_argument(
        "--settings", nargs="+", choices=list(BY_LABEL), default=list(BY_LABEL), metavar="LABEL"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=None,
        metavar="TEXT",
        help="keep only the settings whose label contains one of these (e.g. --only v3)",
    )
    parser.add_argument("--scale", type=float, default=SCALE, help="synthetic world scale")
    parser.add_argument("--no-linkage", action="store_true", help="skip FEBRL4 linkage")
    parser.add_argument(
        "--key-seed",
        type=int,
        default=None,
        help="use the public bench keys seed..seed+K-1 instead of fresh ones (reproducible)",
    )
    parser.add_argument(
        "--linkage-only",
        action="store_true",
        help="only link FEBRL4 (same --key-seed as the attack pass), into attacks_linkage.json",
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="keep the other settings' runs of an earlier pass with the same --key-seed",
    )
    parser.add_argument(
        "--from-results",
        action="store_true",
        help="run nothing: merge attacks_linkage.json into attacks.json and print the tables",
    )
    return parser.parse_args(argv)


def bench_key(seed: int | None, k: int) -> LinkageKey:
    """Key ``k`` of the run: fresh (never stored) by default, or the public bench key ``seed+k``
    so that a later ``--linkage-only`` pass links FEBRL4 under the same keys."""
    return new_key() if seed is None else fixed_key(seed + k)


def merge_linkage(path: Path, linkage_path: Path) -> dict[str, Any]:
    """Add the F1 of a ``--linkage-only`` pass to the attack runs under the same keys."""
    results = json.loads(path.read_text())
    if linkage_path.exists():
        linkage = json.loads(linkage_path.read_text())
        if linkage.get("key_seed") is None or linkage["key_seed"] != results.get("key_seed"):
            raise SystemExit("the linkage pass used other keys than the attack pass")
        for label, per_key in results["runs"].items():
            f1 = {r["key"]: r for r in linkage["runs"].get(label, [])}
            for run in per_key:
                if run["key"] in f1:
                    run.update({k: f1[run["key"]][k] for k in ("f1", "f1_unhardened")})
        results["measurements"] += linkage["measurements"]
    rows = summary(results["runs"])
    results.update(summary=rows, verdict=verdict(rows))
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse(argv or [])
    path, linkage_path = RESULTS / "attacks.json", RESULTS / "attacks_linkage.json"
    if args.from_results:
        rows = merge_linkage(path, linkage_path)["summary"]
        print_table(rows, verdict(rows))
        print(markdown(rows, verdict(rows)))
        return
    settings = [
        BY_LABEL[label]
        for label in args.settings
        if args.only is None or any(part in label for part in args.only)
    ]
    print("settings:", ", ".join(s.label for s in settings), f"| keys {args.keys}", flush=True)
    if args.linkage_only and args.key_seed is None:
        raise SystemExit("--linkage-only needs the --key-seed of the attack pass")
    runs: dict[str, list[dict[str, Any]]] = {s.label: [] for s in settings}
    seconds: dict[str, list[float]] = {}
    records = 0
    if not args.linkage_only:
        people = world_identities(1, args.scale)
        plausible = attacker_population(1, 2, 2 * args.scale)
        tables = NameTables.of(attacker_population(1, 3, TABLES * args.scale))
        records = len(people)
    name = "attacks_linkage" if args.linkage_only else "attacks"
    earlier: dict[str, Any] | None = None
    if args.append:
        earlier = json.loads((RESULTS / f"{name}.json").read_text())
        if args.key_seed is None or earlier.get("key_seed") != args.key_seed:
            raise SystemExit("--append needs the --key-seed of the earlier pass")
    for k in range(args.keys):
        key = bench_key(args.key_seed, k)
        baseline_f1: dict[str, float] = {}  # unhardened schema JSON -> F1 under this key
        for s in settings:
            run: dict[str, Any] = {"key": k}
            if not args.linkage_only:
                t0 = time.perf_counter()
                run["attacks"] = attack_once(s, key, people, plausible, tables)
                seconds.setdefault(f"attack {s.label}", []).append(time.perf_counter() - t0)
            if not args.no_linkage:
                t0 = time.perf_counter()
                run["f1"] = febrl_accuracy(s.schema, key, s.encoder)["f1"]
                seconds.setdefault(f"febrl4 linkage {s.label}", []).append(time.perf_counter() - t0)
                base = s.baseline.model_dump_json()
                if s.schema == s.baseline and s.encoder is BloomEncoder:
                    baseline_f1[base] = run["f1"]
                if base not in baseline_f1:
                    baseline_f1[base] = febrl_accuracy(s.baseline, key)["f1"]
                run["f1_unhardened"] = baseline_f1[base]
            runs[s.label].append(run)
            print(f"key {k} {s.label:28s} {progress(run)}", flush=True)
        common = {
            "measurements": [
                Measurement(name, secs, items=records) for name, secs in seconds.items()
            ],
            "keys_done": k + 1,
            "keys_planned": args.keys,
            "key_seed": args.key_seed,
            "runs": runs,
        }
        if earlier is not None:  # keep the runs of the settings an earlier pass measured
            common["runs"] = {**earlier["runs"], **runs}
            kept = [m for m in earlier["measurements"] if m["name"] not in seconds]
            common["measurements"] = [
                *(Measurement(m["name"], m["seconds"], m["items"]) for m in kept),
                *common["measurements"],
            ]
            common["keys_done"] = min(k + 1, earlier["keys_done"])
        if args.linkage_only:
            write_results(name, **common)
            continue
        rows = summary(common["runs"])  # each setting over the keys it has (the table says so)
        write_results(
            "attacks",
            **common,
            scale=args.scale,
            records=records,
            target_share=TARGET,
            f1_tolerance=F1_TOLERANCE,
            settings={
                **(earlier["settings"] if earlier is not None else {}),
                **{
                    s.label: {
                        "schema": s.schema.model_dump(mode="json"),
                        "baseline": s.baseline.model_dump(mode="json"),
                        "encoder": s.encoder.__name__,
                        "flip_seeded_with": list(s.salt),
                        "is_default": is_default(s),
                    }
                    for s in settings
                },
            },
            summary=rows,
            verdict=None if args.no_linkage else verdict(rows),
        )
    if not args.linkage_only:
        rows = summary(runs)
        print_table(rows, verdict(rows))
        print(markdown(rows, verdict(rows)))


def progress(run: dict[str, Any]) -> str:
    out = ""
    if "attacks" in run:
        inf, pla = run["attacks"]["informed"], run["attacks"]["plausible"]
        out += (
            f"pattern {inf['reid_name']:.2%} frequency {inf['frequency_attack_reid_name']:.2%} "
            f"(rank only {inf['frequency_rank_only_reid_name']:.2%}) "
            f"tokens {inf['reid_name_by_tokens']:.2%} "
            f"signature {inf.get('signature_reid_name', 0.0):.2%} "
            f"(tokens {inf.get('reid_name_by_token_counts', 0.0):.2%}) "
            f"plausible {pla['reid_name']:.2%} "
        )
    if "f1" in run:
        out += f"F1 {run['f1']:.4f} (unhardened {run['f1_unhardened']:.4f})"
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
