"""Programme monitoring end to end in Chromium: seed loaded, status changed by a coordinator."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.factory import PASSWORD, WebEnv
from zichtbaar.programme import SEED, history, parse_yaml, programme_ids, save_programme

pytestmark = pytest.mark.integration


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_coordinator_changes_a_status_and_sees_the_history(
    live_env: tuple[WebEnv, str], page: Any
) -> None:
    env, base = live_env
    with env.store.engine.begin() as conn:
        if not programme_ids(conn):
            save_programme(conn, parse_yaml(SEED.read_text(encoding="utf-8")), "test")
    _login(page, base, "coo")
    page.get_by_role("link", name="Programma").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Programma")
    page.locator("#timeline").get_by_role("link", name="AL1-06").click()
    assert "Vertraagd" in page.locator("#current-status").inner_text()
    page.get_by_label("Nieuwe status").select_option("implemented")
    page.get_by_label("Reden").fill("alle eerstelijns agenten getraind")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url("**/coordinator/programme/measure/AL1-06?saved=1")
    assert page.get_by_role("status").inner_text() == "Status opgeslagen."
    assert page.locator("#current-status").inner_text() == "Uitgevoerd"
    rows = page.locator("#history tbody tr")
    assert rows.count() == 2
    assert "alle eerstelijns agenten getraind" in rows.nth(1).inner_text()
    assert "web:coo" in rows.nth(1).inner_text()
    with env.store.engine.connect() as conn:
        assert [h.reason for h in history(conn, "AL1-06")][
            -1
        ] == "alle eerstelijns agenten getraind"
