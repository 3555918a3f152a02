"""Frequency alignment of the deterministic tokens (place, year, month and day of birth).

A token is the same HMAC for the same value, so its frequency in the hub's store follows the
value's frequency. The attacker ranks each token column by count and gives every token the value
of the same rank in its plain-text population. This reveals attributes, not names: the figure
that matters is how many records get *all* of them right, and how many of those are then unique
in the store (singled out, though still unnamed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bench.attacks.data import Person, Target

COLUMNS: dict[str, str] = {
    "tok_pob": "place",
    "tok_yob": "year",
    "tok_mob": "month",
    "tok_dob_day": "day",
}


@dataclass
class TokenResult:
    guesses: dict[str, list[object | None]]  # token column -> guessed value per record
    correct: dict[str, float]  # token column -> share of records guessed right
    all_correct: float
    all_correct_unique: float


def attack(target: Target, population: list[Person]) -> TokenResult:
    n = len(target.truth)
    guesses: dict[str, list[object | None]] = {}
    correct: dict[str, float] = {}
    for column, attr in COLUMNS.items():
        tokens = target.tokens.get(column, [None] * n)
        ranked_tokens = [t for t, _ in Counter(t for t in tokens if t).most_common()]
        values = Counter(getattr(p, attr) for p in population if getattr(p, attr) is not None)
        ranked_values = [v for v, _ in values.most_common()]
        mapping = dict(zip(ranked_tokens, ranked_values, strict=False))
        guesses[column] = [mapping.get(t) if t else None for t in tokens]
        hits = sum(
            1
            for g, p in zip(guesses[column], target.truth, strict=True)
            if g is not None and g == getattr(p, attr)
        )
        correct[column] = hits / n if n else 0.0
    right = [
        all(
            guesses[c][i] is not None and guesses[c][i] == getattr(target.truth[i], a)
            for c, a in COLUMNS.items()
        )
        for i in range(n)
    ]
    combo = Counter(tuple(getattr(p, a) for a in COLUMNS.values()) for p in target.truth)
    unique = sum(
        1
        for i in range(n)
        if right[i] and combo[tuple(getattr(target.truth[i], a) for a in COLUMNS.values())] == 1
    )
    return TokenResult(
        guesses,
        correct,
        sum(right) / n if n else 0.0,
        unique / n if n else 0.0,
    )


def name_by_tokens(result: TokenResult, population: list[Person]) -> list[tuple[str, str] | None]:
    """Name a record from its decoded attributes alone, without touching the filter.

    When the decoded (place, year, month, day) of a record belongs to exactly one name in the
    attacker's population, that name is the guess: for the informed attacker a record singled
    out by its tokens is a record re-identified.
    """
    names: dict[tuple[object, ...], set[tuple[str, str]]] = {}
    for p in population:
        if p.name is not None:
            names.setdefault(tuple(getattr(p, a) for a in COLUMNS.values()), set()).add(p.name)
    n = len(next(iter(result.guesses.values()), []))
    out: list[tuple[str, str] | None] = []
    for i in range(n):
        combo = tuple(result.guesses[c][i] for c in COLUMNS)
        found = names.get(combo) if None not in combo else None
        out.append(next(iter(found)) if found is not None and len(found) == 1 else None)
    return out
