"""The web app in a real browser: log in per role, upload, filter, download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.intake.factory import registrations, write_package
from tests.integration.browser.conftest import ARTIFACTS
from tests.web.factory import PASSWORD, WebEnv, zip_dir

pytestmark = pytest.mark.integration

LANDING = {
    "rep": ("/reporter", "Aanleveren"),
    "ana": ("/analyst", "Dashboard"),
    "coo": ("/coordinator", "Releases"),
    "adm": ("/admin", "Beheer"),
}


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


@pytest.mark.parametrize("username", list(LANDING))
def test_each_role_logs_in_and_lands_on_its_page(
    live_env: tuple[WebEnv, str], page: Any, username: str
) -> None:
    _env, base = live_env
    _login(page, base, username)
    path, heading = LANDING[username]
    page.wait_for_url(f"{base}{path}")
    assert page.locator("h1").first.inner_text() == heading
    # Another role's page is refused.
    other = "/admin" if path != "/admin" else "/analyst"
    resp = page.goto(f"{base}{other}")
    assert resp is not None and resp.status == 403


def test_reporter_uploads_a_package_and_sees_row_errors(
    live_env: tuple[WebEnv, str], page: Any, tmp_path: Path
) -> None:
    _env, base = live_env
    rows = registrations(5, start=100)
    rows[2]["form"] = "not-a-form"
    pkg = tmp_path / "upload.zip"
    pkg.write_bytes(zip_dir(write_package(tmp_path / "pkg", rows)))
    _login(page, base, "rep")
    page.wait_for_url(f"{base}/reporter")
    page.get_by_label("Pakket (.zip)").set_input_files(str(pkg))
    page.get_by_role("button", name="Aanleveren").click()
    page.wait_for_url(f"{base}/reporter/submissions/*")
    table = page.locator("#row-errors")
    assert table.locator("tbody tr").count() == 1
    assert table.locator("tbody td").nth(0).inner_text() == "3"
    assert table.locator("tbody td").nth(1).inner_text() == "form"
    assert page.locator("#accepted").inner_text() == "4"


def test_analyst_filters_the_dashboard_and_downloads_the_report(
    live_env: tuple[WebEnv, str], page: Any
) -> None:
    _env, base = live_env
    _login(page, base, "ana")
    page.wait_for_url(f"{base}/analyst")
    rows = page.locator('table[data-table="victims_by_year_form"] tbody tr')
    assert rows.count() == 5
    page.get_by_role("link", name="English").click()  # the language switch in the header
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator('#filters input[name="year"][value="2020"]').check()
    page.locator('#filters input[name="form"][value="labour"]').check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**year=2020**")
    assert rows.count() == 1
    headers = page.locator('table[data-table="victims_by_year_form"] thead th').all_inner_texts()
    assert headers[1:] == ["Labour exploitation", "Total"]
    with page.expect_download() as info:
        page.locator("#download-pdf").click()
    download = info.value
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / download.suggested_filename
    download.save_as(str(target))
    assert target.read_bytes().startswith(b"%PDF")
