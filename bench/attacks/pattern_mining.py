"""Pattern-mining attack on the Bloom filters (after Christen, Schnell, Vatsalan & Ranbaduge 2017).

The attacker holds every filter but no key, knows the scheme (Kerckhoffs: the schema travels in
every package: bigrams, k positions per name bigram, the field labels hashed in) and has a
plain-text population from the same distributions. The positions of one (field, bigram) are set
in *every* record that contains it, so they form a set of columns that co-occur far more than
chance. The attack:

1. **Mine**: from every column, grow a clique of k columns (k = the schema's positions per name
   bigram) with the highest mean pairwise correlation; distinct cliques are candidate bigram
   footprints. A record "contains" a footprint when all but one (a tolerance for hardening
   noise) of its columns are set.
2. **Align** (the frequency part, refined as in the graph-matching attacks of Vidanage et al.):
   match footprints to the population's (field, bigram) features by support, then repeatedly by
   the profile of conditional co-occurrence with the footprints already matched (Hungarian
   assignment each round).
3. **Re-identify**: each record's set of present/absent matched bigrams is compared with the
   population's names (+1 per agreeing, -1 per disagreeing bigram); a unique best candidate is
   the guess. With v1's separate fields the given names and the surname are guessed apart; with
   v2's one bag of name words (label ``name``) the whole (given names, surname) pair is.

Written by hand: no maintained library implements Bloom-filter cryptanalysis (the published code
is research code); scipy provides the assignment step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from bench.attacks.data import (
    NAME_FIELDS,
    BoolMatrix,
    Person,
    Target,
    attacked_fields,
    features,
    name_hashes,
)
from scipy.optimize import linear_sum_assignment

from zichtbaar.standard.package import EncodingSchema

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
    population: list[Person], schema: EncodingSchema, min_support: float
) -> tuple[list[Feature], BoolMatrix]:
    """Frequent (field, bigram) features of the population and the (persons x features) incidence.

    Fields are the schema's own labels: under v2 a bigram of a given name and the same bigram of
    a surname are one feature ("name", bigram), exactly as the encoder hashes them."""
    fields = tuple((f.field, f.q) for f in schema.fields if f.field in attacked_fields(schema))
    counts: Counter[Feature] = Counter()
    grams = [features(p, fields) for p in population]
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


def _best(scores: FloatMatrix, names: list[Candidate]) -> list[Candidate | None]:
    """The top-scoring candidate per row; None on a tie (no unique guess)."""
    if scores.shape[1] == 0:
        return [None] * scores.shape[0]
    if scores.shape[1] == 1:
        return [names[0]] * scores.shape[0]
    top2 = -np.partition(-scores, 1, axis=1)[:, :2]
    arg = np.argmax(scores, axis=1)
    return [
        None if top2[r, 0] == top2[r, 1] else names[int(arg[r])] for r in range(scores.shape[0])
    ]


Candidate = TypeVar("Candidate", str, tuple[str, str])


def _guess(
    fp_inc: BoolMatrix,
    items: list[tuple[int, Feature]],
    candidates: list[Candidate],
    features_of: Callable[[Candidate], frozenset[Feature]],
    chunk: int = 2048,
) -> list[Candidate | None]:
    """Score every record against every candidate on the matched features, in row chunks."""
    if not items or not candidates:
        return [None] * len(fp_inc)
    cand = np.full((len(candidates), len(items)), -1.0, dtype=np.float32)
    column = {feat: j for j, (_, feat) in enumerate(items)}
    for r, c in enumerate(candidates):
        for feat in features_of(c):
            j = column.get(feat)
            if j is not None:
                cand[r, j] = 1.0
    cols = [i for i, _ in items]
    out: list[Candidate | None] = []
    for start in range(0, len(fp_inc), chunk):
        rec = np.where(fp_inc[start : start + chunk][:, cols], 1.0, -1.0).astype(np.float32)
        out.extend(_best(rec @ cand.T, candidates))
    return out


def reidentify(
    fp_inc: BoolMatrix,
    matched: dict[int, Feature],
    population: list[Person],
    schema: EncodingSchema,
) -> tuple[list[tuple[str, str] | None], list[str | None], list[str | None]]:
    """Guess each record's (given names, surname), given names and surname from its bigrams.

    v1 hashes given names and surname under their own labels, so each is guessed apart; v2
    hashes one bag of name words (and their skeletons), so candidates are whole names."""
    qs = {f.field: f.q for f in schema.fields}
    if "given_names" in qs or "surname" in qs:
        parts: list[list[str | None]] = []
        for fld in ("given_names", "surname"):
            items = [(i, (f, g)) for i, (f, g) in matched.items() if f == fld]
            values = sorted({v for p in population for v in [_part(p, fld)] if v})
            parts.append(
                _guess(fp_inc, items, values, lambda v, f=fld: _features(_one(f, v), {f: qs[f]}))
            )
        full = [
            (g, s) if g is not None and s is not None else None
            for g, s in zip(parts[0], parts[1], strict=True)
        ]
        return full, parts[0], parts[1]
    fields = {f: q for f, q in qs.items() if f in NAME_FIELDS}
    items = [(i, feat) for i, feat in matched.items() if feat[0] in fields]
    names = sorted({p.name for p in population if p.name is not None})
    whole = _guess(fp_inc, items, names, lambda c: _features(_one("name", c), fields))
    return whole, [g[0] if g else None for g in whole], [g[1] if g else None for g in whole]


def _part(p: Person, fld: str) -> str | None:
    return p.given_names if fld == "given_names" else p.surname


def _features(p: Person, fields: dict[str, int]) -> frozenset[Feature]:
    return features(p, tuple(fields.items()))


def _one(fld: str, value: str | tuple[str, str]) -> Person:
    if isinstance(value, tuple):
        return Person(value[0], value[1], None, None, None, None, None)
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
        footprints = mine(target)
    feats, pop_inc = population_features(population, target.schema, min_support)
    if not footprints or not feats:
        none: list[str | None] = [None] * len(target.truth)
        return PatternResult(len(footprints), {}, [None] * len(target.truth), none, none)
    fp_inc = np.stack([f.members for f in footprints], axis=1)
    match = align(fp_inc, pop_inc)
    matched = {i: feats[j] for i, j in match.items()}
    full, given, surname = reidentify(fp_inc, matched, population, target.schema)
    return PatternResult(len(footprints), matched, full, given, surname)


def mine(target: Target) -> list[Footprint]:
    """Footprints of the target's filters, of every size the schema gives a name q-gram
    (v2: 12 for a name bigram, 8 for a skeleton bigram), the overlapping ones dropped."""
    x = undo_balance(target.filters)
    out: list[Footprint] = []
    for size in name_hashes(target.schema):
        for fp in mine_footprints(x, size=size):
            cols = set(fp.columns)
            if not any(
                len(cols & set(o.columns)) >= min(len(cols), len(o.columns)) // 2 for o in out
            ):
                out.append(fp)
    return out
