from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zichtbaar.errors import EstimationError
from zichtbaar.estimate import make_table, merge_lists, patterns_from_histories, read_patterns_csv


def _csv(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "p.csv"
    p.write_text(text)
    return p


def test_reads_ukdat(ref: Path) -> None:
    t = read_patterns_csv(ref / "mse" / "UKdat.csv")
    assert t.lists == ("LA", "NG", "PF", "GO", "GP", "NCA")
    assert t.observed == 2744
    full = t.full_counts()
    assert full.shape == (63,)
    assert full[0] == 54  # LA only is cell 1
    assert full.sum() == 2744


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("A,count\n1,5\n", "two lists"),
        ("A,B,count\n1,0,5\n0,1,7\n", "no overlaps"),
        ("A,B,count\n1,0,5\n1,0,3\n1,1,2\n", "duplicate"),
        ("A,B,count\n1,0,-5\n0,1,7\n1,1,2\n", "non-negative integers"),
        ("A,B,count\n1,0,2.5\n0,1,7\n1,1,2\n", "non-negative integers"),
        ("A,B,C,count\n1,0,0,5\n0,1,0,7\n1,1,0,2\n", "zero count"),
        ("A,B\n1,0\n0,1\n", "missing column 'count'"),
        ("A,B,count\n1,0,x\n0,1,7\n1,1,2\n", "not a number"),
        ("A,B,count\n0,0,4\n0,1,7\n1,1,2\n", "all-zero pattern"),
    ],
)
def test_degenerate_input_is_refused(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(EstimationError, match=fragment):
        read_patterns_csv(_csv(tmp_path, text))


def test_all_overlap_warns(tmp_path: Path) -> None:
    t = read_patterns_csv(_csv(tmp_path, "A,B,count\n1,1,9\n"))
    assert any("exactly one list" in w for w in t.warnings)


def test_error_names_row_not_value(tmp_path: Path) -> None:
    with pytest.raises(EstimationError) as exc:
        read_patterns_csv(_csv(tmp_path, "A,B,count\n1,0,7\n0,1,-31337\n1,1,2\n"))
    assert "row 2" in str(exc.value)
    assert "31337" not in str(exc.value)


def test_histories_aggregate_and_merge() -> None:
    df = pd.DataFrame(
        {
            "P": [1, 1, 0, 0, 1, 0],
            "Q": [0, 1, 1, 0, 0, 1],
            "R": [True, False, False, True, False, False],
            "year": [2020, 2020, 2021, 2021, 2020, 2021],
        }
    )
    t = patterns_from_histories(df, ["P", "Q", "R"], ["year"])
    assert t.observed == 6
    assert set(t.strata["year"]) == {2020, 2021}
    m = merge_lists(t, {"QR": ["Q", "R"]})
    assert m.lists == ("P", "QR")
    assert m.observed == 6
    pooled = m.pooled().full_counts()  # cells: P only, QR only, both
    assert list(pooled) == [1.0, 3.0, 2.0]


def test_small_lists_are_merged() -> None:
    rng = np.random.default_rng(1)
    df = pd.DataFrame(rng.integers(0, 2, size=(300, 3)), columns=["A", "B", "C"])
    df["D"] = 0
    df["E"] = 0
    df.loc[:2, "D"] = 1
    df.loc[3:4, "E"] = 1
    t = patterns_from_histories(df, ["A", "B", "C", "D", "E"], min_list_size=10)
    assert t.lists == ("A", "B", "C", "other")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), min_size=1, max_size=60),
)
def test_histories_counts_sum_to_people_on_some_list(rows: list[tuple[bool, ...]]) -> None:
    df = pd.DataFrame(rows, columns=["A", "B", "C"])
    on_some = int(df.any(axis=1).sum())
    try:
        t = patterns_from_histories(df, ["A", "B", "C"])
    except EstimationError:
        # refused only when a list is empty or nobody overlaps
        assert (df.sum() == 0).any() or (df.sum(axis=1) >= 2).sum() == 0 or on_some == 0
        return
    assert t.observed == on_some
    full = t.full_counts()
    for j, name in enumerate(["A", "B", "C"]):
        cells = (np.arange(1, 8) >> j) & 1
        assert full[cells == 1].sum() == df[name].sum()


def test_make_table_rejects_non_binary() -> None:
    with pytest.raises(EstimationError, match="0 or 1"):
        make_table(["A", "B"], [[1, 2], [1, 1]], [3, 4])
