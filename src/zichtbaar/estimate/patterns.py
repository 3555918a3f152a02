"""Capture-pattern tables: the only input the estimators need.

A table holds, per observed capture pattern (which lists a person is on), how many people have it.
It can come from a CSV of patterns or from the person-level capture histories of a linkage run, so
estimation never depends on how the linkage was done. Validation is strict because a degenerate
table (one list, no overlap, negative counts...) would otherwise give a silent but meaningless
number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from zichtbaar.errors import EstimationError

COUNT = "count"


@dataclass(frozen=True)
class PatternTable:
    """Counts per capture pattern, optionally per stratum (covariate combination).

    ``patterns`` is an (r, k) 0/1 matrix, ``counts`` the r counts; ``strata`` holds one column per
    covariate (r values each). The all-zero pattern is never present.
    """

    lists: tuple[str, ...]
    patterns: npt.NDArray[np.int8]
    counts: npt.NDArray[np.float64]
    strata: Mapping[str, npt.NDArray[np.object_]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def k(self) -> int:
        return len(self.lists)

    @property
    def observed(self) -> int:
        return round(float(self.counts.sum()))

    def full_counts(self) -> npt.NDArray[np.float64]:
        """Counts on all 2^k - 1 non-empty patterns (pooled over strata), zeros included.

        Cell ``c`` (1 .. 2^k-1) has list ``j`` present when bit ``j`` of ``c`` is set; the
        unobserved cell 0 is left out.
        """
        k = self.k
        weights = 1 << np.arange(k)
        idx = self.patterns.astype(np.int64) @ weights
        full = np.zeros(2**k, dtype=np.float64)
        np.add.at(full, idx, self.counts)
        return full[1:]

    def to_frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.patterns, columns=list(self.lists))
        for name, values in self.strata.items():
            df[name] = values
        df[COUNT] = self.counts.astype(np.int64)
        return df

    def stratum(self, **levels: object) -> PatternTable:
        """The sub-table where each named covariate equals the given level."""
        mask = np.ones(len(self.counts), dtype=bool)
        for name, level in levels.items():
            if name not in self.strata:
                raise EstimationError(f"no covariate column '{name}' in the pattern table")
            mask &= self.strata[name] == level
        return PatternTable(
            self.lists,
            self.patterns[mask],
            self.counts[mask],
            {n: v[mask] for n, v in self.strata.items()},
        )

    def levels(self, columns: Sequence[str]) -> list[tuple[object, ...]]:
        """The combinations of covariate levels that occur, sorted."""
        for c in columns:
            if c not in self.strata:
                raise EstimationError(f"no covariate column '{c}' in the pattern table")
        if not columns:
            return [()]
        combos = {tuple(self.strata[c][i] for c in columns) for i in range(len(self.counts))}
        return sorted(combos, key=lambda t: tuple(str(x) for x in t))

    def pooled(self) -> PatternTable:
        """Sum over strata: one row per pattern."""
        full = self.full_counts()
        cells = np.nonzero(full)[0] + 1
        pats = ((cells[:, None] >> np.arange(self.k)) & 1).astype(np.int8)
        return PatternTable(self.lists, pats, full[cells - 1], {}, self.warnings)


def _check_degenerate(table: PatternTable) -> list[str]:
    """Refuse tables no capture-recapture estimate can be based on; warn on weak ones."""
    k = table.k
    if k < 2:
        raise EstimationError("at least two lists are needed for a capture-recapture estimate")
    if table.counts.size == 0 or table.counts.sum() <= 0:
        raise EstimationError("the pattern table is empty: nobody is on any list")
    full = table.full_counts()
    cells = np.arange(1, 2**k)
    on = (cells[:, None] >> np.arange(k)) & 1
    per_list = on.T @ full
    warnings: list[str] = []
    empty = [table.lists[j] for j in range(k) if per_list[j] == 0]
    if empty:
        raise EstimationError(
            f"list(s) {', '.join(empty)} have a zero count: drop or merge them before estimating"
        )
    multi = on.sum(axis=1) >= 2
    if full[multi].sum() == 0:
        raise EstimationError(
            "no person is on more than one list (no overlaps): the hidden count is not estimable"
        )
    single = on.sum(axis=1) == 1
    if full[single].sum() == 0:
        warnings.append(
            "nobody is on exactly one list (every person is in an overlap): the estimate of the "
            "hidden count will be close to zero and says little"
        )
    for a in range(k):
        for b in range(a + 1, k):
            both = (on[:, a] == 1) & (on[:, b] == 1)
            if full[both].sum() == 0:
                warnings.append(
                    f"lists {table.lists[a]} and {table.lists[b]} do not overlap: their "
                    "interaction cannot be estimated"
                )
    return warnings


def make_table(
    lists: Sequence[str],
    patterns: npt.ArrayLike,
    counts: npt.ArrayLike,
    strata: Mapping[str, npt.ArrayLike] | None = None,
) -> PatternTable:
    """Build and validate a pattern table (the constructor all readers go through)."""
    pats = np.asarray(patterns)
    cnt = np.asarray(counts, dtype=np.float64)
    if len(set(lists)) != len(lists):
        raise EstimationError("list names must be unique")
    if pats.ndim != 2 or pats.shape[1] != len(lists) or pats.shape[0] != cnt.shape[0]:
        raise EstimationError("patterns must be a (rows, lists) matrix matching the counts")
    bad = np.nonzero(~np.isin(pats, (0, 1)))[0]
    if bad.size:
        raise EstimationError(f"row {int(bad[0]) + 1}: list columns must be 0 or 1")
    bad = np.nonzero(~np.isfinite(cnt) | (cnt < 0) | (cnt != np.round(cnt)))[0]
    if bad.size:
        raise EstimationError(
            f"row {int(bad[0]) + 1}, field '{COUNT}': counts must be non-negative integers"
        )
    zero_rows = np.nonzero(pats.sum(axis=1) == 0)[0]
    if zero_rows.size and cnt[zero_rows].sum() > 0:
        raise EstimationError(
            f"row {int(zero_rows[0]) + 1}: the all-zero pattern (on no list) cannot be observed"
        )
    st = {n: np.asarray(v, dtype=object) for n, v in (strata or {}).items()}
    keep = pats.sum(axis=1) > 0
    key = pd.DataFrame(pats[keep], columns=list(lists))
    for n, v in st.items():
        key[n] = v[keep]
    dup = key.duplicated(keep="first").to_numpy()
    if dup.any():
        row = int(np.nonzero(keep)[0][np.nonzero(dup)[0][0]]) + 1
        raise EstimationError(f"row {row}: duplicate capture pattern (each pattern once)")
    table = PatternTable(
        tuple(lists),
        pats[keep].astype(np.int8),
        cnt[keep],
        {n: v[keep] for n, v in st.items()},
    )
    warnings = _check_degenerate(table)
    return PatternTable(table.lists, table.patterns, table.counts, table.strata, tuple(warnings))


def read_patterns_csv(path: str | Path, covariates: Sequence[str] | None = None) -> PatternTable:
    """Read a CSV of patterns: one 0/1 column per list, a ``count`` column, optional covariates.

    Covariate columns are those named in ``covariates``; when ``None``, every column whose values
    are not all 0/1 (besides ``count``) is taken as a covariate.
    """
    try:
        df = pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise EstimationError(f"cannot read pattern file: {type(exc).__name__}") from None
    if COUNT not in df.columns:
        raise EstimationError(f"missing column '{COUNT}' in the pattern file")
    others = [c for c in df.columns if c != COUNT]
    if covariates is None:
        covs = [c for c in others if not df[c].isin([0, 1]).all()]
    else:
        missing = [c for c in covariates if c not in df.columns]
        if missing:
            raise EstimationError(f"missing covariate column(s): {', '.join(missing)}")
        covs = list(covariates)
    lists = [c for c in others if c not in covs]
    if df[lists].isna().to_numpy().any() or df[COUNT].isna().any():
        raise EstimationError("empty cells in list or count columns")
    num = df[COUNT].apply(pd.to_numeric, errors="coerce")
    if num.isna().any():
        row = int(np.nonzero(num.isna().to_numpy())[0][0]) + 1
        raise EstimationError(f"row {row}, field '{COUNT}': not a number")
    return make_table(
        lists,
        df[lists].apply(pd.to_numeric, errors="coerce").fillna(-1).to_numpy(),
        num.to_numpy(dtype=np.float64),
        {c: df[c].to_numpy() for c in covs},
    )


def merge_lists(table: PatternTable, groups: Mapping[str, Sequence[str]]) -> PatternTable:
    """Merge lists into one (a person is on the merged list if on any member)."""
    used = [name for members in groups.values() for name in members]
    unknown = [n for n in used if n not in table.lists]
    if unknown:
        raise EstimationError(f"unknown list(s) to merge: {', '.join(unknown)}")
    new_lists: list[str] = []
    cols: list[npt.NDArray[np.int8]] = []
    done: set[str] = set()
    for name in table.lists:
        if name in done:
            continue
        group = next(((g, m) for g, m in groups.items() if name in m), None)
        if group is None:
            new_lists.append(name)
            cols.append(table.patterns[:, table.lists.index(name)])
            done.add(name)
        else:
            idx = [table.lists.index(m) for m in group[1]]
            new_lists.append(group[0])
            cols.append(table.patterns[:, idx].max(axis=1))
            done.update(group[1])
    pats = np.stack(cols, axis=1)
    df = pd.DataFrame(pats, columns=new_lists)
    for n, v in table.strata.items():
        df[n] = v
    df[COUNT] = table.counts
    agg = df.groupby(list(df.columns[:-1]), sort=True, dropna=False)[COUNT].sum().reset_index()
    return make_table(
        new_lists,
        agg[new_lists].to_numpy(),
        agg[COUNT].to_numpy(),
        {n: agg[n].to_numpy() for n in table.strata},
    )


def patterns_from_histories(
    df: pd.DataFrame,
    lists: Sequence[str],
    covariates: Sequence[str] = (),
    *,
    merge: Mapping[str, Sequence[str]] | None = None,
    min_list_size: int = 0,
) -> PatternTable:
    """Aggregate person-level capture histories (one row per person) to pattern counts.

    ``merge`` names groups of lists to merge; lists with fewer than ``min_list_size`` people are
    merged into one list called ``other`` (a small list carries too little overlap to estimate its
    dependence on the others).
    """
    missing = [c for c in (*lists, *covariates) if c not in df.columns]
    if missing:
        raise EstimationError(f"missing column(s) in capture histories: {', '.join(missing)}")
    try:
        on = df[list(lists)].astype("int64")
    except (ValueError, TypeError, OverflowError):  # empty or text cells (found by tests/fuzz)
        raise EstimationError("capture-history list columns must be 0/1 or boolean") from None
    if not on.isin([0, 1]).all().all():
        raise EstimationError("capture-history list columns must be 0/1 or boolean")
    groups: dict[str, list[str]] = {g: list(m) for g, m in (merge or {}).items()}
    if min_list_size > 0:
        grouped = {m for ms in groups.values() for m in ms}
        small = [c for c in lists if c not in grouped and int(on[c].sum()) < min_list_size]
        if len(small) >= 2:
            groups["other"] = small
    work = on.copy()
    for c in covariates:
        work[c] = df[c].astype(object).where(df[c].notna(), "unknown")
    work = work[on.sum(axis=1) > 0]
    keys = [*lists, *covariates]
    agg = work.groupby(keys, sort=True, dropna=False).size().reset_index(name=COUNT)
    table = make_table(
        list(lists),
        agg[list(lists)].to_numpy(),
        agg[COUNT].to_numpy(),
        {c: agg[c].to_numpy() for c in covariates},
    )
    return merge_lists(table, groups) if groups else table
