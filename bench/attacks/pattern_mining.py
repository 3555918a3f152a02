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
from scipy.spatial.distance import cdist

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
    # ordered by count, then by name: ``most_common`` breaks ties by insertion order, which
    # follows frozenset iteration and so the per-process string hash seed; the aligner's seeds
    # and assignments depend on this order, and a run must be reproducible
    feats = [
        f for f, c in sorted(counts.items(), key=lambda fc: (-fc[1], fc[0])) if c / n >= min_support
    ]
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
    fp_inc: BoolMatrix,
    pop_inc: BoolMatrix,
    rounds: int = 10,
    anchors: int = 80,
    seeds: int = 20,
) -> dict[int, int]:
    """The match of ``align_once`` without its fit (what most callers need)."""
    return align_once(fp_inc, pop_inc, rounds, anchors, seeds)[0]


def align_once(
    fp_inc: BoolMatrix,
    pop_inc: BoolMatrix,
    rounds: int = 10,
    anchors: int = 80,
    seeds: int = 20,
) -> tuple[dict[int, int], float]:
    """Match footprints (columns of ``fp_inc``) to features (columns of ``pop_inc``).

    Seeded graph matching: the ``seeds`` most frequent footprints are matched to the most
    frequent features (half as many again to choose from) on support and label-free shape
    (the sorted strengths of each node's co-occurrences, as in graph-based attacks). Frequent
    bigrams have the smallest sampling error, so these seeds hold even for a population of
    other people. Each round then matches *every* footprint to *every* feature on its
    co-occurrence with the anchors (the matched pairs that fit best so far).

    Matching all footprints against all features in round 0 (the earlier aligner) worked for
    the informed attacker, whose supports are exact, but for a population of other people it
    locked on to a wrong match unless the features were first cut to a lucky number.
    """
    s_fp = fp_inc.mean(axis=0)
    s_pop = pop_inc.mean(axis=0)
    base = np.abs(
        np.log(np.maximum(s_fp, 1e-6))[:, None] - np.log(np.maximum(s_pop, 1e-6))[None, :]
    )
    c_fp, c_pop = _conditional(fp_inc), _conditional(pop_inc)
    top_fp = np.argsort(-s_fp, kind="stable")[:seeds]
    top_pop = np.argsort(-s_pop, kind="stable")[: seeds + seeds // 2]
    sh_fp, sh_pop = _shape(c_fp, s_fp)[top_fp], _shape(c_pop, s_pop)[top_pop]
    shape = np.abs(sh_fp[:, None, :] - sh_pop[None, :, :]).mean(axis=2)
    rows, cols = linear_sum_assignment(shape + base[np.ix_(top_fp, top_pop)])
    match = {int(top_fp[r]): int(top_pop[c]) for r, c in zip(rows, cols, strict=True)}
    fit = dict.fromkeys(match, 0.0)
    for _ in range(rounds):
        order = sorted(fit, key=lambda i: fit[i])[:anchors]
        a_fp = np.array(order)
        a_pop = np.array([match[i] for i in order])
        prof_fp = np.hstack([c_fp[:, a_fp], c_fp[a_fp, :].T])
        prof_pop = np.hstack([c_pop[:, a_pop], c_pop[a_pop, :].T])
        dist = cdist(prof_fp, prof_pop, "cityblock") / prof_fp.shape[1]
        rows, cols = linear_sum_assignment(dist + 0.05 * base)
        new = dict(zip(rows.tolist(), cols.tolist(), strict=True))
        fit = {i: float(dist[i, j]) for i, j in new.items()}
        if new == match:
            break
        match = new
    return match, float(np.mean(sorted(fit.values())[:anchors]))


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


@dataclass(frozen=True)
class NameTables:
    """What a plausible attacker knows of names: given names and surnames as two frequency
    tables (a national register's), not which combinations occur, and how often people carry
    one or two given names. Read off a population drawn from the same distributions."""

    given: Counter[str]
    surname: Counter[str]
    two_given: float  # share of people with two given names

    @classmethod
    def of(cls, population: list[Person]) -> NameTables:
        given: Counter[str] = Counter()
        surname: Counter[str] = Counter()
        counts: Counter[int] = Counter()
        for p in population:
            if p.name is None:
                continue
            words = p.given_names.split() if p.given_names else []
            given.update(words)
            surname[p.surname or ""] += 1
            counts[min(len(words), 2)] += 1
        total = counts[1] + counts[2]
        return cls(given, surname, counts[2] / total if total else 0.0)


PRIOR_WEIGHT = 0.2
"""How much a combination's log frequency counts against one wrong bigram: a mislabelled or
unmined bigram is common, so a likely name that misses one beats a rare one that fits (scale
0.1, unhardened v3, one key: 0.001 gives 52 %, 0.2 62 %, 1.0 51 %)."""


def reidentify_by_parts(
    fp_inc: BoolMatrix,
    matched: dict[int, Feature],
    tables: NameTables,
    schema: EncodingSchema,
    top: int = 8,
) -> list[tuple[str, str] | None]:
    """Guess each record's name from the name *tables*: the right (given names, surname)
    combination is usually absent from another population, so the parts are scored apart.

    Per record (its present/absent matched bigrams): the ``top`` given names and surnames whose
    bigrams the record holds best (covered minus twice missed) are kept; every combination of
    one or two of those given names with one of those surnames is scored exactly by how many
    matched bigrams it gets wrong; the fewest wins, ties broken by the tables' frequencies
    (the likeliest name), two given names ordered by frequency (the filter has no order).
    Identical bigram patterns are scored once."""
    return _by_parts(fp_inc, matched, tables, schema, top)[0]


def _by_parts(
    fp_inc: BoolMatrix,
    matched: dict[int, Feature],
    tables: NameTables,
    schema: EncodingSchema,
    top: int = 8,
) -> tuple[list[tuple[str, str] | None], npt.NDArray[np.int64]]:
    """``reidentify_by_parts``, and per record how many matched bigrams its guess gets wrong."""
    fields = {f.field: f.q for f in schema.fields if f.field in NAME_FIELDS}
    items = [(i, feat) for i, feat in matched.items() if feat[0] in fields]
    n = len(fp_inc)
    if not items or not tables.given or not tables.surname:
        return [None] * n, np.zeros(n, dtype=np.int64)
    column = {feat: j for j, (_, feat) in enumerate(items)}
    given = sorted(tables.given, key=lambda g: (-tables.given[g], g))
    surnames = sorted(tables.surname, key=lambda v: (-tables.surname[v], v))

    def incidence(values: list[str], fld: str) -> BoolMatrix:
        out = np.zeros((len(values), len(items)), dtype=np.bool_)
        for r, v in enumerate(values):
            for feat in _features(_one(fld, v), fields):
                if (j := column.get(feat)) is not None:
                    out[r, j] = True
        return out

    g_inc, s_inc = incidence(given, "given_names"), incidence(surnames, "surname")
    g_log = np.log(np.array([tables.given[g] for g in given]) / sum(tables.given.values()))
    s_log = np.log(np.array([tables.surname[v] for v in surnames]) / sum(tables.surname.values()))
    one, two = np.log(max(1 - tables.two_given, 1e-9)), np.log(max(tables.two_given, 1e-9))
    top = min(top, len(given), len(surnames))
    pa, pb = np.triu_indices(top, k=1)  # the pairs of two given names among the top
    records = fp_inc[:, [i for i, _ in items]]
    patterns, inverse = np.unique(records, axis=0, return_inverse=True)
    guesses: list[tuple[str, str] | None] = []
    errors = np.zeros(len(patterns), dtype=np.int64)
    gf, sf = g_inc.astype(np.float32), s_inc.astype(np.float32)
    g_size, s_size = gf.sum(axis=1), sf.sum(axis=1)
    for start in range(0, len(patterns), 256):
        block = patterns[start : start + 256]
        present = block.astype(np.float32)
        # covered minus twice missed: 3 * covered - 2 * size, one product per table
        g_top = _top(3 * (present @ gf.T) - 2 * g_size + 1e-3 * g_log, top)
        s_top = _top(3 * (present @ sf.T) - 2 * s_size + 1e-3 * s_log, top)
        single = g_inc[g_top]  # (block, top, bigrams)
        combos = np.concatenate([single, single[:, pa] | single[:, pb]], axis=1)
        union = combos[:, :, None, :] | s_inc[s_top][:, None, :, :]
        wrong = (union != block[:, None, None, :]).sum(axis=3)  # (block, combos, surnames)
        gl = g_log[g_top]
        prior = np.concatenate([gl + one, gl[:, pa] + gl[:, pb] + two], axis=1)
        score = wrong - PRIOR_WEIGHT * (prior[:, :, None] + s_log[s_top][:, None, :])
        best = np.argmin(score.reshape(len(block), -1), axis=1)
        cs, ss = np.unravel_index(best, score.shape[1:])
        errors[start : start + len(block)] = wrong[np.arange(len(block)), cs, ss]
        for r, (c, k) in enumerate(zip(cs.tolist(), ss.tolist(), strict=True)):
            if c < top:
                first = given[int(g_top[r, c])]
            else:
                a, b = sorted((int(g_top[r, pa[c - top]]), int(g_top[r, pb[c - top]])))
                first = f"{given[a]} {given[b]}"  # ``given`` is ordered by frequency
            guesses.append((first, surnames[int(s_top[r, k])]))
    rows = inverse.ravel().tolist()
    return [guesses[k] for k in rows], errors[rows]


def _top(scores: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.intp]:
    """Per row, the columns of the ``k`` highest scores, highest first."""
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


ALIGN_STARTS = ((20, 80), (10, 80), (40, 80), (20, 40), (10, 40), (40, 40))
"""(seeds, anchors) of the alignments tried by ``align_by_tables``."""


def align_by_tables(
    fp_inc: BoolMatrix,
    pop_inc: BoolMatrix,
    feats: list[Feature],
    tables: NameTables,
    schema: EncodingSchema,
    sample: int = 300,
) -> dict[int, int]:
    """The alignment, of several starts, under which the name tables explain the records best.

    With a population of other people one start can lock on to a wrong match. A right labelling
    lets a table name explain a record's bigrams (nearly) exactly, a wrong one does not, so the
    attacker keeps the start whose guesses get the fewest matched bigrams wrong on a sample of
    records: a check that needs no truth, only the tables it already holds."""
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(len(fp_inc), size=min(sample, len(fp_inc)), replace=False))
    best: tuple[float, dict[int, int]] | None = None
    for seeds, anchors in ALIGN_STARTS:
        match = align(fp_inc, pop_inc, seeds=seeds, anchors=anchors)
        matched = {i: feats[j] for i, j in match.items()}
        wrong = float(_by_parts(fp_inc[rows], matched, tables, schema)[1].mean())
        if best is None or wrong < best[0]:
            best = (wrong, match)
    return best[1] if best is not None else {}


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


SELF_TRAINING_ROUNDS = 3
"""Rounds of ``relabel`` then re-identify (scale 0.03, unhardened v3, keys 1-3: bigrams
labelled right 153 -> 200, 84 -> 206, 71 -> 142 of about 210 over three rounds)."""


def relabel(
    fp_inc: BoolMatrix, guesses: list[tuple[str, str] | None], schema: EncodingSchema
) -> dict[int, Feature]:
    """Label every footprint afresh with the name bigram whose holders among the *guessed*
    names are most nearly the footprint's records (Jaccard; one bigram per footprint).

    Self-training: a first alignment that names even a minority of records right tells, for
    every footprint, which records carry it and which names those are; the bigram those names
    share is the footprint's label. It corrects the footprints the co-occurrence alignment got
    wrong, which in turn names more records."""
    fields = tuple((f.field, f.q) for f in schema.fields if f.field in NAME_FIELDS)
    index: dict[Feature, int] = {}
    cells: list[tuple[int, int]] = []
    for r, g in enumerate(guesses):
        if g is not None:
            for feat in _features(_one("name", g), dict(fields)):
                cells.append((r, index.setdefault(feat, len(index))))
    if not index:
        return {}
    inc = np.zeros((len(guesses), len(index)), dtype=np.float32)
    rows, cols = zip(*cells, strict=True)
    inc[list(rows), list(cols)] = 1.0
    fp = fp_inc.astype(np.float32)
    inter = fp.T @ inc
    union = fp.sum(axis=0)[:, None] + inc.sum(axis=0)[None, :] - inter
    jaccard = inter / np.maximum(union, 1.0)
    found, labels = linear_sum_assignment(jaccard, maximize=True)
    feats = list(index)
    return {int(i): feats[int(j)] for i, j in zip(found, labels, strict=True)}


def attack(
    target: Target,
    population: list[Person],
    min_support: float = 0.002,
    footprints: list[Footprint] | None = None,
    tables: NameTables | None = None,
) -> PatternResult:
    """Run the whole attack; ``population`` is the attacker's plain text.

    ``footprints`` lets a caller mine once and align against several populations. With
    ``tables`` a bag-of-words filter (v2, v3) is re-identified from the name tables
    (``reidentify_by_parts``: the plausible attacker) instead of the population's whole names
    (the informed attacker, who holds exactly the store's names).
    """
    if footprints is None:
        footprints = mine(target)
    feats, pop_inc = population_features(population, target.schema, min_support)
    if not footprints or not feats:
        none: list[str | None] = [None] * len(target.truth)
        return PatternResult(len(footprints), {}, [None] * len(target.truth), none, none)
    fp_inc = np.stack([f.members for f in footprints], axis=1)
    if tables is not None and "name" in {f.field for f in target.schema.fields}:
        match = align_by_tables(fp_inc, pop_inc, feats, tables, target.schema)
        matched = {i: feats[j] for i, j in match.items()}
        full = reidentify_by_parts(fp_inc, matched, tables, target.schema)
        for _ in range(SELF_TRAINING_ROUNDS):
            relabelled = relabel(fp_inc, full, target.schema)
            if relabelled == matched:
                break
            matched = relabelled
            full = reidentify_by_parts(fp_inc, matched, tables, target.schema)
        given = [g[0] if g else None for g in full]
        surname = [g[1] if g else None for g in full]
        return PatternResult(len(footprints), matched, full, given, surname)
    matched = {i: feats[j] for i, j in align(fp_inc, pop_inc).items()}
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
