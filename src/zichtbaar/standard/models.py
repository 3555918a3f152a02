"""Record models of the data standard.

Two sides of one standard:

* *source records* are what an organisation holds in clear text (``VictimSource``,
  ``RegisterSource``) -- they exist only at the organisation and are the encoder's input;
* *hub records* are what crosses the trust boundary (``VictimRegistration``, ``RegisterEvent``,
  ``SuspectCase``): coded attributes, keyed tokens and a Bloom filter, never an identifier.

Validators raise with the field name only; pydantic's own messages are turned into row/field/reason
reports by the intake, which never echoes an input value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from zichtbaar.standard.codes import (
    AGE_GROUPS,
    CONVICTIONS,
    DUBLIN_STATUSES,
    EVENT_TYPES,
    FORMS,
    GENDERS,
    LEGAL_BASES,
    NATIONALITY_GROUPS,
    PROSECUTION_DECISIONS,
    REGIONS,
    CodeList,
)
from zichtbaar.standard.countries import NATIONALITY_GROUP_OF

TOKEN_PATTERN = r"^[0-9a-f]{64}$"  # noqa: S105 -- a pattern, not a secret
"""A keyed token: HMAC-SHA256 as 64 lowercase hex characters."""

Token = Annotated[str, Field(pattern=TOKEN_PATTERN)]


def _checker(code_list: CodeList) -> AfterValidator:
    """A validator accepting only codes of ``code_list``; its error names the list, never the value."""

    def check(value: str) -> str:
        if value not in code_list:
            raise ValueError(f"not a code of '{code_list.name}'")
        return value

    return AfterValidator(check)


def _enum(code_list: CodeList) -> Any:
    return Field(json_schema_extra={"enum": list(code_list.values)})


@dataclass(frozen=True)
class CodedBy:
    """Annotation marker naming the code list that guards a field, so other stages (the intake's
    column-wise checks) ask the model instead of restating which list guards which field."""

    code_list: CodeList


def _check_nationality(value: str) -> str:
    if value.upper() not in NATIONALITY_GROUP_OF:
        raise ValueError("not an ISO 3166-1 alpha-3 code")
    return value.upper()


GenderCode = Annotated[str, CodedBy(GENDERS), _checker(GENDERS), _enum(GENDERS)]
FormCode = Annotated[str, CodedBy(FORMS), _checker(FORMS), _enum(FORMS)]
RegionCode = Annotated[str, CodedBy(REGIONS), _checker(REGIONS), _enum(REGIONS)]
LegalBasisCode = Annotated[str, CodedBy(LEGAL_BASES), _checker(LEGAL_BASES), _enum(LEGAL_BASES)]
AgeGroupCode = Annotated[str, CodedBy(AGE_GROUPS), _checker(AGE_GROUPS), _enum(AGE_GROUPS)]
NationalityGroupCode = Annotated[
    str, CodedBy(NATIONALITY_GROUPS), _checker(NATIONALITY_GROUPS), _enum(NATIONALITY_GROUPS)
]
EventTypeCode = Annotated[str, CodedBy(EVENT_TYPES), _checker(EVENT_TYPES), _enum(EVENT_TYPES)]
DublinCode = Annotated[
    str, CodedBy(DUBLIN_STATUSES), _checker(DUBLIN_STATUSES), _enum(DUBLIN_STATUSES)
]
DecisionCode = Annotated[
    str,
    CodedBy(PROSECUTION_DECISIONS),
    _checker(PROSECUTION_DECISIONS),
    _enum(PROSECUTION_DECISIONS),
]
ConvictionCode = Annotated[str, CodedBy(CONVICTIONS), _checker(CONVICTIONS), _enum(CONVICTIONS)]
NationalityCode = Annotated[
    str,
    AfterValidator(_check_nationality),
    Field(json_schema_extra={"enum": list(NATIONALITY_GROUP_OF)}),
]


EXPLOITATION_YEAR_MIN = 1990
"""The earliest exploitation year the standard accepts, as for a suspect case's year."""
ExploitationYear = Annotated[int | None, Field(ge=EXPLOITATION_YEAR_MIN, le=2100)]
EXPLOITATION_AFTER_REGISTRATION = "exploitation_year lies after the registration's year"


def _check_exploitation_year(year: int | None, info: ValidationInfo) -> int | None:
    """A victim is registered during or after the exploitation, never before it (the field
    follows ``registration_date`` in both models, so the date is validated by then)."""
    registered = info.data.get("registration_date")
    if year is not None and registered is not None and year > registered.year:
        raise ValueError(EXPLOITATION_AFTER_REGISTRATION)
    return year


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------- source side
class VictimSource(_Strict):
    """One presumed victim as a reporting organisation holds it (clear text; never leaves it)."""

    record_id: str = Field(
        min_length=1, max_length=64, description="The organisation's own id of this registration."
    )
    registration_date: dt.date
    given_names: str | None = None
    surname: str | None = None
    date_of_birth: str | None = Field(
        None, description="As written by the organisation; the encoder parses it."
    )
    place_of_birth: str | None = None
    bsn: str | None = Field(
        None, description="Citizen service number, only for those who have one."
    )
    street: str | None = Field(None, description="Street and any further address line.")
    house_number: str | None = Field(None, description="House number with any addition.")
    postcode: str | None = None
    residence: str | None = Field(None, description="Place of residence (town or city).")
    gender: GenderCode = "unknown"
    nationality: NationalityCode = "XXX"
    age_group: AgeGroupCode = Field(
        "unknown", description="Used when the date of birth is unknown."
    )
    form: FormCode
    exploitation_year: ExploitationYear = Field(
        None,
        description="Year the exploitation took place (the victim was first visible as one), "
        "when the organisation knows it; not after the registration's year (standard 1.1).",
    )
    region: RegionCode = "unknown"
    legal_basis: LegalBasisCode

    check_exploitation_year = field_validator("exploitation_year")(_check_exploitation_year)


class RegisterSource(_Strict):
    """One event in an external register as its holder keeps it (clear text)."""

    record_id: str = Field(min_length=1, max_length=64)
    event_date: dt.date
    event_type: EventTypeCode
    given_names: str | None = None
    surname: str | None = None
    date_of_birth: str | None = None
    place_of_birth: str | None = None
    bsn: str | None = None
    street: str | None = Field(None, description="Street and any further address line.")
    house_number: str | None = Field(None, description="House number with any addition.")
    postcode: str | None = None
    residence: str | None = Field(None, description="Place of residence (town or city).")
    gender: GenderCode = "unknown"
    nationality: NationalityCode = "XXX"
    dublin_status: DublinCode = "not_applicable"
    prosecution_decision: DecisionCode | None = None
    legal_basis: LegalBasisCode = "legal_duty"


# --------------------------------------------------------------------------- hub side
class EncodedIdentity(_Strict):
    """The identifying part of a record after encoding: tokens and one Bloom filter."""

    tok_bsn: Token | None = None
    tok_name_dob: Token | None = None
    tok_dob: Token | None = None
    tok_dob_swapped: Token | None = Field(
        None, description="Date of birth with day and month swapped."
    )
    tok_name_ym: Token | None = Field(
        None, description="Name key with year and month of birth (a typo in the day)."
    )
    tok_name_yd: Token | None = Field(
        None, description="Name key with year and day of birth (a typo in the month)."
    )
    tok_name_md: Token | None = Field(
        None, description="Name key with month and day of birth (a typo in the year)."
    )
    tok_name_pob: Token | None = Field(None, description="Name key with place of birth.")
    tok_pob_dob: Token | None = Field(None, description="Place of birth with the whole date.")
    tok_address: Token | None = Field(None, description="Postcode with house number (schema 3.2).")
    bloom: bytes | None = Field(None, description="Name Bloom filter, filter_bits/8 bytes.")
    bloom_address: bytes | None = Field(
        None, description="Address Bloom filter, filter_bits/8 bytes (schema 3.2)."
    )
    bloom_given: bytes | None = Field(
        None, description="Given-name Bloom filter, filter_bits/8 bytes (schema 3.3)."
    )
    bloom_surname: bytes | None = Field(
        None, description="Surname Bloom filter, filter_bits/8 bytes (schema 3.3)."
    )


TOKEN_COLUMNS: tuple[str, ...] = tuple(
    f for f in EncodedIdentity.model_fields if f.startswith("tok_")
)
"""The token columns of the current encoding schema, in order: the one list the encoder, the
intake, the store and the linkage share."""

FILTER_COLUMNS: tuple[str, ...] = tuple(
    f for f in EncodedIdentity.model_fields if f.startswith("bloom")
)
"""The Bloom filter columns: the name filter, (schema 3.2) the address filter and (schema 3.3)
the filters of the given names and of the surname."""


class VictimRegistration(EncodedIdentity):
    """A presumed victim as the hub receives it: coded attributes plus encodings."""

    record_id: str = Field(min_length=1, max_length=64)
    registration_date: dt.date
    gender: GenderCode
    nationality: NationalityCode
    nationality_group: NationalityGroupCode
    age_group: AgeGroupCode
    form: FormCode
    exploitation_year: ExploitationYear = Field(
        None, description="Year of exploitation as the reporter gave it (standard 1.1)."
    )
    region: RegionCode
    legal_basis: LegalBasisCode

    check_exploitation_year = field_validator("exploitation_year")(_check_exploitation_year)

    @property
    def statistics_only(self) -> bool:
        """Purpose limitation: a row without any basis is counted, never linked to registers."""
        return self.legal_basis == "none"

    @model_validator(mode="after")
    def _date_not_future(self) -> VictimRegistration:
        if self.registration_date > dt.date.today():
            raise ValueError("registration_date lies in the future")
        return self


class RegisterEvent(EncodedIdentity):
    """An event from an external register (youth care, asylum, shelter, ...) as the hub receives it."""

    record_id: str = Field(min_length=1, max_length=64)
    event_date: dt.date
    event_type: EventTypeCode
    gender: GenderCode = "unknown"
    nationality_group: NationalityGroupCode = "STATELESS_UNKNOWN"
    dublin_status: DublinCode = "not_applicable"
    prosecution_decision: DecisionCode | None = None
    legal_basis: LegalBasisCode = "legal_duty"


class SuspectCase(_Strict):
    """A suspect of trafficking in a prosecution case (Dadermonitor shape; no identifiers)."""

    case_id: str = Field(min_length=1, max_length=64)
    year: int = Field(ge=1990, le=2100)
    form: FormCode
    age: int | None = Field(None, ge=12, le=100)
    gender: GenderCode = "unknown"
    nationality: NationalityCode = "XXX"
    nationality_group: NationalityGroupCode = "STATELESS_UNKNOWN"
    prosecution_decision: DecisionCode
    conviction: ConvictionCode = "none"


PackageKind = Literal["registrations", "register_events", "suspects"]

RECORD_MODEL_OF_KIND: dict[str, type[BaseModel]] = {
    "registrations": VictimRegistration,
    "register_events": RegisterEvent,
    "suspects": SuspectCase,
}


ADDED_IN_VERSION: dict[str, str] = {"exploitation_year": "1.1"}
"""Optional hub fields a minor version of the standard added, with that version: a package of
an earlier version lacks them, and the hub reads them as empty."""


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


ADDED_IN_SCHEMA: dict[str, str] = {"bloom_given": "3.3", "bloom_surname": "3.3"}
"""Filter columns an encoding schema version added, with that version: a package of an
earlier schema lacks them, and the hub reads them as empty."""


def fields_of_version(
    kind: str, standard_version: str, schema_version: str | None = None
) -> tuple[str, ...]:
    """The hub fields of ``kind`` a package of ``standard_version`` and encoding
    ``schema_version`` (None: the current one) carries."""
    mine = _version(standard_version)
    schema = _version(schema_version) if schema_version is not None else None
    return tuple(
        name
        for name in RECORD_MODEL_OF_KIND[kind].model_fields
        if _version(ADDED_IN_VERSION.get(name, "0")) <= mine
        and (schema is None or _version(ADDED_IN_SCHEMA.get(name, "0")) <= schema)
    )


def _coded_by(annotation: Any) -> CodeList | None:
    """The code list in an annotation, looking inside ``X | None`` and ``Annotated``."""
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, CodedBy):
            return meta.code_list
    for arg in get_args(annotation):
        found = _coded_by(arg)
        if found is not None:
            return found
    return None


def code_list_of_field() -> dict[str, CodeList]:
    """Which code list guards each coded field of the hub record models."""
    out: dict[str, CodeList] = {}
    for model in RECORD_MODEL_OF_KIND.values():
        for name, info in model.model_fields.items():
            code_list = _coded_by(info.rebuild_annotation())
            if code_list is not None:
                out[name] = code_list
    return out
