from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from zichtbaar.cli import app
from zichtbaar.errors import UnknownCodeError
from zichtbaar.standard.codes import (
    AGE_GROUPS,
    CODE_LISTS,
    FORMS,
    NATIONALITY_GROUPS,
    REGIONS,
    REPORTER_TYPES,
    STANDARD_VERSION,
    age_group,
    minor_adult,
)
from zichtbaar.standard.countries import NATIONALITY_GROUP_OF, nationality_group
from zichtbaar.standard.models import VictimRegistration, VictimSource
from zichtbaar.standard.schema import json_schema


def test_code_lists_are_complete_and_bilingual() -> None:
    assert len(FORMS) == 6
    assert len(REPORTER_TYPES) == 11
    assert len([r for r in REGIONS if r.code != "unknown"]) == 10  # the ten police regions
    assert len(NATIONALITY_GROUPS) == 8
    for cl in CODE_LISTS.values():
        assert len(set(cl.values)) == len(cl), cl.name
        for c in cl:
            assert c.nl and c.en, (cl.name, c.code)


def test_every_nationality_group_has_countries() -> None:
    groups = set(NATIONALITY_GROUP_OF.values())
    assert groups == set(NATIONALITY_GROUPS.values)
    assert nationality_group("nld") == "NL"
    assert nationality_group("NGA") == "AFRICA"
    assert nationality_group("ROU") == "EU_EEA"
    assert nationality_group("UKR") == "EUROPE_OTHER"
    with pytest.raises(UnknownCodeError) as err:
        nationality_group("QQQ")
    assert "QQQ" not in str(err.value)


@given(st.integers(-5, 120))
def test_age_groups_split_minors_from_adults(age: int) -> None:
    group = age_group(age)
    assert group in AGE_GROUPS
    expected = "unknown" if age < 0 else ("minor" if age < 18 else "adult")
    assert minor_adult(group) == expected


def _registration(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "record_id": "r1",
        "registration_date": "2020-03-01",
        "gender": "female",
        "nationality": "NLD",
        "nationality_group": "NL",
        "age_group": "12-17",
        "form": "domestic_sexual",
        "region": "amsterdam",
        "legal_basis": "none",
        "tok_dob": "a" * 64,
    }
    base.update(kw)
    return base


def test_registration_model_accepts_valid_and_flags_statistics_only() -> None:
    reg = VictimRegistration.model_validate(_registration())
    assert reg.statistics_only
    assert not VictimRegistration.model_validate(
        _registration(legal_basis="legal_duty")
    ).statistics_only


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("form", "sexual"),
        ("region", "utrecht-city"),
        ("legal_basis", "maybe"),
        ("tok_dob", "not-a-token"),
        ("registration_date", "2999-01-01"),
        ("nationality_group", "MARS"),
    ],
)
def test_registration_model_rejects_bad_fields(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as err:
        VictimRegistration.model_validate(_registration(**{field: value}))
    locs = {e["loc"][0] if e["loc"] else None for e in err.value.errors()}
    msgs = " ".join(e["msg"] for e in err.value.errors())
    assert field in locs or (field == "registration_date" and None in locs | {field})
    assert value not in msgs  # messages never echo the value


def test_source_model_normalises_nationality_case() -> None:
    src = VictimSource(
        record_id="x",
        registration_date="2020-01-01",
        form="labour",
        legal_basis="none",
        nationality="pol",
    )  # type: ignore[arg-type]
    assert src.nationality == "POL"


def test_json_schema_lists_codes_with_labels() -> None:
    schema = json_schema()
    assert set(schema["$defs"]) >= {
        "VictimRegistration",
        "RegisterEvent",
        "SuspectCase",
        "Manifest",
    }
    props = schema["$defs"]["VictimRegistration"]["properties"]
    assert props["form"]["enum"] == list(FORMS.values)
    forms = schema["codeLists"]["form"]["codes"]
    assert {"code": "labour", "nl": "Arbeidsuitbuiting", "en": "Labour exploitation"} in forms


def test_cli_writes_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "schema.json"
    result = CliRunner().invoke(app, ["standard", "schema", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["version"] == STANDARD_VERSION == "1.1"
