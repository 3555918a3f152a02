"""Encoder throughput and the cost of Bloom-filter hardening in match/non-match separation.

Throughput: the whole ``encode_file`` (read CSV, validate, normalise, tokens, Bloom filter, write
the package) on 100,000 and 1,000,000 Faker people, against a same-run baseline: a plain unkeyed
SHA-256 loop over the same five identifier fields.

Separation: Dice similarity of true matches (typo'd variants of the same person) and of
non-matches (random other people), for every hardening, plus the best-threshold F1 of
classifying pairs by Dice alone -- so what a hardening costs in linkage quality is a number.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import random
import shutil
import statistics
import tempfile
from pathlib import Path

from faker import Faker

from harness import Measurement, measure, peak_rss_mb, write_results
from zichtbaar.encode.bloom import BloomEncoder, dice
from zichtbaar.encode.identity import Identity, identity
from zichtbaar.encode.keys import new_key
from zichtbaar.encode.package import encode_file
from zichtbaar.encode.schema import default_schema

LOCALES = ("nl_NL", "nl_NL", "nl_NL", "pl_PL", "ro_RO", "ru_RU", "el_GR", "ar_AA", "zh_CN", "en_GB")
HARDENINGS = ("none", "balance", "xor_fold", "rule90", "bit_flip")
IDENTIFIERS = ("given_names", "surname", "date_of_birth", "place_of_birth", "bsn")


def make_people(n: int, seed: int = 1) -> list[dict[str, str]]:
    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in sorted(set(LOCALES))}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(seed + i)
    rows = []
    for i in range(n):
        loc = rng.choice(LOCALES)
        f = fakers[loc]
        female = rng.random() < 0.6
        dob = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(16000))
        rows.append(
            {
                "record_id": f"r{i:07d}",
                "registration_date": "2024-06-01",
                "given_names": f.first_name_female() if female else f.first_name_male(),
                "surname": f.last_name(),
                "date_of_birth": dob.strftime(rng.choice(("%d-%m-%Y", "%Y-%m-%d"))),
                "place_of_birth": f.city(),
                "bsn": fakers["nl_NL"].ssn() if loc == "nl_NL" else "",
                "gender": "female" if female else "male",
                "nationality": rng.choice(("NLD", "POL", "ROU", "NGA", "CHN", "XXX")),
                "form": rng.choice(("domestic_sexual", "labour", "criminal")),
                "legal_basis": rng.choice(("legal_duty", "explicit_consent", "none")),
            }
        )
    return rows


def tile(rows: list[dict[str, str]], n: int, seed: int = 2) -> list[dict[str, str]]:
    """``n`` rows from ``rows`` repeated, each copy with a fresh id and date of birth."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        row = dict(rows[i % len(rows)])
        row["record_id"] = f"t{i:08d}"
        dob = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(16000))
        row["date_of_birth"] = dob.isoformat()
        out.append(row)
    return out


def write_csv(rows: list[dict[str, str]], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def baseline(rows: list[dict[str, str]]) -> None:
    """Plain unkeyed hashing of the identifier fields: the floor any encoder is compared with."""
    for row in rows:
        for field in IDENTIFIERS:
            hashlib.sha256(row[field].encode()).hexdigest()


def throughput(rows: list[dict[str, str]], work: Path, repeats: int) -> list[Measurement]:
    key = new_key()
    src = write_csv(rows, work / f"in-{len(rows)}.csv")
    out = work / "pkg"

    def run() -> None:
        shutil.rmtree(out, ignore_errors=True)
        encode_file(src, key, "bench", "police", "registrations", out)

    n = len(rows)
    return [
        measure(f"baseline: unkeyed sha256 loop ({n:,})", lambda: baseline(rows), repeats, n),
        measure(f"encode_file, 2 workers ({n:,})", run, repeats, n),
    ]


def typo(text: str, rng: random.Random) -> str:
    if len(text) < 2:
        return text
    i = rng.randrange(len(text))
    op = rng.choice(("sub", "del", "ins", "swap"))
    c = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if op == "sub":
        return text[:i] + c + text[i + 1 :]
    if op == "del":
        return text[:i] + text[i + 1 :]
    if op == "swap" and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + c + text[i:]


def variant(row: dict[str, str], rng: random.Random) -> dict[str, str]:
    """A realistic second registration of the same person: one or two faults."""
    v = dict(row)
    for _ in range(rng.choice((1, 1, 2))):
        fault = rng.choice(("given", "surname", "dob_swap", "dob_digit", "place", "case"))
        if fault == "given":
            v["given_names"] = typo(v["given_names"], rng)
        elif fault == "surname":
            v["surname"] = typo(v["surname"], rng)
        elif fault == "place":
            v["place_of_birth"] = typo(v["place_of_birth"], rng)
        elif fault == "case":
            v["surname"] = v["surname"].upper()
        else:
            d = dt.date.fromisoformat(_iso(v["date_of_birth"]))
            if fault == "dob_swap" and d.day <= 12:
                d = dt.date(d.year, d.day, d.month)
            else:
                d = d + dt.timedelta(days=rng.choice((-1, 1, 10, -10)))
            v["date_of_birth"] = d.isoformat()
    return v


def _iso(text: str) -> str:
    return text if text[4] == "-" else "-".join(reversed(text.split("-")))


def _person(row: dict[str, str]) -> Identity:
    return identity(
        row["given_names"],
        row["surname"],
        row["date_of_birth"],
        row["place_of_birth"],
        None,
        row["gender"],
    )


def best_f1(match: list[float], other: list[float]) -> tuple[float, float]:
    """The best F1 (and its threshold) of classifying pairs as matches by Dice >= threshold."""
    scored = sorted([(s, 1) for s in match] + [(s, 0) for s in other], reverse=True)
    tp = fp = 0
    best = (0.0, 1.0)
    for score, is_match in scored:
        tp += is_match
        fp += 1 - is_match
        f1 = 2 * tp / (tp + fp + len(match))
        if f1 > best[0]:
            best = (f1, score)
    return best


def separation(rows: list[dict[str, str]], pairs: int = 5_000) -> list[dict[str, object]]:
    rng = random.Random(5)
    sample = rows[:pairs]
    originals = [_person(r) for r in sample]
    variants = [_person(variant(r, rng)) for r in sample]
    # hard non-matches: a sibling -- same surname and place of birth, own given name and dob
    siblings = [
        _person(
            {
                **r,
                "given_names": sample[(i + 1) % len(sample)]["given_names"],
                "date_of_birth": (
                    dt.date.fromisoformat(_iso(r["date_of_birth"]))
                    + dt.timedelta(days=rng.randrange(400, 3000))
                ).isoformat(),
            }
        )
        for i, r in enumerate(sample)
    ]
    shuffled = list(range(len(sample)))
    rng.shuffle(shuffled)
    key = new_key()
    table = []
    for hardening in HARDENINGS:
        schema = default_schema().model_copy(update={"hardening": hardening})
        enc = BloomEncoder(key, schema)
        a, b = enc.encode(originals), enc.encode(variants)
        match = [dice(x, y) for x, y in zip(a, b, strict=True) if x and y]
        other = [
            dice(a[i], b[j])
            for i, j in enumerate(shuffled)
            if i != j and a[i] is not None and b[j] is not None
        ]
        c = enc.encode(siblings)
        sibling = [dice(x, y) for x, y in zip(a, c, strict=True) if x and y]
        q_m = statistics.quantiles(match, n=20)
        q_o = statistics.quantiles(other, n=20)
        f1, threshold = best_f1(match, other)
        f1_hard, threshold_hard = best_f1(match, other + sibling)
        table.append(
            {
                "hardening": hardening,
                "match_p5": round(q_m[0], 3),
                "match_median": round(statistics.median(match), 3),
                "nonmatch_median": round(statistics.median(other), 3),
                "nonmatch_p95": round(q_o[-1], 3),
                "nonmatch_max": round(max(other), 3),
                "best_f1": round(f1, 4),
                "threshold": round(threshold, 3),
                "sibling_median": round(statistics.median(sibling), 3),
                "best_f1_with_siblings": round(f1_hard, 4),
                "threshold_with_siblings": round(threshold_hard, 3),
            }
        )
    return table


def print_separation(table: list[dict[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Table(title="Dice: true matches (typo'd variants) vs non-matches")
    for col in table[0]:
        out.add_column(col, justify="left" if col == "hardening" else "right")
    for row in table:
        out.add_row(*(str(v) for v in row.values()))
    Console(width=200).print(out)


def main() -> None:
    people = make_people(100_000)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        measurements = throughput(people, work, repeats=3)
        measurements += throughput(tile(people, 1_000_000), work, repeats=1)
    table = separation(people)
    write_results("encode", measurements, separation=table, peak_rss_mb=peak_rss_mb())
    print_separation(table)


if __name__ == "__main__":
    main()
