"""The reporter app in Chromium against a real hub: the whole path a data officer takes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.reporter.hub import Hub, running_hub
from tests.reporter.test_reporter_app import _export
from tests.web.threaded import serving
from zichtbaar.encode.keys import save_key
from zichtbaar.reporter.app import create_reporter_app
from zichtbaar.store.models import Registration

pytestmark = pytest.mark.integration


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Hub, str]]:
    with running_hub(tmp_path / "hub") as hub:
        app = create_reporter_app(tmp_path / "rep", hub.url, lang="nl")
        with serving(app, "the reporter app") as url:
            yield hub, url


def _stored(hub: Hub) -> int:
    with hub.env.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Registration)).scalar_one())


def _upload_and_check(page: Any, base: str, export: Path) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Exportbestand").set_input_files(str(export))
    page.get_by_role("button", name="Inlezen", exact=True).click()
    page.wait_for_url("**/mapping")


def test_export_to_hub_in_the_browser(served: tuple[Hub, str], page: Any, tmp_path: Path) -> None:
    hub, base = served
    keyfile = save_key(hub.key, tmp_path / "linkage.key")
    page.goto(f"{base}/")
    page.get_by_label("Sleutelbestand").set_input_files(str(keyfile))
    page.get_by_role("button", name="Sleutel inlezen").click()
    assert hub.key.key_id in page.locator("#key-status").inner_text()
    page.get_by_label("API-sleutel").fill(hub.api_key)
    page.get_by_role("button", name="Opslaan").click()
    assert "ingesteld" in page.locator("#api-status").inner_text()

    export, _, _ = _export(tmp_path)  # Dutch headers, dd-mm-jjjj, own labels, three bad rows
    _upload_and_check(page, base, export)
    # the suggestion, as the user sees it, then corrected
    assert page.locator("#col-given_names").input_value() == "Voornaam"
    assert page.locator("#col-date_of_birth").input_value() == "Geb.datum"
    assert page.locator("#date-date_of_birth").input_value() == "DMY"
    page.get_by_label("Organisatie-id").fill("police-nl")
    page.locator("#reporter_type").select_option("police")
    page.get_by_label("Tuinbouw").select_option("labour")  # a label no rule knows
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url("**/check")
    cells = page.locator("#problems tbody tr").all_inner_texts()
    rows = [tuple(c.split("\t")[:2]) for c in cells]
    assert rows == [("5", "Geb.datum"), ("7", "Datum aanmelding"), ("10", "Dossiernummer")]
    assert "28 rijen gaan mee, 2 rijen niet" in page.locator("#counts").inner_text()

    page.get_by_role("link", name="Verder: wat verlaat het gebouw?").click()
    page.wait_for_url("**/preview")
    assert page.locator("#row-count").inner_text() == "28"
    assert len(page.locator("#sha256").inner_text()) == 64
    with page.expect_download() as download:
        page.get_by_role("link", name="Ontvangstbewijs om te bewaren (HTML)").click()
    assert "wat verlaat het gebouw" in Path(download.value.path()).read_text("utf-8").lower()
    page.get_by_role("button", name="Versturen naar de hub").click()
    assert "28 rijen opgeslagen, 0 in quarantaine" in page.locator("#answer").inner_text()
    assert _stored(hub) == 28

    # next time: the same file again, the saved profile is reused, the hub sees a duplicate
    _upload_and_check(page, base, export)
    assert page.get_by_label("Organisatie-id").input_value() == "police-nl"
    page.get_by_role("button", name="Controleren").click()
    page.get_by_role("link", name="Verder: wat verlaat het gebouw?").click()
    page.get_by_role("button", name="Versturen naar de hub").click()
    assert page.locator("#duplicate").is_visible()
    assert _stored(hub) == 28
