"""An organisation's own category words, matched to the standard's codes.

Each coded field is matched through the code itself, the code list's Dutch and English labels and
the words case-management systems are seen to use (below). Nationalities also through every
country name pycountry knows in English and Dutch, and the alpha-2 and alpha-3 codes. A label that
matches nothing is not guessed: it is listed for the user to decide.
"""

from __future__ import annotations

import gettext
from functools import cache

from zichtbaar.encode.normalise import fold
from zichtbaar.standard.codes import FORMS, GENDERS, LEGAL_BASES, REGIONS, REPORTER_TYPES, CodeList
from zichtbaar.standard.countries import NATIONALITY_GROUP_OF

CODED_FIELDS: dict[str, CodeList | None] = {
    "form": FORMS,
    "gender": GENDERS,
    "nationality": None,  # ISO 3166-1 alpha-3, see nationality_code
    "legal_basis": LEGAL_BASES,
    "region": REGIONS,
    "reporter_type": REPORTER_TYPES,
}
"""The fields whose values are codes, and the code list guarding each."""

_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "form": {
        "domestic_sexual": (
            "seksuele uitbuiting",
            "seksuele uitbuiting nl",
            "seksuele uitbuiting binnenland",
            "sexual exploitation",
            "sexual",
            "seksueel",
            "prostitutie",
            "loverboy",
            "pooierboy",
            "sex",
        ),
        "crossborder_sexual": (
            "seksuele uitbuiting buitenland",
            "grensoverschrijdend seksueel",
            "seksuele uitbuiting grensoverschrijdend",
            "internationale seksuele uitbuiting",
            "cross border sexual",
        ),
        "labour": ("arbeid", "arbeidsuitbuiting", "labour", "labor", "labor exploitation", "werk"),
        "criminal": ("crimineel", "criminele uitbuiting", "criminal", "forced criminality"),
        "organ_removal": ("organen", "orgaanhandel", "organ", "organ trafficking"),
        "other_unknown": ("overig", "onbekend", "anders", "other", "unknown", "nb", "n b"),
    },
    "gender": {
        "female": ("v", "vrouw", "f", "female", "w", "vrouwelijk", "meisje", "girl", "woman"),
        "male": ("m", "man", "male", "mannelijk", "jongen", "boy"),
        "other": ("x", "anders", "other", "divers", "non binair", "non binary"),
        "unknown": ("o", "u", "onbekend", "unknown", "nb", "n b", "niet bekend"),
    },
    "legal_basis": {
        "legal_duty": ("wettelijke plicht", "wettelijke taak", "plicht", "legal duty", "wet"),
        "legal_basis": ("wettelijke grondslag", "grondslag", "legal basis", "wettelijk"),
        "explicit_consent": (
            "toestemming",
            "ja",
            "yes",
            "consent",
            "uitdrukkelijke toestemming",
            "toestemming gegeven",
            "schriftelijke toestemming",
            "mondelinge toestemming",
            "explicit consent",
        ),
        "none": (
            "geen",
            "nee",
            "no",
            "geen toestemming",
            "geen grondslag",
            "none",
            "no consent",
            "statistiek",
        ),
    },
    "reporter_type": {
        "shelter_care": ("opvang", "zorg", "shelter", "vrouwenopvang", "zorgcoordinator"),
        "youth_care": ("jeugdhulp", "jeugdzorg", "youth"),
        "municipality": ("gemeente", "municipality"),
        "police": ("politie", "police"),
        "ngo": ("ngo", "stichting", "maatschappelijke organisatie"),
    },
}

_NATIONALITY_WORDS: dict[str, tuple[str, ...]] = {
    "NLD": ("nederlands", "nederlandse", "dutch", "nl"),
    "ROU": ("roemeens", "roemeense", "romanian"),
    "BGR": ("bulgaars", "bulgaarse", "bulgarian"),
    "POL": ("pools", "poolse", "polish"),
    "HUN": ("hongaars", "hongaarse", "hungarian"),
    "NGA": ("nigeriaans", "nigeriaanse", "nigerian"),
    "UGA": ("oegandees", "oegandese", "ugandan"),
    "ERI": ("eritrees", "eritrese", "eritrean"),
    "SYR": ("syrisch", "syrische", "syrian"),
    "CHN": ("chinees", "chinese"),
    "VNM": ("vietnamees", "vietnamese"),
    "UKR": ("oekraiens", "oekraiense", "ukrainian"),
    "MAR": ("marokkaans", "marokkaanse", "moroccan"),
    "TUR": ("turks", "turkse", "turkish"),
    "SUR": ("surinaams", "surinaamse", "surinamese"),
    "DEU": ("duits", "duitse", "german"),
    "BEL": ("belgisch", "belgische", "belgian"),
    "GBR": ("brits", "britse", "british", "uk", "engeland", "england"),
    "IND": ("indiaas", "indiase", "indian"),
    "PHL": ("filipijns", "filipijnse", "filipino"),
    "AFG": ("afghaans", "afghaanse", "afghan"),
    "SLV": ("salvadoraans",),
    "BRA": ("braziliaans", "braziliaanse", "brazilian"),
    "THA": ("thais", "thaise", "thai"),
    "XXA": ("staatloos", "stateless"),
    "XXX": ("onbekend", "unknown", "nb", "n b", "niet bekend"),
}


@cache
def _table(field: str) -> dict[str, str]:
    """Folded word -> code, for one coded field."""
    words: dict[str, str] = {}
    if field == "nationality":
        words.update(_country_names())
        for code, names in _NATIONALITY_WORDS.items():
            words.update(dict.fromkeys(names, code))
        return words
    code_list = CODED_FIELDS[field]
    assert code_list is not None
    for entry in code_list:
        for word in (entry.code, entry.nl, entry.en):
            words.setdefault(fold(word), entry.code)
    for code_value, names in _WORDS.get(field, {}).items():
        for name in names:
            words.setdefault(fold(name), code_value)
    return words


def _country_names() -> dict[str, str]:
    import pycountry

    dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    words: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_3
        if code not in NATIONALITY_GROUP_OF:
            continue
        names = [country.name, getattr(country, "common_name", ""), country.alpha_2, code]
        names += [getattr(country, "official_name", "")]
        names += [dutch.gettext(country.name)]
        for name in names:
            if name:
                words.setdefault(fold(name), code)
    words[fold("Kosovo")] = "XKX"
    return words


def match_label(field: str, label: str) -> str | None:
    """The code ``label`` stands for in ``field``, or None when no rule knows it."""
    return _table(field).get(fold(label))


def is_code(field: str, value: str) -> bool:
    """Whether ``value`` is already a code of ``field``'s list."""
    if field == "nationality":
        return value.upper() in NATIONALITY_GROUP_OF
    code_list = CODED_FIELDS[field]
    return code_list is not None and value in code_list
