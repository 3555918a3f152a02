from __future__ import annotations

from pathlib import Path

import pytest

REF = Path(__file__).resolve().parents[1] / "reference"


@pytest.fixture
def ref() -> Path:
    return REF
