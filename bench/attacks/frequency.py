"""Frequency attack on whole filters (after Kuzu et al. 2011).

Kuzu et al. align the most frequent encodings with the most frequent plain-text values. Here the
hub's filters are grouped by identical value and the attacker's plain-text records by identical
encoded identifiers (given names, surname, date, place, gender); the groups are aligned by size
rank and every record of a filter group gets the name of the aligned plain-text group.

A record-level filter carries the date of birth, so almost every filter is unique and the
groups are tiny: this attack is expected to fail, and the measurement shows by how much. The
frequency of single bit positions is not attacked on its own: each of the 1024 positions carries
the bits of about ten bigrams, so a position's frequency names no bigram; the pattern-mining
attack is the position-level frequency attack done properly.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from bench.attacks.data import Person, Target


def attack(target: Target, population: list[Person]) -> list[tuple[str, str] | None]:
    """One guessed (given names, surname) per target record, or None."""
    groups: dict[bytes, list[int]] = defaultdict(list)
    for i, row in enumerate(target.filters):
        groups[row.tobytes()].append(i)
    plain = Counter(p for p in population if p.name is not None)
    # only groups of two or more carry a frequency signal; singletons would be a blind guess
    ranked_filters = sorted((g for g in groups.values() if len(g) > 1), key=len, reverse=True)
    ranked_plain = [p for p, c in plain.most_common() if c > 1]
    guesses: list[tuple[str, str] | None] = [None] * len(target.truth)
    for members, guess in zip(ranked_filters, ranked_plain, strict=False):
        for i in members:
            guesses[i] = guess.name
    return guesses
