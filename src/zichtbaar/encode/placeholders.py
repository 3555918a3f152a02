"""Placeholder names: what a registration clerk writes where the name is not known.

Registers write "Onbekend", "NN", "Baby", "Unknown", "Last Name", "Apellido" or a single letter
where a given name or surname is not known (a newborn, a person who will not give a name, a
form field filled to get past validation). Encoded as a name, a placeholder makes everyone with it
look alike (every "Baby" shares a filter) and makes the true pair look dissimilar. The reporter
therefore sends such a name part as missing (docs/encoding.md, "Placeholder names").

A name part is a placeholder when, after ``normalise.fold`` (case, diacritics, punctuation,
script), the whole part is one of ``PLACEHOLDERS`` or consists of single letters only ("J",
"X", "N N"). A real name that merely contains such a word ("Baby Smith" as a given name, "Kind"
within a longer name) is kept: only the whole part counts.
"""

from __future__ import annotations

PLACEHOLDERS: dict[str, frozenset[str]] = {
    "nl": frozenset(
        {
            "onbekend",
            "onbekende",
            "onb",
            "niet bekend",
            "nb",
            "nn",
            "nvt",
            "geen",
            "geen naam",
            "zonder naam",
            "naam",
            "voornaam",
            "achternaam",
            "familienaam",
            "baby",
            "kind",
            "kindje",
            "meisje",
            "jongen",
            "leeg",
        }
    ),
    "en": frozenset(
        {
            "unknown",
            "unk",
            "not known",
            "nk",
            "not stated",
            "not given",
            "none",
            "null",
            "nil",
            "na",
            "n a",
            "fnu",
            "lnu",
            "doe",
            "john doe",
            "jane doe",
            "baby",
            "baby boy",
            "baby girl",
            "babyboy",
            "babygirl",
            "infant",
            "newborn",
            "child",
            "name",
            "first name",
            "last name",
            "given name",
            "surname",
            "xx",
            "xxx",
            "test",
        }
    ),
    "es": frozenset(
        {
            "desconocido",
            "desconocida",
            "sin nombre",
            "nombre",
            "apellido",
            "apellidos",
            "bebe",
        }
    ),
    "pt": frozenset({"desconhecido", "desconhecida", "sem nome", "sobrenome"}),
    "fr": frozenset({"inconnu", "inconnue", "sans nom", "nom", "prenom", "bebe"}),
    "de": frozenset({"unbekannt", "vorname", "nachname", "kind"}),
    "ro": frozenset({"necunoscut", "necunoscuta", "nume", "prenume"}),
    "pl": frozenset({"nieznany", "nieznana", "nazwisko", "imie"}),
    "bg": frozenset({"neizvesten", "neizvestna", "neizvestno"}),
    "ru": frozenset({"neizvestno", "neizvesten", "neizvestna", "familiya", "imya"}),
    "uk": frozenset({"nevidomo", "nevidomyi", "nevidoma"}),
    "hu": frozenset({"ismeretlen"}),
    "tr": frozenset({"bilinmiyor", "bilinmeyen"}),
    "sq": frozenset({"panjohur", "i panjohur", "e panjohur"}),
    "ar": frozenset({"mjhwl", "majhul", "majhool", "mjhwlh"}),
    "la": frozenset({"nn", "nomen nescio"}),
}
"""Placeholder phrases by language, as ``normalise.fold`` leaves them (Cyrillic and Arabic
through anyascii: "неизвестно" is "neizvestno", "مجهول" "mjhwl"). Dutch first, then the languages
of the main countries of origin in the Dutch monitor (Romania, Bulgaria, Poland, Hungary,
Ukraine, Nigeria and other English-speaking countries, Latin America, Albania, Turkey, the
Arabic-speaking world). Chinese "未知" is left out on purpose: it folds to "weizhi", a real given
name."""

ALL_PLACEHOLDERS: frozenset[str] = frozenset().union(*PLACEHOLDERS.values())


def is_placeholder(folded: str) -> bool:
    """True when a folded name part says "no name": a listed phrase or single letters only."""
    words = folded.split()
    if not words:
        return True
    return folded in ALL_PLACEHOLDERS or all(len(w) == 1 for w in words)
