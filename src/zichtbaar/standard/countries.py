"""Nationality: ISO 3166-1 alpha-3 codes and the nationality groups the monitor reports.

Written by hand because no maintained package maps countries to these *policy* groups (the EU/EEA
split matters for free movement and for the Dublin regulation). ``XKX`` (Kosovo) is the
user-assigned code used by the EU; ``XXA`` (stateless) and ``XXX`` (unknown) follow ICAO Doc 9303.
"""

from __future__ import annotations

from zichtbaar.errors import UnknownCodeError

_GROUPS: dict[str, str] = {
    "NL": "NLD",
    "EU_EEA": (
        "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT POL PRT ROU "
        "SVK SVN ESP SWE ISL LIE NOR"
    ),
    "EUROPE_OTHER": (
        "ALB AND ARM AZE BLR BIH CHE GEO XKX MDA MCO MNE MKD RUS SMR SRB TUR UKR GBR VAT GIB FRO "
        "IMN JEY GGY ALA SJM"
    ),
    "AFRICA": (
        "DZA AGO BEN BWA BFA BDI CPV CMR CAF TCD COM COD COG CIV DJI EGY GNQ ERI SWZ ETH GAB GMB "
        "GHA GIN GNB KEN LSO LBR LBY MDG MWI MLI MRT MUS MAR MOZ NAM NER NGA RWA STP SEN SYC SLE "
        "SOM ZAF SSD SDN TZA TGO TUN UGA ZMB ZWE ESH MYT REU SHN"
    ),
    "ASIA": (
        "AFG BHR BGD BTN BRN KHM CHN IND IDN IRN IRQ ISR JPN JOR KAZ KWT KGZ LAO LBN MYS MDV MNG "
        "MMR NPL PRK OMN PAK PSE PHL QAT SAU SGP KOR LKA SYR TWN TJK THA TLS TKM ARE UZB VNM YEM "
        "HKG MAC"
    ),
    "AMERICAS": (
        "ATG ARG BHS BRB BLZ BOL BRA CAN CHL COL CRI CUB DMA DOM ECU SLV GRD GTM GUY HTI HND JAM "
        "MEX NIC PAN PRY PER KNA LCA VCT SUR TTO USA URY VEN ABW CUW SXM BES PRI GRL AIA BMU CYM "
        "VGB VIR TCA MSR FLK GUF GLP MTQ BLM MAF SPM"
    ),
    "OCEANIA": (
        "AUS FJI KIR MHL FSM NRU NZL PLW PNG WSM SLB TON TUV VUT ASM COK GUM NCL NIU NFK MNP PCN "
        "PYF TKL WLF"
    ),
    "STATELESS_UNKNOWN": "XXA XXX",
}

NATIONALITY_GROUP_OF: dict[str, str] = {
    code: group for group, codes in _GROUPS.items() for code in codes.split()
}
"""Alpha-3 code -> nationality-group code."""

NATIONALITIES: tuple[str, ...] = tuple(sorted(NATIONALITY_GROUP_OF))

STATELESS = "XXA"
UNKNOWN_NATIONALITY = "XXX"


def nationality_group(alpha3: str, field: str | None = "nationality") -> str:
    """The nationality group of an ISO 3166-1 alpha-3 code (case-insensitive)."""
    group = NATIONALITY_GROUP_OF.get(alpha3.strip().upper())
    if group is None:
        raise UnknownCodeError("nationality (ISO 3166-1 alpha-3)", field)
    return group
