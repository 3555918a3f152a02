"""Scoring: what share of records an attack re-identified (definitions in docs/attacks.md)."""

from __future__ import annotations

from typing import Any

import numpy as np
from bench.attacks.data import Person, Target, field_grams
from bench.attacks.pattern_mining import Footprint, PatternResult
from bench.attacks.token_alignment import TokenResult


def share(guesses: list[Any], truth: list[Any]) -> float:
    """Share of records whose (non-None) guess equals the truth."""
    if not truth:
        return 0.0
    return sum(1 for g, t in zip(guesses, truth, strict=True) if g is not None and g == t) / len(
        truth
    )


def bigram_labels_correct(
    target: Target, footprints: list[Footprint], result: PatternResult
) -> tuple[int, int]:
    """(correctly labelled, labelled) footprints: a label is correct when the records holding
    the footprint are, by Jaccard >= 0.5, the records whose plain text holds that bigram."""
    right = 0
    qs = {f.field: f.q for f in target.schema.fields}
    grams = {fld: [field_grams(p, fld, qs[fld]) for p in target.truth] for fld in qs}
    for i, (fld, gram) in result.matched.items():
        truth = np.array([gram in g for g in grams[fld]])
        members = footprints[i].members
        union = (truth | members).sum()
        if union and (truth & members).sum() / union >= 0.5:
            right += 1
    return right, len(result.matched)


def summarise(
    target: Target,
    footprints: list[Footprint],
    pattern: PatternResult,
    tokens: TokenResult,
    frequency: list[tuple[str, str] | None],
    population: list[Person],
    frequency_rank_only: list[tuple[str, str] | None] | None = None,
    frequency_by_token: list[tuple[str, str] | None] | None = None,
    signature: list[tuple[str, str] | None] | None = None,
) -> dict[str, float | int]:
    """Every figure of one attack run; ``reid_filter`` is what the verdict judges: a record
    counts when pattern mining, the frequency attack or the count signature of filter and
    tokens (``frequency.signature``) names it correctly."""
    truth: list[Person] = target.truth
    names = [p.name for p in truth]
    dob = [
        (tokens.decoded["year"][i], tokens.decoded["month"][i], tokens.decoded["day"][i])
        for i in range(len(truth))
    ]
    name_dob = [
        (g, d) if g is not None and None not in d else None
        for g, d in zip(pattern.guesses, dob, strict=True)
    ]
    right, labelled = bigram_labels_correct(target, footprints, pattern)
    by_tokens = tokens.names
    by_either = [
        b if b == t else c for b, c, t in zip(by_tokens, tokens.by_counts, names, strict=True)
    ]
    signature = signature or [None] * len(truth)
    either = [
        t if t in (g, f, s) else None
        for g, f, s, t in zip(pattern.guesses, frequency, signature, names, strict=True)
    ]
    return {
        "records": len(truth),
        "reid_name": share(pattern.guesses, names),
        "reid_name_dob": share(name_dob, [(p.name, (p.year, p.month, p.day)) for p in truth]),
        "given_names_correct": share(pattern.given_guesses, [p.given_names for p in truth]),
        "surname_correct": share(pattern.surname_guesses, [p.surname for p in truth]),
        "footprints": len(footprints),
        "bigrams_labelled": labelled,
        "bigrams_labelled_correctly": right,
        "frequency_attack_reid_name": share(frequency, names),
        "frequency_rank_only_reid_name": share(frequency_rank_only or [None] * len(truth), names),
        "frequency_by_tok_name_dob_reid_name": share(
            frequency_by_token or [None] * len(truth), names
        ),
        "signature_reid_name": share(signature, names),
        "reid_filter": share(either, names),
        "reid_name_by_tokens": share(by_tokens, names),
        "reid_name_by_token_counts": share(tokens.by_counts, names),
        "reid_name_by_tokens_any": share(by_either, names),
        "frequency_beyond_tokens": share(
            [f if b != t else None for f, b, t in zip(frequency, by_tokens, names, strict=True)],
            names,
        ),
        **{f"tokens_{a}_correct": tokens.correct[a] for a in tokens.decoded},
        "tokens_all_four_correct": tokens.all_correct,
        "tokens_all_four_correct_unique": tokens.all_correct_unique,
    }
