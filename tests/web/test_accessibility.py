"""Accessibility basics on every page: language, landmarks, labelled controls, table headers."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

PAGES = [
    ("anonymous", "/login"),
    ("reporter", "/reporter"),
    ("analyst", "/analyst"),
    ("coordinator", "/coordinator"),
    ("admin", "/admin"),
]


class Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[str | None] = []
        self.label_for: set[str] = set()
        self.in_label = 0
        self.tags: list[str] = []
        self.ths_with_scope = 0
        self.ths = 0
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        if tag in {"input", "select", "textarea"} and a.get("type") != "hidden":
            self.controls.append(None if self.in_label else a.get("id") or "")
        if tag == "th":
            self.ths += 1
            self.ths_with_scope += "scope" in a

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1


@pytest.mark.parametrize(("role", "path"), PAGES)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_page_basics(clients: dict[str, TestClient], role: str, path: str, lang: str) -> None:
    res = clients[role].get(f"{path}?lang={lang}")
    assert res.status_code == 200
    audit = Audit()
    audit.feed(res.text)
    assert audit.html_lang == lang
    for landmark in ("header", "nav", "main", "h1"):
        assert landmark in audit.tags, landmark
    # Every visible form control has a label (wrapping it, or pointing at its id).
    for control in audit.controls:
        assert control is None or control in audit.label_for, control
    assert audit.ths == audit.ths_with_scope  # header cells say what they head
    assert 'class="skip"' in res.text  # keyboard users can skip the header
