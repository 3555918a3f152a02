"""Hostile and broken exports get a clear message, and the app stays up."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.encode.exports import write_xlsx
from zichtbaar.reporter.app import create_reporter_app


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = create_reporter_app(
        tmp_path / "rep",
        "http://127.0.0.1:9",
        lang="en",
        allowed_hosts=("testserver",),
        max_upload_mb=2,
    )
    return TestClient(app)


def _token(client: TestClient) -> str:
    found = re.search(r'name="token" value="([^"]+)"', client.get("/").text)
    assert found
    return found[1]


def _upload(client: TestClient, name: str, data: bytes) -> str:
    res = client.post("/jobs", data={"token": _token(client)}, files={"export": (name, data)})
    assert res.status_code in (200, 422), res.status_code
    return res.text


def _zip_bomb() -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<row>" + b" " * 80_000_000 + b"</row>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("big.csv", b"a;b\n" + b"1;2\n" * 700_000, "larger than 2 MB"),
        ("bomb.xlsx", _zip_bomb(), "far more data than a sheet"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "binary data"),
        ("notes.docx", b"PK\x03\x04", "use an .xlsx or .csv export"),
        ("fake.xlsx", b"this is no workbook", "not an .xlsx workbook"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_refused_with_a_clear_message_and_the_app_stays_up(
    client: TestClient, name: str, data: bytes, message: str
) -> None:
    assert message in _upload(client, name, data)
    assert client.get("/").status_code == 200


def test_formulas_wrong_encoding_and_no_identifiers_are_handled(
    client: TestClient, tmp_path: Path
) -> None:
    # formula cells are read as their values (never executed, never echoed as formulas)
    xlsx = write_xlsx(
        tmp_path / "f.xlsx",
        ["Dossiernummer", "Datum aanmelding", "Soort uitbuiting", "Toestemming", "Aantal"],
        [
            ["D1", "01-02-2024", "Arbeid", "Ja", "=1+1"],
            ["D2", "02-02-2024", "Arbeid", "Nee", '=HYPERLINK("x")'],
        ],
    )
    page = _upload(client, "f.xlsx", xlsx.read_bytes())
    assert "HYPERLINK" not in page
    check = client.get(page_url(client)).text
    assert 'id="no-identifiers"' in check  # countable only: said so before anything is sent
    assert "2 rows go, 0 rows do not" in check
    assert "Aantal" not in check  # an unmapped column is not a problem
    # Windows-1252 with semicolons, as Excel saves "CSV (;)": read, names intact
    cp = "Dossiernummer;Datum aanmelding;Achternaam;Soort uitbuiting;Toestemming\r\n"
    cp += "D1;01-02-2024;Müller;Arbeid;Ja\r\n"
    page = _upload(client, "cp.csv", cp.encode("cp1252"))
    assert "Achternaam" in page
    assert client.get("/").status_code == 200


def page_url(client: TestClient) -> str:
    """The check page of the newest job."""
    jobs = sorted(
        (Path(p) for p in client.app.state.reporter.ws.root.glob("jobs/*")),  # type: ignore[attr-defined]
        key=lambda p: p.stat().st_mtime,
    )
    return f"/jobs/{jobs[-1].name}/check"


def test_a_large_export_shows_progress_until_the_package_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from zichtbaar.encode.keys import new_key, save_key
    from zichtbaar.reporter import preview

    app = create_reporter_app(
        tmp_path / "rep",
        "http://127.0.0.1:9",
        lang="en",
        allowed_hosts=("testserver",),
        background_rows=1,
    )
    client = TestClient(app)
    token = _token(client)
    key = save_key(new_key(), tmp_path / "k.key")
    client.post("/keys/linkage", data={"token": token}, files={"keyfile": ("k", key.read_bytes())})
    go = threading.Event()
    real = preview.build

    def held(*args: object) -> None:
        go.wait(30)
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(preview, "build", held)
    header = ["Dossiernummer", "Datum aanmelding", "Achternaam", "Soort uitbuiting", "Toestemming"]
    xlsx = write_xlsx(tmp_path / "e.xlsx", header, [["D1", "01-02-2024", "Smit", "Arbeid", "Ja"]])
    page = client.post(
        "/jobs", data={"token": token}, files={"export": ("e.xlsx", xlsx.read_bytes())}
    )
    form = {
        "token": token,
        "organisation": "fier",
        "reporter_type": "shelter_care",
        "col:record_id": "Dossiernummer",
        "col:registration_date": "Datum aanmelding",
        "col:surname": "Achternaam",
        "col:form": "Soort uitbuiting",
        "col:legal_basis": "Toestemming",
        "date:registration_date": "DMY",
    }
    job = page.url.path.split("/")[2]
    client.post(f"/jobs/{job}/mapping", data=form)
    first = client.get(f"/jobs/{job}/preview")
    assert '<meta http-equiv="refresh" content="2">' in first.text
    assert "Encoding: 0 of 1 rows done" in first.text
    go.set()
    for _ in range(300):
        done = client.get(f"/jobs/{job}/preview")
        if 'id="sha256"' in done.text:
            break
        threading.Event().wait(0.1)
    assert 'id="sha256"' in done.text and 'http-equiv="refresh"' not in done.text
