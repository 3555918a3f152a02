"""The vectorised checks agree with the pydantic models of the standard, row for row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from zichtbaar.intake.rows import check_rows
from zichtbaar.standard.codes import (
    AGE_GROUPS,
    FORMS,
    GENDERS,
    LEGAL_BASES,
    NATIONALITY_GROUPS,
    REGIONS,
)
from zichtbaar.standard.models import SuspectCase, VictimRegistration

TODAY = dt.date.today()


def _codes(values: tuple[str, ...]) -> st.SearchStrategy[str | None]:
    return st.one_of(
        st.sampled_from(values),
        st.sampled_from(values).map(lambda v: f" {v} "),
        st.text(max_size=6),
        st.none(),
    )


TOKEN = st.one_of(
    st.text("0123456789abcdef", min_size=64, max_size=64),
    st.text("0123456789abcdefABCDEF", min_size=63, max_size=65),
    st.none(),
)

REG_ROW = st.fixed_dictionaries(
    {
        "record_id": st.one_of(st.text(max_size=70), st.none()),
        "registration_date": st.one_of(
            st.dates(dt.date(1990, 1, 1), TODAY + dt.timedelta(days=400)), st.none()
        ),
        "gender": _codes(GENDERS.values),
        "nationality": _codes(("NLD", "nld", "ROU", "XXX", "ZZZ")),
        "nationality_group": _codes(NATIONALITY_GROUPS.values),
        "age_group": _codes(AGE_GROUPS.values),
        "form": _codes(FORMS.values),
        "exploitation_year": st.one_of(st.integers(1980, TODAY.year + 2), st.none()),
        "region": _codes(REGIONS.values),
        "legal_basis": _codes(LEGAL_BASES.values),
        "tok_bsn": TOKEN,
        "tok_name_dob": TOKEN,
        "tok_dob": st.none(),
        "tok_dob_swapped": st.none(),
        "tok_name_ym": TOKEN,
        "tok_name_yd": st.none(),
        "tok_name_md": st.none(),
        "tok_name_pob": st.none(),
        "bloom": st.one_of(st.binary(min_size=1, max_size=8), st.none()),
    }
)
REG_SCHEMA = pa.schema(
    [
        (
            k,
            pa.date32()
            if k == "registration_date"
            else pa.binary()
            if k == "bloom"
            else pa.int64()
            if k == "exploitation_year"
            else pa.string(),
        )
        for k in VictimRegistration.model_fields
    ]
)


def _model_ok(model: Any, row: dict[str, Any]) -> bool:
    given_ = {
        k: v
        for k, v in row.items()
        if not (
            v is None
            and not model.model_fields[k].is_required()
            and model.model_fields[k].default is not None
        )
    }
    try:
        model.model_validate(given_)
    except ValidationError:
        return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(REG_ROW, min_size=1, max_size=15))
def test_registrations_agree_with_model(rows: list[dict[str, Any]]) -> None:
    table = pa.Table.from_pylist(rows, schema=REG_SCHEMA)
    checked = check_rows("registrations", table, bloom_bytes=None, today=TODAY)
    for i, row in enumerate(rows):
        assert bool(checked.bad[i]) == (not _model_ok(VictimRegistration, row)), (
            i,
            [p for p in checked.problems if p.row == i + 1],
        )


SUSPECT_ROW = st.fixed_dictionaries(
    {
        "case_id": st.one_of(st.text(max_size=70), st.none()),
        "year": st.one_of(st.integers(1980, 2110), st.none()),
        "form": _codes(FORMS.values),
        "age": st.one_of(st.integers(0, 120), st.none()),
        "gender": _codes(GENDERS.values),
        "nationality": _codes(("NLD", "POL", "QQQ")),
        "nationality_group": _codes(NATIONALITY_GROUPS.values),
        "prosecution_decision": _codes(("summons", "dismissed", "x")),
        "conviction": _codes(("none", "convicted", "y")),
    }
)
SUSPECT_SCHEMA = pa.schema(
    [(k, pa.int64() if k in ("year", "age") else pa.string()) for k in SuspectCase.model_fields]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(SUSPECT_ROW, min_size=1, max_size=15))
def test_suspects_agree_with_model(rows: list[dict[str, Any]]) -> None:
    table = pa.Table.from_pylist(rows, schema=SUSPECT_SCHEMA)
    checked = check_rows("suspects", table, bloom_bytes=None, today=TODAY)
    for i, row in enumerate(rows):
        assert bool(checked.bad[i]) == (not _model_ok(SuspectCase, row)), (i, row)


def test_string_dates_and_wrong_types() -> None:
    table = pa.table(
        {
            "case_id": ["a", "b"],
            "year": pa.array(["2020", "x"]),
            "form": ["labour"] * 2,
            "age": pa.array([30.0, 30.5]),
            "gender": ["male"] * 2,
            "nationality": ["NLD"] * 2,
            "nationality_group": ["NL"] * 2,
            "prosecution_decision": ["summons"] * 2,
            "conviction": ["none"] * 2,
        }
    )
    checked = check_rows("suspects", table, bloom_bytes=None)
    reasons = {(p.row, p.field): p.reason for p in checked.problems}
    assert reasons[(1, "year")] == "must be a whole number"
    assert reasons[(2, "age")] == "must be a whole number"
