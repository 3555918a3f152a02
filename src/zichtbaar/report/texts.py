"""Report and web texts in Dutch and English, and number formatting per language."""

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
    "contents": {"nl": "Inhoud", "en": "Contents"},
    "summary": {"nl": "Samenvatting", "en": "Summary"},
    "summary_change": {
        "nl": "In {year_to} werden {last} mogelijke slachtoffers geregistreerd, tegen {first} in {year_from} ({change}).",
        "en": "In {year_to}, {last} presumed victims were registered, against {first} in {year_from} ({change}).",
    },
    "summary_change_unknown": {
        "nl": "De verandering tussen {year_from} en {year_to} kan niet worden gegeven: een van beide jaartotalen is niet gepubliceerd.",
        "en": "The change between {year_from} and {year_to} cannot be given: one of the two year totals is not published.",
    },
    "summary_minors": {
        "nl": "In {year} was {share} van de geregistreerde mogelijke slachtoffers minderjarig ({minors} van {total}).",
        "en": "In {year}, {share} of the registered presumed victims were minors ({minors} of {total}).",
    },
    "summary_estimate": {
        "nl": "Het geschatte totale aantal slachtoffers in {year}, geregistreerd en niet geregistreerd, is {total} ({level}-interval {lower} tot {upper}); {observed} daarvan zijn geregistreerd.",
        "en": "The estimated total number of victims in {year}, registered and unregistered, is {total} ({level} interval {lower} to {upper}); {observed} of them are registered.",
    },
    "summary_validation": {
        "nl": "Validatie (alleen synthetische gegevens): het {level}-interval bevat het bekende ware aantal slachtoffers in {covered} van de {years} jaren met een schatting; in {refused} jaren gaf zichtbaar geen schatting omdat de lijsten die niet konden dragen.",
        "en": "Validation (synthetic data only): the {level} interval contains the known true number of victims in {covered} of {years} years with an estimate; in {refused} years zichtbaar gave no estimate because the lists could not support one.",
    },
    "summary_followup": {
        "nl": "{label}: {share}.",
        "en": "{label}: {share}.",
    },
    "summary_persons": {
        "nl": "Iedere persoon telt één keer, in het jaar van de uitbuiting zoals een melder die opgaf, en anders in het jaar van de eerste melding: meldingen van verschillende organisaties over dezelfde persoon zijn gekoppeld zonder namen te zien.",
        "en": "Each person counts once, in the year of exploitation as a reporter gave it, otherwise in the year of the first report: reports from different organisations about the same person are linked without seeing names.",
    },
    "chapter_estimate": {
        "nl": "Geschat totaal aantal slachtoffers",
        "en": "Estimated total number of victims",
    },
    "chapter_followup": {"nl": "Vervolg", "en": "Follow-up"},
    "chart_of": {"nl": "Grafiek: {title}", "en": "Chart: {title}"},
    "chart_empty": {
        "nl": "Geen gepubliceerde waarden om te tonen (alle cellen afgeschermd).",
        "en": "No published values to show (every cell is protected).",
    },
    "estimate": {"nl": "Schatting", "en": "Estimate"},
    "lower": {"nl": "Ondergrens", "en": "Lower bound"},
    "upper": {"nl": "Bovengrens", "en": "Upper bound"},
    "observed": {"nl": "Geregistreerd", "en": "Registered"},
    "share": {"nl": "Aandeel", "en": "Share"},
    "unit_persons": {"nl": "Eenheid: personen.", "en": "Unit: persons."},
    "unit_registrations": {"nl": "Eenheid: registraties.", "en": "Unit: registrations."},
    "unit_suspects": {"nl": "Eenheid: verdachten.", "en": "Unit: suspects."},
    "total": {"nl": "Totaal", "en": "Total"},
    "year": {"nl": "Jaar", "en": "Year"},
    "count": {"nl": "Aantal", "en": "Number"},
    "suppressed_note": {
        "nl": "· = niet gepubliceerd ter bescherming van de privacy (minder dan {min_cell} personen, of herleidbaar uit de totalen).",
        "en": "· = not published to protect privacy (fewer than {min_cell} persons, or recomputable from the totals).",
    },
    "suppressed_cell": {"nl": "niet gepubliceerd", "en": "not published"},
    "methods": {"nl": "Verantwoording", "en": "Methods"},
    "methods_linkage_title": {"nl": "Koppeling", "en": "Linkage"},
    "methods_linkage": {
        "nl": "{registrations} registraties van {orgs} organisaties werden op versleutelde identificatoren (sleutelgebonden tokens en geharde Bloomfilters) ontdubbeld tot {persons} personen; {stats_only} personen zijn alleen bekend uit meldingen zonder grondslag en tellen alleen statistisch mee.",
        "en": "{registrations} registrations from {orgs} organisations were deduplicated on encrypted identifiers (keyed tokens and hardened Bloom filters) into {persons} persons; {stats_only} persons are known only from reports without a legal basis and count for statistics only.",
    },
    "methods_linkage_quality": {
        "nl": "Kwaliteit van de koppeling (gemeten op gegevens met bekende uitkomst):",
        "en": "Linkage quality (measured on data with a known answer):",
    },
    "methods_estimate_title": {"nl": "Schatting", "en": "Estimation"},
    "methods_estimate": {
        "nl": "Het verborgen aantal is geschat uit de overlap tussen {n_lists} lijsten (meervoudige vangst-hervangst), met: {model}. Minderjarigen, Nederlandse en buitenlandse volwassenen zijn apart geschat, omdat de lijsten hen heel verschillend zien (de Koninklijke Marechaussee en de rechtshulp registreren vooral buitenlanders). Deze methode is gekozen met een simulatiestudie op een synthetische wereld met de echte Nederlandse overlap tussen de lijsten: van de vergeleken methoden bevatte haar interval het ware aantal het vaakst (in 90 % van de jaren, jaren zonder schatting als misser geteld) en was het het smalst; de puntschatting lag in de helft van de jaren niet meer dan ongeveer 10 % van het ware aantal af. Lees toch het interval, niet het getal. Het interval draagt ook de onzekerheid van de koppeling: het is verbreed met de spreiding over meerdere aannemelijke koppelingen, elk getrokken uit de koppelkansen. Een jaar waarin een grote groep (minderjarigen of volwassenen) minder dan vijftien keer door twee of meer lijsten samen is geregistreerd, krijgt geen schatting: dan kan geen model zeggen hoeveel van die groep gemist zijn.",
        "en": "The hidden number was estimated from the overlap between {n_lists} lists (multiple systems estimation), with: {model}. Minors, Dutch adults and foreign adults were estimated apart, because the lists see them very differently (the Royal Marechaussee and legal aid register mostly foreigners). This method was chosen by a simulation study on a synthetic world with the real Dutch overlap between the lists: of the methods compared, its interval contained the true number most often (in 90 % of years, years without an estimate counted as misses) and was the narrowest; the point estimate was about 10 % or less off the true number in half the years. Still, read the interval, not the number. The interval also carries the uncertainty of the linkage: it is widened by the spread over several plausible linkages, each drawn from the match probabilities. A year in which a large group (minors or adults) was registered by two or more lists together fewer than fifteen times gets no estimate: then no model can say how many of that group were missed.",
    },
    "methods_estimate_refused": {
        "nl": "Voor geen enkel jaar konden de {n_lists} lijsten een schatting van het verborgen aantal dragen: in elk jaar is een grote groep (minderjarigen of volwassenen) minder dan vijftien keer door twee of meer lijsten samen geregistreerd, en dan kan geen model zeggen hoeveel van die groep gemist zijn. De tabel per jaar noemt de lijsten die dezelfde mensen zouden moeten registreren. Het rapport toont daarom alleen de geregistreerde aantallen; die zijn een ondergrens, geen schatting.",
        "en": "In no year could the {n_lists} lists support an estimate of the hidden number: in every year a large group (minors or adults) was registered by two or more lists together fewer than fifteen times, and then no model can say how many of that group were missed. The yearly table names the lists that would have to register the same people. The report therefore shows only the registered counts; they are a lower bound, not an estimate.",
    },
    "methods_estimate_diagnostics": {"nl": "Diagnostiek:", "en": "Diagnostics:"},
    "methods_disclosure_title": {"nl": "Onthullingscontrole", "en": "Disclosure control"},
    "methods_disclosure": {
        "nl": "Cellen met minder dan {min_cell} personen zijn onderdrukt, en waar een rij dan één onderdrukte cel zou hebben ook de volgende kleinste cel. Alleen rijtotalen worden gepubliceerd.",
        "en": "Cells with fewer than {min_cell} persons are suppressed, and where a row would then have a single suppressed cell, the next smallest cell too. Only row totals are published.",
    },
    "methods_rules": {
        "nl": "Toegepaste regels van deze release:",
        "en": "Rules applied in this release:",
    },
    "generated": {"nl": "Gemaakt met zichtbaar {version}", "en": "Made with zichtbaar {version}"},
    "page": {"nl": "pagina", "en": "page"},
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


def fmt_pct(x: float, lang: Lang | str, signed: bool = True, digits: int = 0) -> str:
    """A percentage, e.g. ``+12 %`` (en) or ``12,5 %`` (nl, decimal comma)."""
    s = f"{x:+.{digits}f} %" if signed else f"{x:.{digits}f} %"
    return s.replace(".", ",") if Lang(lang) is Lang.NL else s


def fmt_share(part: int, whole: int, lang: Lang | str) -> str:
    """``part`` as a percentage of ``whole`` with one decimal."""
    return fmt_pct(100.0 * part / whole, lang, signed=False, digits=1)
