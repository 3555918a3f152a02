"""The record models name the code list of each coded field."""

from __future__ import annotations


def test_every_enumerated_field_names_its_code_list() -> None:
    """The intake's column checks read this mapping; a coded field missing from it is unchecked."""
    from zichtbaar.standard.models import RECORD_MODEL_OF_KIND, code_list_of_field

    mapping = code_list_of_field()
    for model in RECORD_MODEL_OF_KIND.values():
        props = model.model_json_schema()["properties"]
        for name, prop in props.items():
            enum = prop.get("enum") or next(
                (a["enum"] for a in prop.get("anyOf", []) if "enum" in a), None
            )
            if enum is None or name == "nationality":
                continue
            assert name in mapping, name
            assert list(mapping[name].values) == enum
    assert mapping["event_type"].name == "event_type"
