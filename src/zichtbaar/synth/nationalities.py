"""Which nationalities the synthetic victims have, and how their names and birthplaces look.

Hand-written data: no package knows which nationalities are seen among trafficking victims in the
Netherlands (Dutch, Romanian, Bulgarian, Hungarian, Polish, Nigerian, Ukrainian, Chinese, ...).
Shares per form follow the rapporteur's monitors in broad strokes; they are documented choices.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Nationality:
    alpha3: str
    locale: str
    """The Faker locale names are drawn from."""
    script: str
    """``latin`` or the native script written by some organisations (cyrillic, greek, ...)."""
    places: tuple[str, ...]


NATIONALITIES: tuple[Nationality, ...] = (
    Nationality(
        "NLD",
        "nl_NL",
        "latin",
        (
            "Amsterdam",
            "Rotterdam",
            "'s-Gravenhage",
            "Utrecht",
            "Eindhoven",
            "Groningen",
            "Tilburg",
            "Almere",
            "Breda",
            "Nijmegen",
            "Enschede",
            "Arnhem",
            "Zwolle",
            "Leeuwarden",
            "Maastricht",
            "Den Helder",
        ),
    ),
    Nationality(
        "ROU", "ro_RO", "latin", ("București", "Constanța", "Iași", "Timișoara", "Craiova")
    ),
    Nationality("BGR", "bg_BG", "cyrillic", ("София", "Пловдив", "Варна", "Бургас", "Сливен")),
    Nationality("HUN", "hu_HU", "latin", ("Budapest", "Debrecen", "Miskolc", "Nyíregyháza")),
    Nationality("POL", "pl_PL", "latin", ("Warszawa", "Kraków", "Łódź", "Wrocław", "Lublin")),
    Nationality("SVK", "sk_SK", "latin", ("Bratislava", "Košice", "Prešov")),
    Nationality("GRC", "el_GR", "greek", ("Αθήνα", "Θεσσαλονίκη", "Πάτρα")),
    Nationality("UKR", "uk_UA", "cyrillic", ("Київ", "Харків", "Одеса", "Львів")),
    Nationality("RUS", "ru_RU", "cyrillic", ("Москва", "Санкт-Петербург", "Калининград")),
    Nationality("TUR", "tr_TR", "latin", ("İstanbul", "Ankara", "İzmir")),
    Nationality("NGA", "yo_NG", "latin", ("Lagos", "Benin City", "Ibadan", "Abuja")),
    Nationality("GHA", "tw_GH", "latin", ("Accra", "Kumasi", "Tamale")),
    Nationality("MAR", "ar_AA", "arabic", ("الدار البيضاء", "طنجة", "الناظور")),
    Nationality("SDN", "ar_SA", "arabic", ("الخرطوم", "أم درمان", "كسلا")),
    Nationality("CHN", "zh_CN", "han", ("上海", "福州", "温州", "广州")),
    Nationality("VNM", "vi_VN", "latin", ("Hà Nội", "Hải Phòng", "Nghệ An")),
    Nationality("THA", "th_TH", "thai", ("กรุงเทพมหานคร", "อุดรธานี", "เชียงใหม่")),
    Nationality("IND", "en_IN", "latin", ("Mumbai", "Delhi", "Kolkata")),
    Nationality("PHL", "fil_PH", "latin", ("Manila", "Cebu City", "Davao City")),
    Nationality("BRA", "pt_BR", "latin", ("São Paulo", "Rio de Janeiro", "Recife")),
    Nationality("COL", "es_CO", "latin", ("Bogotá", "Medellín", "Cali")),
    Nationality("SUR", "nl_NL", "latin", ("Paramaribo", "Nieuw-Nickerie", "Moengo")),
)

BY_ALPHA3: dict[str, Nationality] = {n.alpha3: n for n in NATIONALITIES}

# Relative weights of each nationality per form (before the African boost); NLD in
# domestic_sexual is for adults only: Dutch minors are drawn separately to hit their target.
_EU: dict[str, float] = {"ROU": 5, "BGR": 4, "HUN": 4, "POL": 4, "SVK": 1, "GRC": 0.5}
_AFRICA: dict[str, float] = {"NGA": 5, "GHA": 1, "MAR": 1, "SDN": 1}
_ASIA: dict[str, float] = {"CHN": 2, "VNM": 2, "THA": 1, "IND": 1, "PHL": 1}
_OTHER: dict[str, float] = {"UKR": 3, "RUS": 1, "TUR": 1, "BRA": 1.5, "COL": 0.5, "SUR": 1}


def _mix(shares: dict[str, float], **groups: dict[str, float]) -> dict[str, float]:
    """Spread each group's share over its members in proportion to their weights."""
    out: dict[str, float] = {}
    for name, members in groups.items():
        total = sum(members.values())
        for code, w in members.items():
            out[code] = out.get(code, 0.0) + shares[name] * w / total
    return out


FORM_NATIONALITY_WEIGHTS: dict[str, dict[str, float]] = {
    "domestic_sexual": {
        "NLD": 0.75,
        **_mix({"eu": 0.12, "other": 0.08, "africa": 0.05}, eu=_EU, other=_OTHER, africa=_AFRICA),
    },
    "crossborder_sexual": {
        "NLD": 0.03,
        **_mix(
            {"eu": 0.47, "africa": 0.18, "asia": 0.12, "other": 0.20},
            eu=_EU,
            africa=_AFRICA,
            asia=_ASIA,
            other=_OTHER,
        ),
    },
    "labour": {
        "NLD": 0.08,
        **_mix(
            {"eu": 0.42, "africa": 0.08, "asia": 0.25, "other": 0.17},
            eu=_EU,
            africa=_AFRICA,
            asia=_ASIA,
            other=_OTHER,
        ),
    },
    "criminal": {
        "NLD": 0.40,
        **_mix(
            {"eu": 0.25, "africa": 0.10, "asia": 0.10, "other": 0.15},
            eu=_EU,
            africa=_AFRICA,
            asia=_ASIA,
            other=_OTHER,
        ),
    },
    "organ_removal": _mix({"africa": 0.6, "asia": 0.4}, africa=_AFRICA, asia=_ASIA),
    "other_unknown": {
        "NLD": 0.3,
        **_mix(
            {"eu": 0.3, "africa": 0.15, "asia": 0.1, "other": 0.15},
            eu=_EU,
            africa=_AFRICA,
            asia=_ASIA,
            other=_OTHER,
        ),
    },
}
