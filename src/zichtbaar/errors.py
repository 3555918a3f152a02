"""Every exception zichtbaar raises, in one place.

Messages name the row, the field and the rule that failed, never the value: a value may be a name,
a date of birth, a token or a key, and error messages end up in logs, screens and e-mails.

Hierarchy::

    ZichtbaarError                  base of everything below
    ├── ConfigError                 a ZICHTBAAR_* setting is missing or malformed
    ├── StandardError               something does not follow the data standard
    │   └── UnknownCodeError        a code is not in its code list
    ├── SynthError                  the synthetic world cannot be built as configured
    ├── EncodeError                 the encoder cannot read or encode an input file
    │   └── KeyFileError            a linkage-key file is missing, malformed or of the wrong kind
    ├── PackageError                a package cannot be verified (manifest, checksum, versions)
    ├── StoreError                  the operational store refused or failed an operation
    ├── IntakeError                 a submission was refused as a whole
    ├── LinkError                   a linkage run cannot be carried out
    ├── EstimationError             an estimate cannot be computed from the data given
    │   └── NotEstimableError       the hidden count does not exist or is not identifiable
    ├── DisclosureError             a table cannot be protected or failed its audit
    │   └── BudgetExhaustedError    a differential-privacy budget is spent
    ├── ReleaseError                a release cannot be made or read
    ├── ProgrammeError              programme data is malformed
    └── ReportError                 a report cannot be rendered
"""

from __future__ import annotations


class ZichtbaarError(Exception):
    """Base of all zichtbaar errors."""


class ConfigError(ZichtbaarError):
    """A ZICHTBAAR_* setting is missing or malformed."""


class StandardError(ZichtbaarError):
    """Something does not follow the data standard."""


class UnknownCodeError(StandardError):
    """A code is not in its code list (the message names the list, not the value)."""

    def __init__(self, code_list: str, field: str | None = None) -> None:
        where = f" in field '{field}'" if field else ""
        super().__init__(f"unknown code{where}: not in code list '{code_list}'")
        self.code_list = code_list
        self.field = field


class SynthError(ZichtbaarError):
    """The synthetic world cannot be built as configured."""


class EncodeError(ZichtbaarError):
    """The encoder cannot read or encode an input file."""


class KeyFileError(EncodeError):
    """A linkage-key file is missing, malformed or of the wrong kind."""


class PackageError(ZichtbaarError):
    """A package cannot be verified: manifest, checksum, standard or schema version, key id."""


class StoreError(ZichtbaarError):
    """The operational store refused or failed an operation."""


class IntakeError(ZichtbaarError):
    """A submission was refused as a whole."""


class LinkError(ZichtbaarError):
    """A linkage run cannot be carried out."""


class EstimationError(ZichtbaarError):
    """An estimate cannot be computed from the data given."""


class NotEstimableError(EstimationError):
    """The maximum-likelihood hidden count does not exist or is not identifiable."""


class DisclosureError(ZichtbaarError):
    """A table cannot be protected, or failed its audit check."""


class BudgetExhaustedError(DisclosureError):
    """A differential-privacy budget is spent; the release is refused."""


class ReleaseError(ZichtbaarError):
    """A release cannot be made or read."""


class ProgrammeError(ZichtbaarError):
    """Programme data is malformed."""


class ReportError(ZichtbaarError):
    """A report cannot be rendered."""
