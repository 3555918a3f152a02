"""Pattern-mining attack on the Bloom filters (after Christen, Schnell, Vatsalan & Ranbaduge 2017).

The attacker holds every filter but no key, knows the scheme (bigrams, 12 positions per name
bigram, field names hashed in) and has a plain-text population from the same distributions. The
positions of one (field, bigram) are set in *every* record that contains it, so they form a set
of columns that co-occur far more than chance. The attack:

1. **Mine**: from every column, grow a clique of up to 12 columns with the highest mean pairwise
   correlation; distinct cliques are candidate bigram footprints. A record "contains" a footprint
   when all but one (a tolerance for hardening noise) of its columns are set.
2. **Align** (the frequency part, refined as in the graph-matching attacks of Vidanage et al.):
   match footprints to the population's (field, bigram) features by support, then repeatedly by
   the profile of conditional co-occurrence with the footprints already matched (Hungarian
   assignment each round).
3. **Re-identify**: each record's set of present/absent matched bigrams is compared with every
   given name and every surname of the population (field by field, +1 per agreeing, -1 per
   disagreeing bigram); a unique best candidate is the guess.

Written by hand: no maintained library implements Bloom-filter cryptanalysis (the published code
is research code); scipy provides the assignment step.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from bench.attacks.data import ALL_FIELDS, NAME_FIELDS, BoolMatrix, Person, Target, field_grams
from scipy.optimize import linear_sum_assignment

FloatMatrix = npt.NDArray[np.float64]
Feature = tuple[str, str]  # (field, bigram)


@dataclass
class Footprint:
    columns: tuple[int, ...]
    members: npt.NDArray[np.bool_]  # records that contain it

    @property
    def support(self) -> float:
        return float(self.members.mean())


@dataclass
class PatternResult:
    footprints: int
    matched: dict[int, Feature]
    guesses: list[tuple[str, str] | None]
    given_guesses: list[str | None] = field(default_factory=list)
    surname_guesses: list[str | None] = field(default_factory=list)


def mine_footprints(
    x: BoolMatrix, size: int = 12, max_freq: float = 0.7, batch: int = 256
) -> list[Footprint]:
    """Grow one footprint from every column, de-duplicated.

    Growth is greedy on significance: the column whose co-occurrence with the records selected
    so far most exceeds what its frequency predicts (a z-score) is added, and the selection is
    narrowed to the records that have it. Near-universal columns (years "19"/"20", gender) are
    left out: they co-occur with everything and would capture every clique.
    """
    freq = x.mean(axis=0)
    usable = np.flatnonzero((freq > 0.0) & (freq <= max_freq))
    xu = x[:, usable].astype(np.float32)
    pu = freq[usable].astype(np.float32)
    seen: list[frozenset[int]] = []
    out: list[Footprint] = []
    for start in range(0, len(usable), batch):
        seeds = np.arange(start, min(start + batch, len(usable)))
        sel = xu[:, seeds].T.copy()  # (seeds, n): records selected so far
        chosen = np.zeros((len(seeds), len(usable)), dtype=np.bool_)
        chosen[np.arange(len(seeds)), seeds] = True
        half = np.zeros(len(seeds), dtype=np.float32)
        for step in range(1, size):
            count = sel.sum(axis=1, keepdims=True)
            joint = sel @ xu
            expected = count * pu[None, :]
            z = (joint - expected) / np.sqrt(np.maximum(expected * (1 - pu[None, :]), 1e-6))
            z[chosen] = -np.inf
            best = np.argmax(z, axis=1)
            chosen[np.arange(len(seeds)), best] = True
            sel *= xu[:, best].T
            if step == size // 2:
                half = sel.sum(axis=1)
        final = sel.sum(axis=1)
        for row in range(len(seeds)):
            # a true footprint keeps most of its records from half size to full size
            if final[row] < 5 or final[row] < 0.5 * half[row]:
                continue
            cols = frozenset(int(usable[c]) for c in np.flatnonzero(chosen[row]))
            if any(len(cols & s) >= size // 2 for s in seen):
                continue
            seen.append(cols)
            members = x[:, sorted(cols)].sum(axis=1) >= len(cols) - 1
            out.append(Footprint(tuple(sorted(cols)), members))
    return out


def undo_balance(x: BoolMatrix) -> BoolMatrix:
    """Recover the raw filter from ``balance`` hardening, which the attacker knows is in use.

    A balanced filter is a filter and its negation, permuted: every column has an exact
    complement column. Keeping the rarer column of each pair gives back the unhardened
    half-length filter (the permutation does not matter to the attack). Filters that are not
    balanced are returned unchanged.
    """
    packed = np.packbits(x, axis=0).T  # one row of bytes per column
    index = {row.tobytes(): c for c, row in enumerate(packed)}
    keep: list[int] = []
    paired: set[int] = set()
    for c in range(len(packed)):
        if c in paired:
            continue
        other = index.get(np.packbits(~x[:, c]).tobytes())
        if other is None or other == c:
            return x
        paired.update((c, other))
        keep.append(c if x[:, c].sum() <= x[:, other].sum() else other)
    return x[:, keep]


def population_features(
    population: list[Person], min_support: float
) -> tuple[list[Feature], BoolMatrix]:
    """Frequent (field, bigram) features of the population and the (persons x features) incidence."""
    counts: Counter[Feature] = Counter()
    grams = [{(f, g) for f in ALL_FIELDS for g in field_grams(p, f)} for p in population]
    for gs in grams:
        counts.update(gs)
    n = len(population)
    feats = [f for f, c in counts.most_common() if c / n >= min_support]
    index = {f: i for i, f in enumerate(feats)}
    inc = np.zeros((n, len(feats)), dtype=np.bool_)
    for r, gs in enumerate(grams):
        for g in gs:
            i = index.get(g)
            if i is not None:
                inc[r, i] = True
    return feats, inc


def _conditional(inc: BoolMatrix) -> FloatMatrix:
    """P(column j | column i) for an incidence matrix."""
    f = inc.astype(np.float64)
    joint = f.T @ f
    support = np.maximum(np.diag(joint), 1.0)
    out: FloatMatrix = joint / support[:, None]
    return out


def _shape(cond: FloatMatrix, support: FloatMatrix, width: int = 8) -> FloatMatrix:
    """Label-free description of each node: log support and its strongest co-occurrences."""
    c = cond.copy()
    np.fill_diagonal(c, 0.0)
    out_top = -np.sort(-c, axis=1)[:, :width]  # P(j | i), largest first
    in_top = -np.sort(-c.T, axis=1)[:, :width]  # P(i | j), largest first
    return np.hstack([np.log(np.maximum(support, 1e-6))[:, None] / 4, out_top, in_top])


def align(
    fp_inc: BoolMatrix, pop_inc: BoolMatrix, rounds: int = 8, anchors: int = 60
) -> dict[int, int]:
    """Match footprints (columns of ``fp_inc``) to features (columns of ``pop_inc``).

    Round 0 compares label-free shapes (support and the sorted strengths of each node's
    co-occurrences, as in graph-based attacks); later rounds compare each footprint's
    co-occurrence with the footprints matched so far against each feature's co-occurrence with
    their matched features.
    """
    s_fp = fp_inc.mean(axis=0)
    s_pop = pop_inc.mean(axis=0)
    base = np.abs(
        np.log(np.maximum(s_fp, 1e-6))[:, None] - np.log(np.maximum(s_pop, 1e-6))[None, :]
    )
    c_fp, c_pop = _conditional(fp_inc), _conditional(pop_inc)
    sh_fp, sh_pop = _shape(c_fp, s_fp), _shape(c_pop, s_pop)
    shape = np.abs(sh_fp[:, None, :] - sh_pop[None, :, :]).mean(axis=2)
    rows, cols = linear_sum_assignment(shape)
    match = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    for _ in range(rounds):
        # the matched pairs that fit best serve as anchors of the co-occurrence profile
        order = sorted(match, key=lambda i: shape[i, match[i]])[:anchors]
        a_fp = np.array(order)
        a_pop = np.array([match[i] for i in order])
        prof_fp = np.hstack([c_fp[:, a_fp], c_fp[a_fp, :].T])
        prof_pop = np.hstack([c_pop[:, a_pop], c_pop[a_pop, :].T])
        dist = np.abs(prof_fp[:, None, :] - prof_pop[None, :, :]).mean(axis=2)
        rows, cols = linear_sum_assignment(dist + 0.05 * base)
        new = dict(zip(rows.tolist(), cols.tolist(), strict=True))
        shape = dist
        if new == match:
            break
        match = new
    return match


def _best(scores: FloatMatrix, names: list[str]) -> list[str | None]:
    """The top-scoring candidate per row; None on a tie (no unique guess)."""
    out: list[str | None] = []
    if scores.shape[1] == 0:
        return [None] * scores.shape[0]
    top2 = np.partition(-scores, 1, axis=1)[:, :2] if scores.shape[1] > 1 else None
    arg = np.argmax(scores, axis=1)
    for r in range(scores.shape[0]):
        if top2 is not None and top2[r, 0] == top2[r, 1]:
            out.append(None)
        else:
            out.append(names[int(arg[r])])
    return out


def reidentify(
    fp_inc: BoolMatrix, matched: dict[int, Feature], population: list[Person]
) -> tuple[list[str | None], list[str | None]]:
    """Guess each record's given names and surname from its matched bigrams, field by field."""
    guesses: list[list[str | None]] = []
    for fld in NAME_FIELDS:
        items = [(i, g) for i, (f, g) in matched.items() if f == fld]
        values = sorted(
            {
                v
                for p in population
                for v in [p.given_names if fld == "given_names" else p.surname]
                if v
            }
        )
        if not items:
            guesses.append([None] * len(fp_inc))
            continue
        rec = np.where(fp_inc[:, [i for i, _ in items]], 1.0, -1.0)
        cand = np.array(
            [
                [1.0 if g in grams else -1.0 for _, g in items]
                for grams in (field_grams(_one(fld, v), fld) for v in values)
            ]
        )
        guesses.append(_best(rec @ cand.T, values))
    return guesses[0], guesses[1]


def _one(fld: str, value: str) -> Person:
    if fld == "given_names":
        return Person(value, None, None, None, None, None, None)
    return Person(None, value, None, None, None, None, None)


def attack(
    target: Target,
    population: list[Person],
    min_support: float = 0.002,
    footprints: list[Footprint] | None = None,
) -> PatternResult:
    """Run the whole attack; ``population`` is the attacker's plain text.

    ``footprints`` lets a caller mine once and align against several populations.
    """
    if footprints is None:
        footprints = mine_footprints(undo_balance(target.filters))
    feats, pop_inc = population_features(population, min_support)
    if not footprints or not feats:
        none: list[str | None] = [None] * len(target.truth)
        return PatternResult(len(footprints), {}, [None] * len(target.truth), none, none)
    fp_inc = np.stack([f.members for f in footprints], axis=1)
    match = align(fp_inc, pop_inc)
    matched = {i: feats[j] for i, j in match.items()}
    given, surname = reidentify(fp_inc, matched, population)
    full = [
        (g, s) if g is not None and s is not None else None
        for g, s in zip(given, surname, strict=True)
    ]
    return PatternResult(len(footprints), matched, full, given, surname)
