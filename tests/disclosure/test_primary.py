from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from zichtbaar.disclosure.primary import protect_counts


def _table(counts: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"year": 2014 + i, "form": f"f{j}", "count": c}
            for i, row in enumerate(counts)
            for j, c in enumerate(row)
        ]
    )


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 40), min_size=2, max_size=6), min_size=1, max_size=5).filter(
        lambda rows: len({len(r) for r in rows}) == 1
    )
)
def test_no_small_cell_published_and_no_single_suppression_per_row(rows: list[list[int]]) -> None:
    out = protect_counts(_table(rows), "year", "form", min_cell=10)
    published = out[out["value"].notna()]
    assert not ((published["value"] > 0) & (published["value"] < 10)).any()
    cells = out[out["form"] != "_total"]
    for year, sub in cells.groupby("year"):
        total = out[(out["year"] == year) & (out["form"] == "_total")]
        if total["value"].notna().all():
            # with the total published, a lone suppressed cell would be recomputable
            assert int(sub["suppressed"].sum()) != 1


def test_single_small_cell_gets_a_partner_suppression() -> None:
    out = protect_counts(_table([[50, 3, 20, 30]]), "year", "form", min_cell=10)
    suppressed = set(out.loc[out["suppressed"], "form"])
    assert suppressed == {"f1", "f2"}  # 3 is primary, 20 is the smallest other cell
    total = out[out["form"] == "_total"]["value"].iloc[0]
    assert total == 103


def test_zero_cells_are_published() -> None:
    out = protect_counts(_table([[50, 0, 20]]), "year", "form", min_cell=10)
    assert not out["suppressed"].any()
