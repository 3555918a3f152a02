"""Frequency attack on whole filters (after Kuzu et al. 2011), tie-broken by the tokens.

Kuzu et al. align the most frequent encodings with the most frequent plain-text values. Here the
hub's filters are grouped by identical value and the attacker's plain-text records by identical
*filter content* (what the schema hashes into the filter, ``data.filter_content``: the attacker
knows the schema); the groups are aligned by size rank and every record of a filter group gets
the name of the aligned plain-text group.

Under v1 a filter carries the date of birth and place, so nearly every filter is unique and the
attack has little to work with. Under v2 a filter carries only the name, and ``bit_flip`` draws
its noise from the filter content, so everyone with the same name gets the same filter: the
groups are people sharing a name plus every duplicate row of one person. Equal sizes make rank
alignment a blind guess within a size, so the attacker breaks the tie with what else the hub
holds: the token columns, decoded by frequency (``token_alignment``). Within a block of equal
rank size, filter groups and plain-text groups are matched (Hungarian assignment) on how many of
their rows agree on every attribute the tokens of that schema decode (v2: year, month, day and
place of birth; v3 also the name key and the name, each where a column decodes it).

Only groups of two or more are attacked: a singleton filter carries no frequency signal, and
matching singletons on decoded tokens alone is the token attack (scored apart, ``score``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt
from bench.attacks import token_alignment
from bench.attacks.data import Person, Target, filter_content
from bench.attacks.token_alignment import attribute
from scipy.optimize import linear_sum_assignment

Decoded = dict[str, list[object | None]]  # attribute -> decoded value per target record


def attack(
    target: Target,
    population: list[Person],
    decoded: Decoded | None = None,
    by: Sequence[Hashable] | None = None,
) -> list[tuple[str, str] | None]:
    """One guessed (given names, surname) per target record, or None.

    ``by`` groups the target rows by something else than their filter (e.g. ``tok_name_dob``,
    to show what the deterministic tokens leak on their own)."""
    if by is None:
        by = [row.tobytes() for row in np.packbits(target.filters, axis=1)]
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, value in enumerate(by):
        if value is not None:
            groups[value].append(i)
    plain: dict[Hashable, list[Person]] = defaultdict(list)
    for p in population:
        if p.name is not None:
            plain[filter_content(p, target.schema, target.salt)].append(p)
    ranked_filters = sorted((g for g in groups.values() if len(g) > 1), key=len, reverse=True)
    ranked_plain = sorted((g for g in plain.values() if len(g) > 1), key=len, reverse=True)
    guesses: list[tuple[str, str] | None] = [None] * len(target.truth)
    start = 0
    while start < min(len(ranked_filters), len(ranked_plain)):
        size = len(ranked_filters[start])
        end = start
        while end < len(ranked_filters) and len(ranked_filters[end]) == size:
            end += 1
        block_f, block_p = ranked_filters[start:end], ranked_plain[start:end]
        order: list[int | None] = (
            _match(block_f, block_p, decoded) if decoded else list(range(len(block_p)))
        )
        for members, j in zip(block_f, order, strict=False):
            if j is not None:
                for i in members:
                    guesses[i] = block_p[j][0].name
        start = end
    return guesses


def _match(
    block_f: list[list[int]], block_p: list[list[Person]], decoded: Decoded
) -> list[int | None]:
    """For each filter group, the plain-text group it agrees with most on decoded tokens."""
    score = np.zeros((len(block_f), len(block_p)), dtype=np.float32)
    depth = max(max(len(g) for g in block_f), max(len(g) for g in block_p))
    for attr, values in decoded.items():
        if all(v is None for v in values):
            continue
        f_vals = [[values[i] for i in g] for g in block_f]
        p_vals = [[attribute(p, attr) for p in g] for g in block_p]
        vocab = {
            v: k for k, v in enumerate({v for g in f_vals + p_vals for v in g if v is not None})
        }
        cf, cp = _counts(f_vals, vocab), _counts(p_vals, vocab)
        for t in range(1, depth + 1):  # multiset intersection size as a sum of products
            score += (cf >= t).astype(np.float32) @ (cp >= t).astype(np.float32).T
    rows, cols = linear_sum_assignment(score, maximize=True)
    out: list[int | None] = [None] * len(block_f)  # more filter groups than plain: some unmatched
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        out[r] = c
    return out


def _counts(groups: list[list[object | None]], vocab: dict[object, int]) -> npt.NDArray[np.int32]:
    out = np.zeros((len(groups), max(len(vocab), 1)), dtype=np.int32)
    for r, g in enumerate(groups):
        for v in g:
            if v is not None:
                out[r, vocab[v]] += 1
    return out


def signature(
    target: Target, population: list[Person], shadow: list[dict[str, str | None]]
) -> list[tuple[str, str] | None]:
    """The co-occurrence attack: name a row by how many rows share its filter *and* each of its
    tokens (``token_alignment.name_by_signature``), the population's filters predicted by
    ``data.filter_content``. Stronger than rank alignment of one column at a time: a row whose
    combination of group sizes is unique needs no decoding at all."""
    store, plain = token_alignment.token_columns(target, shadow)
    filters: list[Hashable | None] = [row.tobytes() for row in np.packbits(target.filters, axis=1)]
    content: list[Hashable | None] = [
        filter_content(p, target.schema, target.salt) if p.name is not None else None
        for p in population
    ]
    return token_alignment.name_by_signature([filters, *store], [content, *plain], population)
