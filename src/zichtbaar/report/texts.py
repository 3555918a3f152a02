"""Report texts in Dutch and English, and number formatting per language."""

from __future__ import annotations

from zichtbaar.types import Lang

TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "nl": "Slachtoffermonitor mensenhandel",
        "en": "Human trafficking victim monitor",
    },
    "subtitle": {
        "nl": "Release {release}, jaren {year_from}–{year_to}",
        "en": "Release {release}, years {year_from}–{year_to}",
    },
    "synthetic": {
        "nl": "Alle cijfers in dit rapport zijn berekend op een synthetische wereld: het zijn geen echte gegevens.",
        "en": "All figures in this report are computed on a synthetic world: they are not real data.",
    },
    "summary": {"nl": "Samenvatting", "en": "Summary"},
    "summary_change": {
        "nl": "In {year_to} werden {last} mogelijke slachtoffers geregistreerd, tegen {first} in {year_from} ({change}).",
        "en": "In {year_to}, {last} presumed victims were registered, against {first} in {year_from} ({change}).",
    },
    "summary_persons": {
        "nl": "Iedere persoon telt één keer, in het jaar van de eerste melding door welke melder ook: meldingen van verschillende organisaties over dezelfde persoon zijn gekoppeld zonder namen te zien.",
        "en": "Each person counts once, in the year of the first report by any reporter: reports from different organisations about the same person are linked without seeing names.",
    },
    "chapter_victims": {
        "nl": "Geregistreerde mogelijke slachtoffers",
        "en": "Registered presumed victims",
    },
    "total": {"nl": "Totaal", "en": "Total"},
    "year": {"nl": "Jaar", "en": "Year"},
    "count": {"nl": "Aantal", "en": "Number"},
    "suppressed_note": {
        "nl": "· = niet gepubliceerd ter bescherming van de privacy (minder dan {min_cell} personen, of herleidbaar uit de totalen).",
        "en": "· = not published to protect privacy (fewer than {min_cell} persons, or recomputable from the totals).",
    },
    "methods": {"nl": "Verantwoording", "en": "Methods"},
    "methods_linkage": {
        "nl": "Koppeling: {registrations} registraties van {orgs} organisaties werden op versleutelde identificatoren (sleutelgebonden tokens en geharde Bloomfilters) ontdubbeld tot {persons} personen; {stats_only} personen zijn alleen bekend uit meldingen zonder grondslag en tellen alleen statistisch mee.",
        "en": "Linkage: {registrations} registrations from {orgs} organisations were deduplicated on encrypted identifiers (keyed tokens and hardened Bloom filters) into {persons} persons; {stats_only} persons are known only from reports without a legal basis and count for statistics only.",
    },
    "methods_disclosure": {
        "nl": "Onthullingscontrole: cellen met minder dan {min_cell} personen zijn onderdrukt, en waar een rij dan één onderdrukte cel zou hebben ook de volgende kleinste cel. Alleen rijtotalen worden gepubliceerd.",
        "en": "Disclosure control: cells with fewer than {min_cell} persons are suppressed, and where a row would then have a single suppressed cell, the next smallest cell too. Only row totals are published.",
    },
    "generated": {"nl": "Gemaakt met zichtbaar {version}", "en": "Made with zichtbaar {version}"},
}


def t(key: str, lang: Lang | str, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in."""
    return TEXTS[key][Lang(lang).value].format(**values)


def fmt_int(n: int | None, lang: Lang | str) -> str:
    """A whole number with the language's thousands separator ('·' when suppressed).

    Hand-written because the report needs only this one rule; a locale library (Babel) would be a
    large dependency for a two-line function.
    """
    if n is None:
        return "·"
    s = f"{int(n):,}"
    return s.replace(",", ".") if Lang(lang) is Lang.NL else s


def fmt_pct(x: float, lang: Lang | str, signed: bool = True) -> str:
    s = f"{x:+.0f} %" if signed else f"{x:.0f} %"
    return s.replace(".", ",") if Lang(lang) is Lang.NL else s
