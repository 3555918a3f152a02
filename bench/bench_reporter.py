"""The reporter app on a 100,000-row XLSX against ``zichtbaar encode`` on the same rows as CSV.

The issue's target: encoding through the app takes no more than 1.5x the command line. The app's
time is upload -> suggested mapping -> mapping saved -> check -> what leaves the building (the
package made), all through the app's own routes (TestClient, in this process); the command line's
is ``encode_file`` on the standard-form CSV of the same people. Both use the encoder's default
worker processes.

    uv run python bench/bench_reporter.py [ROWS]
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench_encode import make_people, tile, write_csv
from harness import Measurement, peak_rss_mb, write_results
from zichtbaar.encode.keys import new_key, save_key
from zichtbaar.encode.package import encode_file

DUTCH = {
    "record_id": "Dossiernummer",
    "registration_date": "Datum aanmelding",
    "given_names": "Voornaam",
    "surname": "Achternaam",
    "date_of_birth": "Geb.datum",
    "place_of_birth": "Geboorteplaats",
    "bsn": "BSN",
    "gender": "Geslacht",
    "nationality": "Nationaliteit",
    "form": "Soort uitbuiting",
    "legal_basis": "Grondslag",
}
FORM_NL = {
    "domestic_sexual": "Seksuele uitbuiting NL",
    "labour": "Arbeid",
    "criminal": "Criminele uitbuiting",
}


def write_xlsx(rows: list[dict[str, str]], path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(list(DUTCH.values()))
    for r in rows:
        day = r["date_of_birth"]
        y, m, d = day.split("-") if len(day.split("-")[0]) == 4 else day.split("-")[::-1]
        out = {**r, "date_of_birth": f"{d}-{m}-{y}", "registration_date": "01-06-2024"}
        out["gender"] = "V" if r["gender"] == "female" else "M"
        out["form"] = FORM_NL[r["form"]]
        ws.append([out[k] for k in DUTCH])
    wb.save(path)
    return path


def through_app(export: Path, home: Path, keyfile: Path) -> float:
    from fastapi.testclient import TestClient

    from zichtbaar.reporter.app import create_reporter_app

    client = TestClient(
        create_reporter_app(home, "http://127.0.0.1:9", allowed_hosts=("testserver",))
    )
    token = re.search(r'name="token" value="([^"]+)"', client.get("/").text)[1]  # type: ignore[index]
    client.post(
        "/keys/linkage", data={"token": token}, files={"keyfile": ("k", keyfile.read_bytes())}
    )
    t0 = time.perf_counter()
    page = client.post(
        "/jobs", data={"token": token}, files={"export": ("e.xlsx", export.read_bytes())}
    )
    job = page.url.path.split("/")[2]
    form: dict[str, str] = {
        "token": token,
        "organisation": "shelter-a",
        "reporter_type": "shelter_care",
    }
    for name, body in re.findall(
        r'<select id="[^"]*" name="([^"]+)">(.*?)</select>', page.text, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        form.setdefault(name, chosen[1] if chosen else "")
    for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text
    ):
        form[name] = value
    form["organisation"], form["reporter_type"] = "shelter-a", "shelter_care"
    client.post(f"/jobs/{job}/mapping", data=form)
    preview = client.get(f"/jobs/{job}/preview")
    elapsed = time.perf_counter() - t0
    assert preview.status_code == 200 and 'id="sha256"' in preview.text, preview.text[-2000:]
    return elapsed


def main(rows: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-reporter-"))
    try:
        people = tile(make_people(min(rows, 20_000)), rows)
        csv_path = write_csv(people, tmp / "people.csv")
        xlsx = write_xlsx(people, tmp / "export.xlsx")
        key = new_key()
        keyfile = save_key(key, tmp / "linkage.key")
        cli, app = [], []
        for i in range(1 if rows >= 50_000 else 2):  # one run at full size: a shared machine
            t0 = time.perf_counter()
            encode_file(
                csv_path, key, "shelter-a", "shelter_care", "registrations", tmp / f"cli{i}"
            )
            cli.append(time.perf_counter() - t0)
            app.append(through_app(xlsx, tmp / f"home{i}", keyfile))
        m_cli = Measurement("zichtbaar encode, CSV", cli, rows)
        m_app = Measurement("reporter app, XLSX (upload to package)", app, rows)
        ratio = m_app.median / m_cli.median
        write_results(
            "reporter",
            [m_cli, m_app],
            rows=rows,
            ratio=round(ratio, 2),
            target_ratio=1.5,
            xlsx_mb=round(xlsx.stat().st_size / 1e6, 1),
            peak_rss_mb=peak_rss_mb(),
        )
        print(f"app / cli = {ratio:.2f} (target <= 1.5)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
