"""The building blocks: configuration, BSNs, typos, date formats, transliteration."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from anyascii import anyascii
from hypothesis import given, settings
from hypothesis import strategies as st

from zichtbaar.encode.normalise import bsn_is_valid, date_of_birth
from zichtbaar.errors import SynthError
from zichtbaar.synth import FaultRates, WorldConfig
from zichtbaar.synth import bsn as bsn_mod
from zichtbaar.synth.faults import DOB_FORMATS, format_date, typo
from zichtbaar.synth.names import latin, name_pool


@pytest.mark.parametrize(
    "changes",
    [
        {"start_year": 2020, "end_year": 2019},
        {"scale": 0.0},
        {"nonvictims_per_victim": -1.0},
        {"faults": FaultRates(typo=0.9)},
    ],
)
def test_invalid_config_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(SynthError):
        WorldConfig(**changes)  # type: ignore[arg-type]


def test_config_step_functions() -> None:
    c = WorldConfig()
    assert [c.target_victims(y) for y in (2010, 2015, 2016, 2023)] == [6250, 6250, 5000, 5000]
    assert c.consent(2014) == 0.9 and c.consent(2017) == 0.75 and c.consent(2030) == 0.25
    assert WorldConfig.small().scale == 0.05
    assert WorldConfig.small(seed=4, end_year=2016).years == (2014, 2015, 2016)


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_drawn_bsns_pass_the_eleven_check(seed: int) -> None:
    drawn = bsn_mod.draw(50, np.random.default_rng(seed))
    assert len(set(drawn)) == 50
    assert all(bsn_is_valid(b) and bsn_mod.is_valid(b) for b in drawn)


@given(st.text("0123456789", min_size=9, max_size=9))
def test_bsn_check_agrees_with_the_encoder(digits: str) -> None:
    assert bsn_mod.is_valid(digits) == bsn_is_valid(digits)


def test_bsn_draw_respects_exclusions() -> None:
    first = bsn_mod.draw(200, np.random.default_rng(1))
    again = bsn_mod.draw(200, np.random.default_rng(1), exclude=frozenset(first))
    assert not set(first) & set(again)


@given(
    st.text(st.characters(categories=["Lu", "Ll", "Lo"]), min_size=1, max_size=20),
    st.integers(0, 999),
)
def test_typo_always_changes_the_name(name: str, seed: int) -> None:
    out = typo(name, np.random.default_rng(seed))
    assert out != name
    assert abs(len(out) - len(name)) <= 1


@given(st.dates(dt.date(1930, 1, 1), dt.date(2023, 12, 31)), st.sampled_from(DOB_FORMATS))
def test_date_formats_read_back_by_the_encoder(day: dt.date, fmt: str) -> None:
    read = date_of_birth(format_date(day, fmt))
    assert read is not None and read.complete == day


@given(
    st.dates(dt.date(1930, 1, 1), dt.date(2023, 12, 31)).filter(
        lambda d: d.day <= 12 and d.day != d.month
    )
)
def test_swapped_dates_are_the_swap(day: dt.date) -> None:
    read = date_of_birth(format_date(day, "iso", swap=True))
    assert read is not None and read.complete != day and read.swapped == day


def test_transliteration_habits() -> None:
    name = "Щербакова Юлия"
    assert latin(name, "cyrillic") == "Shcherbakova Yuliya" == anyascii(name)
    assert latin(name, "cyrillic", "german") == "Schtscherbakowa Julija"
    assert latin(name, "cyrillic", "french").startswith("Chtcherbakova")
    assert latin("桂兰", "han") == "GuiLan"
    assert latin("桂兰", "han", "german") == "Gui Lan"
    assert latin("Ærø Ľubica", "latin", "german") == "Ærø Ľubica"
    assert latin("Βαλέρια", "greek").isascii()


def test_name_pools_are_deterministic_per_locale_and_seed() -> None:
    a = name_pool("ru_RU", 11)
    name_pool.cache_clear()
    assert name_pool("ru_RU", 11) == a
    assert name_pool("ru_RU", 12) != a
    assert not a.female_surname[0].isascii()
