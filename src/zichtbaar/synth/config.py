"""The knobs of the synthetic world, with defaults calibrated to public Dutch figures.

Frozen so a world is a pure function of its config; ``to_dict`` is what ``truth/world.json``
records, so a world can always be rebuilt from the file that describes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from zichtbaar.errors import SynthError
from zichtbaar.synth.scenarios import SCENARIOS


@dataclass(frozen=True)
class FaultRates:
    """Identifier faults, as shares of reporter/register records (of eligible records where noted).

    Defaults follow the error rates reported for administrative person data in record-linkage
    studies: a typo in 5-10 % of records, swapped day and month in 1-2 %, and so on.
    """

    typo: float = 0.07
    """One edit (substitute, delete, insert, transpose) in the given names or the surname."""
    swap_day_month: float = 0.015
    """Day and month swapped; only records whose day is 1-12 and differs from the month qualify."""
    swap_name_order: float = 0.025
    """Given names written as surname and vice versa."""
    missing_dob: float = 0.03
    missing_names: float = 0.02
    missing_place: float = 0.05
    name_change: float = 0.01
    """The person's other surname (marriage or alias) is written instead of the usual one."""
    duplicate: float = 0.04
    """A reporter registers the same victim twice, the copy a few days later with a small variation."""
    other_dob_format: float = 0.1
    """A record uses another date format than its organisation's usual one."""
    missing_exploitation_year_investigative: float = 0.15
    """Rows of investigative bodies without the (optional) year of exploitation: they give it in
    85 % of rows, the case file usually says when the exploitation took place."""
    missing_exploitation_year_other: float = 0.30
    """Rows of the other organisations without it: they give it in 70 % of rows."""


@dataclass(frozen=True)
class WorldConfig:
    """Everything that shapes a synthetic world; the world is deterministic given this object."""

    seed: int = 1
    start_year: int = 2014
    end_year: int = 2023
    scale: float = 1.0
    """Multiplies every count (victims, non-victims, suspects); 1.0 is the Netherlands."""
    victims_per_year: tuple[tuple[int, int], ...] = ((2014, 6250), (2015, 6250), (2016, 5000))
    """True victims a year at scale 1 (MSE estimates); years after the last entry keep its value."""
    dutch_minor_domestic_sexual: int = 1300
    """True Dutch minors in domestic sexual exploitation a year at scale 1 (rapporteur, 2019)."""
    consent_share: tuple[tuple[int, float], ...] = ((2014, 0.9), (2017, 0.75), (2018, 0.25))
    """Share of non-investigative rows with explicit consent, from the given year onwards."""
    african_boost_from: int = 2017
    """From this year on African victims are ``african_boost`` times as likely (Dublin route)."""
    african_boost: float = 2.5
    nonvictims_per_victim: float = 4.0
    """Non-victims in each register per victim event in it (registers are mostly other people)."""
    suspects_per_year: int = 250
    faults: FaultRates = field(default_factory=FaultRates)
    scenario: str = "default"
    """Detection parameters (``synth/scenarios.py``): ``default`` is calibrated to the real Dutch
    overlap structure; ``hard`` keeps minors nearly invisible to every list, a world where
    capture-recapture cannot estimate and must say so."""

    def __post_init__(self) -> None:
        if self.end_year < self.start_year:
            raise SynthError("end_year lies before start_year")
        if not 1990 <= self.start_year <= 2100:
            raise SynthError("start_year is out of range")
        if not 0 < self.scale <= 10:
            raise SynthError("scale must lie in (0, 10]")
        if self.scenario not in SCENARIOS:
            raise SynthError(f"scenario must be one of {', '.join(SCENARIOS)}")
        if self.nonvictims_per_victim < 0:
            raise SynthError("nonvictims_per_victim must not be negative")
        for name, value in asdict(self.faults).items():
            if not 0 <= value <= 0.5:
                raise SynthError(f"faults.{name} must lie in [0, 0.5]")

    @classmethod
    def small(cls, seed: int = 1, **overrides: Any) -> WorldConfig:
        """A world at 5 % scale: a few thousand victims, generated in about a second, for tests."""
        return cls(seed=seed, **{"scale": 0.05, **overrides})

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.start_year, self.end_year + 1))

    def target_victims(self, year: int) -> int:
        """True victims in ``year`` at scale 1 (the step function of ``victims_per_year``)."""
        return int(_step(self.victims_per_year, year))

    def consent(self, year: int) -> float:
        return float(_step(self.consent_share, year))

    def with_(self, **changes: Any) -> WorldConfig:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["victims_per_year"] = [list(p) for p in self.victims_per_year]
        d["consent_share"] = [list(p) for p in self.consent_share]
        return d


def _step(points: tuple[tuple[int, float], ...], year: int) -> float:
    """Value of a step function given as (from_year, value) pairs; before the first, the first."""
    ordered = sorted(points)
    value = ordered[0][1]
    for start, v in ordered:
        if year >= start:
            value = v
    return value
