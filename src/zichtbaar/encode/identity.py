"""One person's identifiers after normalisation: the single input of tokens and Bloom filter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zichtbaar.encode import normalise
from zichtbaar.encode.normalise import DateOfBirth, Surname


@dataclass(frozen=True)
class Address:
    """A normalised address (schema 3.2); any part may be missing."""

    street: str | None = None
    house_number: str | None = None
    postcode: str | None = None
    residence: str | None = None

    @property
    def exact_key(self) -> str | None:
        """Postcode and the digits of the house number: the address token's value, or None."""
        digits = normalise.house_number_digits(self.house_number)
        return f"{self.postcode}|{digits}" if self.postcode and digits else None


def address(
    street: str | None = None,
    house_number: str | None = None,
    postcode: str | None = None,
    residence: str | None = None,
) -> Address | None:
    """Normalise the parts of an address; None when no part is known."""
    found = Address(
        street=normalise.street(street),
        house_number=normalise.house_number(house_number),
        postcode=normalise.postcode(postcode),
        residence=normalise.residence(residence),
    )
    return None if found == Address() else found


@dataclass(frozen=True)
class Identity:
    """Normalised identifiers; None where the organisation did not know (or wrote garbage)."""

    given_names: str | None = None
    surname: Surname | None = None
    dob: DateOfBirth | None = None
    place_of_birth: str | None = None
    bsn: str | None = None
    gender: str | None = None
    address: Address | None = None
    """Where the person lives or was registered (optional, schema 3.2): registers hold it, and
    it separates look-alikes where names and dates carry typos (FEBRL4, docs/linkage.md)."""

    @property
    def full_name(self) -> str | None:
        """Given names and particle-free surname core: particles are too often left out or moved."""
        if self.given_names is None or self.surname is None:
            return None
        return f"{self.given_names} {self.surname.core}"

    @property
    def name_words(self) -> list[str]:
        """Every word of the given names and the surname core, as one bag: what the name filter
        hashes and the name key is made of, so a swapped name order changes neither."""
        given = self.given_names.split() if self.given_names else []
        return given + (self.surname.core.split() if self.surname else [])


def identity(
    given_names: str | None = None,
    surname: str | None = None,
    date_of_birth: str | None = None,
    place_of_birth: str | None = None,
    bsn: str | None = None,
    gender: str | None = None,
    today: dt.date | None = None,
    home: Address | None = None,
) -> Identity:
    """Normalise raw identifiers.

    Raises ``normalise.DateOfBirthError`` for an impossible date of birth; an invalid BSN becomes
    None (the caller warns, see ``bsn_was_invalid``). ``home``: the address, normalised by
    ``address``.
    """
    return Identity(
        given_names=normalise.given_names(given_names),
        surname=normalise.surname(surname),
        dob=normalise.date_of_birth(date_of_birth, today),
        place_of_birth=normalise.place(place_of_birth),
        bsn=normalise.bsn(bsn),
        gender=None if gender in (None, "unknown") else gender,
        address=home,
    )


def bsn_was_invalid(raw: str | None, normalised: Identity) -> bool:
    """True when a BSN was given but failed normalisation (treated as missing, with a warning)."""
    return raw is not None and raw.strip() != "" and normalised.bsn is None
