from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from zichtbaar.cli import app
from zichtbaar.programme import (
    SEED,
    Programme,
    ProgrammeFileError,
    Status,
    dump_csv,
    dump_yaml,
    parse_csv,
    parse_yaml,
)

GOOD = """\
programme: {id: p1, title: Test}
action_lines:
  - {id: A, title: Line A}
measures:
  - id: A-1
    action_line: A
    title: First
    owner: Police
    deadline: 2020-01-01
    status: in_progress
"""


def test_yaml_syntax_error_has_line_number() -> None:
    with pytest.raises(ProgrammeFileError) as e:
        parse_yaml(GOOD + "  - {id: A-2, title: [unclosed\n")
    assert e.value.problems[0].line >= 7


def test_yaml_validation_error_points_at_the_bad_line() -> None:
    bad = GOOD.replace("status: in_progress", "status: finished")
    with pytest.raises(ProgrammeFileError) as e:
        parse_yaml(bad)
    (p,) = e.value.problems
    assert p.line == 10
    assert p.field == "measures.0.status"
    assert "finished" not in str(e.value)  # errors name the field, not the value


def test_unknown_action_line_is_an_error() -> None:
    with pytest.raises(ProgrammeFileError):
        parse_yaml(GOOD.replace("action_line: A", "action_line: B"))


def test_yaml_round_trip_of_seed() -> None:
    doc = parse_yaml(SEED.read_text(encoding="utf-8"))
    assert parse_yaml(dump_yaml(doc)) == doc
    assert len(doc.measures) == 26


def test_csv_round_trip_and_update() -> None:
    doc = parse_yaml(GOOD)
    text = dump_csv(doc)
    assert parse_csv(text, doc) == doc
    updated = parse_csv(text.replace("in_progress", "implemented"), doc)
    assert updated.measures[0].status == Status.IMPLEMENTED


def test_csv_bad_row_reports_its_line() -> None:
    doc = parse_yaml(GOOD)
    text = "id,action_line,title,deadline\nA-1,A,First,2020-01-01\nA-2,A,Second,not-a-date\n"
    with pytest.raises(ProgrammeFileError) as e:
        parse_csv(text, doc)
    (p,) = e.value.problems
    assert (p.line, p.field) == (3, "deadline")


def test_csv_unknown_column_is_refused() -> None:
    with pytest.raises(ProgrammeFileError) as e:
        parse_csv("id,action_line,title,colour\n", parse_yaml(GOOD))
    assert e.value.problems[0].field == "colour"


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1)


@settings(max_examples=40, deadline=None)
@given(title=_text, owner=st.one_of(st.none(), _text), partners=st.lists(_text, max_size=3))
def test_csv_round_trips_arbitrary_text(title: str, owner: str | None, partners: list[str]) -> None:
    partners = [p.replace(";", ",").strip() for p in partners]
    partners = [p for p in partners if p]
    data = yaml.safe_load(GOOD)
    data["measures"][0].update(title=title, owner=owner, partners=partners)
    doc = Programme.model_validate(data)
    if owner is not None and owner.strip() in ("", "unknown"):
        return
    back = parse_csv(dump_csv(doc), doc)
    assert back.measures[0].title == title
    assert back.measures[0].partners == partners


def _run(args: list[str]) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["programme", *args])
    return res.exit_code, res.output


def test_cli_import_status_export_check(home: Path) -> None:
    code, out = _run(["import", str(SEED)])
    assert code == 0, out
    code, out = _run(["status", "AL1-06", "implemented", "--why", "all officers trained"])
    assert code == 0, out
    out_file = home / "p.csv"
    code, out = _run(["export", "--format", "csv", "-o", str(out_file)])
    assert code == 0, out
    assert "AL1-06,AL1,Training of all first-line police officers" in out_file.read_text()
    assert ",implemented," in out_file.read_text().splitlines()[6]
    code, out = _run(["check"])
    assert code == 1
    assert "no_owner" in out


def test_cli_bad_import_changes_nothing(home: Path) -> None:
    assert _run(["import", str(SEED)])[0] == 0
    before = _run(["export"])[1]
    bad = home / "bad.csv"
    bad.write_text(
        "id,action_line,title,status\nAL1-05,AL1,Crawler,implemented\nAL9-1,AL1,X,bogus\n"
    )
    code, out = _run(["import", str(bad), "--programme", "stm-2018"])
    assert code == 1
    assert "line 3" in out
    assert _run(["export"])[1] == before


def test_cli_bad_yaml_import_changes_nothing(home: Path) -> None:
    bad = home / "bad.yaml"
    bad.write_text(GOOD.replace("deadline: 2020-01-01", "deadline: someday"))
    code, out = _run(["import", str(bad)])
    assert code == 1
    assert "line 9" in out
    code, out = _run(["export"])
    assert code == 1  # still no programme stored


def test_cli_seed_is_idempotent(home: Path) -> None:
    code, out = _run(["seed"])
    assert code == 0 and "26 measures" in out
    code, out = _run(["seed"])
    assert code == 0 and "0 status changes" in out
