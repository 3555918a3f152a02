"""Implementation statuses of a measure, with nl/en labels.

"Closed" statuses are the ones after which a passed deadline is no longer a finding.
"""

from __future__ import annotations

from enum import StrEnum

from zichtbaar.types import Lang


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PREPARATION = "in_preparation"
    IN_PROGRESS = "in_progress"
    DELAYED = "delayed"
    IMPLEMENTED = "implemented"
    STRUCTURALLY_EMBEDDED = "structurally_embedded"
    CANCELLED = "cancelled"

    def label(self, lang: Lang = Lang.EN) -> str:
        return _LABELS[self][0 if lang == Lang.NL else 1]


_LABELS: dict[Status, tuple[str, str]] = {
    Status.NOT_STARTED: ("Niet gestart", "Not started"),
    Status.IN_PREPARATION: ("In voorbereiding", "In preparation"),
    Status.IN_PROGRESS: ("In uitvoering", "In progress"),
    Status.DELAYED: ("Vertraagd", "Delayed"),
    Status.IMPLEMENTED: ("Uitgevoerd", "Implemented"),
    Status.STRUCTURALLY_EMBEDDED: ("Structureel geborgd", "Structurally embedded"),
    Status.CANCELLED: ("Geschrapt", "Cancelled"),
}

CLOSED: frozenset[Status] = frozenset(
    {Status.IMPLEMENTED, Status.STRUCTURALLY_EMBEDDED, Status.CANCELLED}
)
