"""Name pools per Faker locale, and the Latin forms organisations write for non-Latin names.

Faker is slow per call, so each locale is asked once for a pool of names and people are sampled
from the pools with numpy. Every locale gets its own seed derived from the world seed and the
locale's name (crc32, not ``hash``, which Python randomises per process).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from anyascii import anyascii
from faker import Faker

POOL_GIVEN = 300
POOL_SURNAME = 500


@dataclass(frozen=True)
class NamePool:
    female_given: tuple[str, ...]
    male_given: tuple[str, ...]
    female_surname: tuple[str, ...]
    male_surname: tuple[str, ...]


def locale_seed(seed: int, locale: str) -> int:
    return (seed * 1_000_003 + zlib.crc32(locale.encode())) % (2**32)


@lru_cache(maxsize=256)
def name_pool(locale: str, seed: int) -> NamePool:
    """Draw the pools of one locale; the same (locale, seed) always gives the same pools.

    Cached: pools are immutable and Faker is the slowest part of a small world.
    """
    fake = Faker(locale)
    fake.seed_instance(locale_seed(seed, locale))
    return NamePool(
        tuple(fake.first_name_female() for _ in range(POOL_GIVEN)),
        tuple(fake.first_name_male() for _ in range(POOL_GIVEN)),
        tuple(fake.last_name_female() for _ in range(POOL_SURNAME)),
        tuple(fake.last_name_male() for _ in range(POOL_SURNAME)),
    )


def draw_names(
    pool: NamePool, female: np.ndarray, rng: np.random.Generator, second_given: float
) -> tuple[list[str], list[str], list[str]]:
    """Given names, surname and an alternative surname (marriage/alias) for each person."""
    n = len(female)
    given_f = rng.integers(0, len(pool.female_given), size=(n, 2))
    given_m = rng.integers(0, len(pool.male_given), size=(n, 2))
    sur = rng.integers(0, len(pool.female_surname), size=(n, 2))
    two = rng.random(n) < second_given
    given: list[str] = []
    surname: list[str] = []
    alias: list[str] = []
    for i in range(n):
        if female[i]:
            names, surnames, idx = pool.female_given, pool.female_surname, given_f[i]
        else:
            names, surnames, idx = pool.male_given, pool.male_surname, given_m[i]
        first = names[idx[0]]
        second = names[idx[1]]
        given.append(f"{first} {second}" if two[i] and second != first else first)
        surname.append(surnames[sur[i, 0]])
        alias.append(surnames[sur[i, 1]])
    return given, surname, alias


# Letters whose Latin spelling differs between transliteration habits. anyascii's output is close
# to the English/passport convention; German and French habits are written by hand because no
# maintained package offers them, and they are exactly the variation record linkage meets.
_CYRILLIC: dict[str, dict[str, str]] = {
    "german": {
        "ж": "sch",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "ю": "ju",
        "я": "ja",
        "й": "j",
        "в": "w",
        "є": "je",
        "ї": "ji",
    },
    "french": {
        "ж": "j",
        "х": "kh",
        "ц": "ts",
        "ч": "tch",
        "ш": "ch",
        "щ": "chtch",
        "ю": "iou",
        "я": "ia",
        "й": "i",
        "у": "ou",
    },
}

SCHEMES = ("passport", "german", "french")


def latin(text: str, script: str, scheme: str = "passport") -> str:
    """The Latin form of a name as an organisation with this transliteration habit writes it."""
    if script == "latin":
        return text
    if script == "cyrillic" and scheme in _CYRILLIC:
        table = _CYRILLIC[scheme]
        out = []
        for ch in text:
            rep = table.get(ch.lower())
            if rep is None:
                out.append(ch)
            else:
                out.append(rep.capitalize() if ch.isupper() else rep)
        text = "".join(out)
    if script == "han":
        # Chinese given names are two syllables: passport style joins them, others space them.
        syllables = [anyascii(ch) for ch in text if not ch.isspace()]
        joined = "".join(s.capitalize() for s in syllables)
        if scheme == "passport" or len(syllables) < 2:
            return joined
        sep = " " if scheme == "german" else "-"
        return sep.join(s.capitalize() for s in syllables)
    return " ".join(w.capitalize() if w.islower() else w for w in anyascii(text).split())
