"""The reporter app against a real hub on loopback: export in, mapping, check, what leaves the
building, submit, resubmit, withdraw -- and not one name, date of birth or BSN in any request."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.encode.exports import write_xlsx
from tests.encode.people import people
from tests.reporter.hub import Hub, running_hub, sent_values
from zichtbaar.encode.keys import save_key
from zichtbaar.reporter.app import create_reporter_app
from zichtbaar.store.models import Registration

HEADER = [
    "Dossiernummer",
    "Datum aanmelding",
    "Voornaam",
    "Achternaam",
    "Geb.datum",
    "BSN",
    "Geslacht",
    "Soort uitbuiting",
    "Toestemming",
    "Casemanager",
]
FORM = {
    "domestic_sexual": "Seksuele uitbuiting NL",
    "labour": "Arbeid",
    "criminal": "Criminele uitbuiting",
    "crossborder_sexual": "Tuinbouw",
}  # last: unknown


def _export(tmp: Path) -> tuple[Path, list[dict[str, str]], list[list[str]]]:
    src = people(30, seed=7)
    rows = []
    for i, p in enumerate(src):
        day, month, year = 1 + i % 28, 1 + i % 12, 1970 + i
        rows.append(
            [
                f"D{i:04d}",
                f"{1 + i % 28:02d}-03-2024",
                p["given_names"],
                p["surname"],
                f"{day:02d}-{month:02d}-{year}",
                p["bsn"],
                "V" if p["gender"] == "female" else "M",
                FORM[p["form"]],
                "Ja",
                "Petra",
            ]
        )
    rows[3][4] = "31-02-1990"  # impossible: sent without the date of birth
    rows[5][1] = "45-13-2024"  # no registration date: the row cannot go
    rows[8][0] = ""  # no record id
    return write_xlsx(tmp / "export.xlsx", HEADER, rows), src, rows


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with running_hub(tmp_path / "hub") as h:
        yield h


def _token(client: TestClient) -> str:
    found = re.search(r'name="token" value="([^"]+)"', client.get("/").text)
    assert found
    return found[1]


def _form_from_page(html: str) -> dict[str, str]:
    """The mapping form as a browser would send it: every select's selected option."""
    form: dict[str, str] = {}
    for name, body in re.findall(r'<select id="[^"]*" name="([^"]+)">(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        form[name] = chosen[1] if chosen else ""
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html):
        form[name] = value
    org = re.search(r'name="organisation" value="([^"]*)"', html)
    form["organisation"] = org[1] if org else ""
    return form


def test_whole_path_with_no_identifier_in_any_request(tmp_path: Path, hub: Hub) -> None:
    app = create_reporter_app(
        tmp_path / "rep", hub.url, lang="en", hub_client=hub.client, allowed_hosts=("testserver",)
    )
    client = TestClient(app)
    token = _token(client)
    keyfile = save_key(hub.key, tmp_path / "linkage.key")
    page = client.post(
        "/keys/linkage",
        data={"token": token},
        files={"keyfile": ("linkage.key", keyfile.read_bytes())},
    )
    assert hub.key.key_id in page.text
    secret = keyfile.read_text()
    assert re.search(r'"secret": "([^"]+)"', secret)[1] not in page.text  # type: ignore[index]
    client.post("/keys/api", data={"token": token, "api_key": hub.api_key})
    assert hub.api_key not in client.get("/").text

    export, src, rows = _export(tmp_path)
    page = client.post(
        "/jobs", data={"token": token}, files={"export": ("export.xlsx", export.read_bytes())}
    )
    assert page.status_code == 200 and "/mapping" in str(page.url)
    form = _form_from_page(page.text)
    assert form["col:given_names"] == "Voornaam" and form["col:date_of_birth"] == "Geb.datum"
    assert form["col:bsn"] == "BSN"
    # the user corrects the suggestion: their organisation, and the label the rules do not know
    form.update({"token": token, "organisation": "police-nl", "reporter_type": "police"})
    unknown = next(k for k, v in form.items() if k.startswith("lab:form:") and v == "Tuinbouw")
    assert form[unknown.replace("lab:", "val:")] == ""  # listed, not guessed
    form[unknown.replace("lab:", "val:")] = "labour"
    check = client.post(f"/jobs/{page.url.path.split('/')[2]}/mapping", data=form)
    job = check.url.path.split("/")[2]
    assert "28 rows go, 2 rows do not, 1 warnings" in check.text
    assert "Tuinbouw" not in check.text  # mapped by the user above
    problems = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td>', check.text)
    assert problems == [("5", "Geb.datum"), ("7", "Datum aanmelding"), ("10", "Dossiernummer")]

    preview = client.get(f"/jobs/{job}/preview")
    assert preview.status_code == 200
    assert ">28</td>" in preview.text and hub.key.key_id in preview.text
    assert "Casemanager" in preview.text  # named among the columns that do not go
    receipt = client.get(f"/jobs/{job}/receipt.html")
    assert "attachment" in receipt.headers["content-disposition"]
    assert re.search(r'id="sha256">([0-9a-f]{64})<', receipt.text)

    first = client.post(f"/jobs/{job}/submit", data={"token": token})
    assert "28 rows stored, 0 quarantined" in first.text
    with hub.env.store.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(Registration)).scalar_one()
    assert stored == 28
    again = client.post(f"/jobs/{job}/submit", data={"token": token})
    assert 'id="duplicate"' in again.text
    with hub.env.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Registration)).scalar_one() == 28

    withdraw_page = client.get("/")
    assert (
        "Consent withdrawn" in withdraw_page.text
        and ">consent_withdrawn<" not in withdraw_page.text
    )
    done = client.post(
        "/withdraw", data={"token": token, "record_id": "D0001", "reason": "consent_withdrawn"}
    )
    assert "Withdrawn: 1 stored versions removed" in done.text
    log = client.get("/log").text
    assert log.count("submission") >= 2 and "withdrawal" in log
    assert len(list((tmp_path / "rep" / "receipts").glob("*.html"))) == 1  # one package sent

    # next month's file still holds the withdrawn registration: the hub quarantines that row and
    # the app names it by the row number of *their* file
    rows[0][7] = "Arbeid"  # another change, so that this is a new package
    export2 = write_xlsx(tmp_path / "export2.xlsx", HEADER, rows)
    page = client.post(
        "/jobs", data={"token": token}, files={"export": ("export2.xlsx", export2.read_bytes())}
    )
    job2 = page.url.path.split("/")[2]
    client.get(f"/jobs/{job2}/check")
    client.get(f"/jobs/{job2}/preview")
    third = client.post(f"/jobs/{job2}/submit", data={"token": token})
    assert "1 quarantined" in third.text
    hub_rows = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td>', third.text)
    assert hub_rows == [("3", "record_id")]  # D0001 is row 3 of their file

    # what left the building: four requests, none with a name, a date of birth or a BSN
    assert len(hub.requests) == 4
    clear: set[str] = set()
    for row, person in zip(rows, src, strict=True):
        clear |= {person["given_names"], person["surname"], row[4]}
        if person["bsn"]:
            clear.add(person["bsn"])
        day, month, year = row[4].split("-")
        clear.add(f"{year}-{month}-{day}")
    for request in hub.requests:
        raw, cells = sent_values(request)
        for value in clear:
            # raw bytes hold random-looking tokens and filters: a short name could occur in
            # them by chance, so only values of six or more characters are sought there
            if len(value) >= 6:
                assert value.encode() not in raw, "a clear-text identifier left the building"
            assert value not in cells
    assert any(cells for _, cells in map(sent_values, hub.requests))  # the package was looked at


def test_forms_from_elsewhere_and_other_hosts_are_refused(tmp_path: Path, hub: Hub) -> None:
    app = create_reporter_app(
        tmp_path / "rep", hub.url, hub_client=hub.client, allowed_hosts=("testserver",)
    )
    client = TestClient(app)
    assert client.post("/keys/api", data={"token": "guess", "api_key": "x" * 20}).status_code == 403
    local_only = TestClient(create_reporter_app(tmp_path / "rep2", hub.url))
    assert local_only.get("/").status_code == 400  # Host: testserver is not 127.0.0.1
    assert hub.requests == []


def test_a_year_of_exploitation_column_is_mapped_checked_shown_and_stored(
    tmp_path: Path, hub: Hub
) -> None:
    """Standard 1.1 through the app and the hub's upload: the year goes as a plain attribute."""
    app = create_reporter_app(
        tmp_path / "rep", hub.url, lang="nl", hub_client=hub.client, allowed_hosts=("testserver",)
    )
    client = TestClient(app)
    token = _token(client)
    keyfile = save_key(hub.key, tmp_path / "linkage.key")
    client.post(
        "/keys/linkage", data={"token": token}, files={"keyfile": ("k", keyfile.read_bytes())}
    )
    client.post("/keys/api", data={"token": token, "api_key": hub.api_key})
    header = ["Dossiernummer", "Datum aanmelding", "Achternaam", "Toestemming", "Jaar uitbuiting"]
    years: list[object] = [2023, "2025", None, 2024]  # 2025: after the registration's year
    rows = [[f"J{i}", "01-03-2024", f"Naam{i}", "Ja", y] for i, y in enumerate(years)]
    export = write_xlsx(tmp_path / "jaar.xlsx", header, rows)  # type: ignore[arg-type]
    page = client.post(
        "/jobs", data={"token": token}, files={"export": ("jaar.xlsx", export.read_bytes())}
    )
    assert "Jaar van uitbuiting" in page.text
    form = _form_from_page(page.text)
    assert form["col:exploitation_year"] == "Jaar uitbuiting"
    form.update(
        {"token": token, "organisation": "police-nl", "reporter_type": "police"},
        **{"const:form": "labour"},
    )
    check = client.post(f"/jobs/{page.url.path.split('/')[2]}/mapping", data=form)
    job = check.url.path.split("/")[2]
    problems = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td>', check.text)
    assert problems == [("3", "Jaar uitbuiting")]  # D1's year, by their row and column
    assert "jaar na het jaar van de registratiedatum" in check.text and "2025" not in check.text
    preview = client.get(f"/jobs/{job}/preview")
    assert "exploitation_year" in preview.text and "geen identificatie" in preview.text
    sent = client.post(f"/jobs/{job}/submit", data={"token": token})
    assert "4 rows stored" in sent.text or "4 rijen" in sent.text
    t = Registration.__table__
    with hub.env.store.engine.connect() as conn:
        stored = dict(conn.execute(select(t.c.record_id, t.c.exploitation_year)).all())
    assert stored == {"J0": 2023, "J1": None, "J2": None, "J3": 2024}
