from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from zichtbaar.errors import EstimationError
from zichtbaar.estimate.yearly import estimate_per_year, group_histories, publishable
from zichtbaar.standard.codes import REPORTER_GROUPS, REPORTER_TYPES


def _histories(n_per_year: dict[int, int], p: float, seed: int) -> pd.DataFrame:
    """Independent detection by every reporter type; only detected persons are returned."""
    rng = np.random.default_rng(seed)
    rows = []
    for year, n in n_per_year.items():
        caught = rng.random((n, len(REPORTER_TYPES))) < p
        frame = pd.DataFrame(caught.astype(int), columns=[f"rt_{c}" for c in REPORTER_TYPES.values])
        frame["year"] = year
        rows.append(frame)
    df = pd.concat(rows, ignore_index=True)
    return df[df.filter(like="rt_").sum(axis=1) > 0].reset_index(drop=True)


def test_groups_merge_reporter_types_into_six_lists() -> None:
    df = pd.DataFrame(
        {"rt_police": [1, 0, 0], "rt_legal_aid": [0, 1, 0], "rt_ngo": [0, 0, 1], "year": 2020}
    )
    grouped, lists = group_histories(df)
    assert lists == ["police", "other"]  # groups nobody is on are left out
    assert grouped["other"].tolist() == [0, 1, 1]
    assert set(REPORTER_GROUPS) == {"police", "kmar", "inspection", "care", "municipal", "other"}
    covered = [t for types in REPORTER_GROUPS.values() for t in types]
    assert sorted(covered) == sorted(REPORTER_TYPES.values)  # every type in exactly one group


def test_estimates_per_year_cover_known_totals_by_simulation() -> None:
    """Independent lists, the true (main-effects) model: intervals cover, the bias is small."""
    truth = {2020: 3000, 2021: 2000}
    hits, errors = 0, []
    for seed in range(20):
        df = _histories(truth, 0.05, seed=seed)
        results = estimate_per_year(df, model="main")
        assert [int(r.stratum["year"]) for r in results] == [2020, 2021]
        for r in results:
            true = truth[int(r.stratum["year"])]
            hits += r.ci_low <= true <= r.ci_high
            errors.append((r.estimate - true) / true)
            pub = publishable(r)
            assert pub is not None and pub["total"] % 10 == 0
            assert pub["lower"] <= pub["total"] <= pub["upper"]
    assert hits / 40 >= 0.85
    assert abs(float(np.mean(errors))) < 0.03


def test_one_list_is_refused() -> None:
    df = pd.DataFrame({"rt_police": [1, 1], "year": [2020, 2020]})
    with pytest.raises(EstimationError, match="two reporter groups"):
        estimate_per_year(df)
