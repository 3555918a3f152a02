"""Versioned code lists of the data standard, each code with a Dutch and an English label.

A code list is data, not an enum, so that the web app, the report and the JSON Schema read the same
labels, and so that a later standard version can add codes without touching the code that uses them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from zichtbaar.errors import UnknownCodeError
from zichtbaar.types import Lang

STANDARD_VERSION = "1.1"
"""1.1 (minor, backwards compatible): the optional `exploitation_year` of a registration."""


@dataclass(frozen=True)
class Code:
    code: str
    nl: str
    en: str

    def label(self, lang: Lang | str) -> str:
        return self.nl if Lang(lang) is Lang.NL else self.en


@dataclass(frozen=True)
class CodeList:
    """An ordered list of codes; order is the order tables and charts show them in."""

    name: str
    title_nl: str
    title_en: str
    codes: tuple[Code, ...]

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: object) -> bool:
        return code in self._index

    @property
    def _index(self) -> frozenset[str]:
        # Looked up millions of times during encoding and intake: a set, built once per list.
        cached: frozenset[str] | None = self.__dict__.get("_index_cache")
        if cached is None:
            cached = frozenset(c.code for c in self.codes)
            object.__setattr__(self, "_index_cache", cached)
        return cached

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.codes)

    def get(self, code: str, field: str | None = None) -> Code:
        for c in self.codes:
            if c.code == code:
                return c
        raise UnknownCodeError(self.name, field)

    def label(self, code: str, lang: Lang | str) -> str:
        return self.get(code).label(lang)

    def title(self, lang: Lang | str) -> str:
        return self.title_nl if Lang(lang) is Lang.NL else self.title_en


def _cl(name: str, nl: str, en: str, *codes: tuple[str, str, str]) -> CodeList:
    return CodeList(name, nl, en, tuple(Code(*c) for c in codes))


FORMS = _cl(
    "form",
    "Vorm van uitbuiting",
    "Form of exploitation",
    ("domestic_sexual", "Binnenlandse seksuele uitbuiting", "Domestic sexual exploitation"),
    (
        "crossborder_sexual",
        "Grensoverschrijdende seksuele uitbuiting",
        "Cross-border sexual exploitation",
    ),
    ("labour", "Arbeidsuitbuiting", "Labour exploitation"),
    ("criminal", "Criminele uitbuiting", "Criminal exploitation"),
    ("organ_removal", "Gedwongen orgaanverwijdering", "Forced organ removal"),
    ("other_unknown", "Overig/onbekend", "Other/unknown"),
)

REPORTER_TYPES = _cl(
    "reporter_type",
    "Type melder",
    "Reporter type",
    ("police", "Politie", "Police"),
    ("kmar", "Koninklijke Marechaussee", "Royal Marechaussee"),
    ("labour_inspectorate", "Nederlandse Arbeidsinspectie", "Labour inspectorate"),
    ("other_investigative", "Overige opsporingsdiensten", "Other investigative bodies"),
    ("shelter_care", "Opvang en zorg", "Shelters and care"),
    ("youth_care", "Jeugdzorg", "Youth care"),
    ("municipality", "Gemeenten", "Municipalities"),
    ("legal_aid", "Advocatuur en rechtshulp", "Lawyers and legal aid"),
    ("ngo", "Maatschappelijke organisaties", "NGOs"),
    ("healthcare", "Gezondheidszorg", "Healthcare"),
    ("other", "Overig", "Other"),
)

INVESTIGATIVE_REPORTER_TYPES = frozenset(
    {"police", "kmar", "labour_inspectorate", "other_investigative"}
)
"""Reporter types with a legal basis to report without consent."""

AGE_GROUPS = _cl(
    "age_group",
    "Leeftijdsgroep",
    "Age group",
    ("0-11", "0-11 jaar", "0-11 years"),
    ("12-17", "12-17 jaar", "12-17 years"),
    ("18-22", "18-22 jaar", "18-22 years"),
    ("23-29", "23-29 jaar", "23-29 years"),
    ("30-39", "30-39 jaar", "30-39 years"),
    ("40-49", "40-49 jaar", "40-49 years"),
    ("50+", "50 jaar en ouder", "50 years and over"),
    ("unknown", "Onbekend", "Unknown"),
)

MINOR_AGE_GROUPS = frozenset({"0-11", "12-17"})

MINOR_ADULT = _cl(
    "minor_adult",
    "Minderjarig/meerderjarig",
    "Minor/adult",
    ("minor", "Minderjarig", "Minor"),
    ("adult", "Meerderjarig", "Adult"),
    ("unknown", "Onbekend", "Unknown"),
)

GENDERS = _cl(
    "gender",
    "Geslacht",
    "Gender",
    ("female", "Vrouw", "Female"),
    ("male", "Man", "Male"),
    ("other", "Anders", "Other"),
    ("unknown", "Onbekend", "Unknown"),
)

NATIONALITY_GROUPS = _cl(
    "nationality_group",
    "Nationaliteitsgroep",
    "Nationality group",
    ("NL", "Nederland", "Netherlands"),
    ("EU_EEA", "Overig EU/EER", "Other EU/EEA"),
    ("EUROPE_OTHER", "Overig Europa", "Other Europe"),
    ("AFRICA", "Afrika", "Africa"),
    ("ASIA", "Azië", "Asia"),
    ("AMERICAS", "Amerika", "Americas"),
    ("OCEANIA", "Oceanië", "Oceania"),
    ("STATELESS_UNKNOWN", "Staatloos/onbekend", "Stateless/unknown"),
)

REGIONS = _cl(
    "region",
    "Politie-eenheid",
    "Police region",
    ("noord_nederland", "Noord-Nederland", "Noord-Nederland"),
    ("oost_nederland", "Oost-Nederland", "Oost-Nederland"),
    ("midden_nederland", "Midden-Nederland", "Midden-Nederland"),
    ("noord_holland", "Noord-Holland", "Noord-Holland"),
    ("amsterdam", "Amsterdam", "Amsterdam"),
    ("den_haag", "Den Haag", "The Hague"),
    ("rotterdam", "Rotterdam", "Rotterdam"),
    ("zeeland_west_brabant", "Zeeland-West-Brabant", "Zeeland-West-Brabant"),
    ("oost_brabant", "Oost-Brabant", "Oost-Brabant"),
    ("limburg", "Limburg", "Limburg"),
    ("unknown", "Onbekend", "Unknown"),
)

LEGAL_BASES = _cl(
    "legal_basis",
    "Grondslag van de melding",
    "Legal basis of the report",
    ("legal_duty", "Wettelijke plicht", "Legal duty"),
    ("legal_basis", "Wettelijke grondslag", "Legal basis"),
    ("explicit_consent", "Uitdrukkelijke toestemming", "Explicit consent"),
    ("none", "Geen grondslag (alleen statistiek)", "No basis (statistics only)"),
)

EVENT_TYPES = _cl(
    "event_type",
    "Soort registergebeurtenis",
    "Register event type",
    ("youth_care_start", "Start jeugdzorg", "Youth care started"),
    ("child_protection_measure", "Kinderbeschermingsmaatregel", "Child-protection measure"),
    ("shelter", "Opvangplaatsing", "Shelter placement"),
    (
        "residence_permit",
        "Verblijfsvergunning slachtoffers mensenhandel",
        "Residence permit for trafficking victims",
    ),
    ("asylum_application", "Asielaanvraag", "Asylum application"),
    ("police_report", "Aangifte", "Police report (aangifte)"),
    ("prosecution_outcome", "Vervolgingsbeslissing", "Prosecution outcome"),
)

REGISTERS = _cl(
    "register",
    "Register",
    "Register",
    ("youth_care", "Jeugdzorgregister", "Youth care register"),
    ("child_protection", "Kinderbeschermingsregister", "Child-protection register"),
    ("asylum", "Asiel- en Dublinregister", "Asylum and Dublin register"),
    ("shelter", "Opvangregister", "Shelter register"),
    ("residence_permits", "Verblijfsvergunningenregister", "Residence-permit register"),
    ("police_reports", "Aangifteregister", "Police-report register"),
    ("prosecution", "Vervolgingsregister", "Prosecution register"),
)

REGISTER_EVENT_TYPES: dict[str, str] = {
    "youth_care": "youth_care_start",
    "child_protection": "child_protection_measure",
    "asylum": "asylum_application",
    "shelter": "shelter",
    "residence_permits": "residence_permit",
    "police_reports": "police_report",
    "prosecution": "prosecution_outcome",
}
"""The event type each register emits."""

DUBLIN_STATUSES = _cl(
    "dublin_status",
    "Dublinstatus",
    "Dublin status",
    ("not_applicable", "Niet van toepassing", "Not applicable"),
    ("dublin_claim", "Dublinclaim", "Dublin claim"),
    ("no_dublin", "Geen Dublinclaim", "No Dublin claim"),
)

PROSECUTION_DECISIONS = _cl(
    "prosecution_decision",
    "Vervolgingsbeslissing",
    "Prosecution decision",
    ("summons", "Dagvaarding", "Summons"),
    ("dismissal_technical", "Technisch sepot", "Dismissal (technical)"),
    ("dismissal_policy", "Beleidssepot", "Dismissal (policy)"),
    ("transfer", "Voeging/overdracht", "Joined or transferred"),
    ("pending", "Nog geen beslissing", "Pending"),
)

CONVICTIONS = _cl(
    "conviction",
    "Uitspraak",
    "Court outcome",
    ("convicted", "Veroordeeld", "Convicted"),
    ("acquitted", "Vrijgesproken", "Acquitted"),
    ("other", "Overige uitspraak", "Other outcome"),
    ("none", "Geen uitspraak", "No court outcome"),
)

CODE_LISTS: dict[str, CodeList] = {
    cl.name: cl
    for cl in (
        FORMS,
        REPORTER_TYPES,
        AGE_GROUPS,
        MINOR_ADULT,
        GENDERS,
        NATIONALITY_GROUPS,
        REGIONS,
        LEGAL_BASES,
        EVENT_TYPES,
        REGISTERS,
        DUBLIN_STATUSES,
        PROSECUTION_DECISIONS,
        CONVICTIONS,
    )
}


def age_group(age: int | None) -> str:
    """The age-group code for an age in whole years (``unknown`` when the age is unknown)."""
    if age is None or age < 0:
        return "unknown"
    for upper, code in (
        (11, "0-11"),
        (17, "12-17"),
        (22, "18-22"),
        (29, "23-29"),
        (39, "30-39"),
        (49, "40-49"),
    ):
        if age <= upper:
            return code
    return "50+"


def minor_adult(age_group_code: str) -> str:
    """Collapse an age group to minor/adult/unknown."""
    if age_group_code == "unknown":
        return "unknown"
    return "minor" if age_group_code in MINOR_AGE_GROUPS else "adult"


REPORTER_GROUPS: dict[str, tuple[str, ...]] = {
    "police": ("police",),
    "kmar": ("kmar",),
    "inspection": ("labour_inspectorate",),
    "care": ("shelter_care", "healthcare", "youth_care"),
    "municipal": ("municipality",),
    "other": ("other_investigative", "legal_aid", "ngo", "other"),
}
"""Reporter types merged into the six lists of multiple systems estimation.

Eleven reporter types are too many lists for sparse data: most overlaps would be empty and the
interactions unidentifiable. The six are the lists of the published Dutch estimates (the ``Ned``
table: labour inspectorate, Royal Marechaussee, shelters and care, police, regional
coordinators, others; Silverman 2020), so a figure can be set beside theirs. The Marechaussee is
a list of its own, not part of the police: its victims are rarely anyone else's (Ned: K x P 0.36
of independence), and merging two negatively dependent lists hides that from every model. Until
7 December 2026 there were five lists (police with the Marechaussee; youth care with the
municipalities); on the default synthetic world the six lists took LCMCR within minors and adults
from 74 % to 95 % coverage with true histories (two seeds), see docs/estimation.md.
"""
