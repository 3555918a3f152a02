"""The differential-privacy budget ledger: every epsilon spent on a run's data, refused when spent.

Noise protects only as long as the total spent on the same people stays bounded: releasing the
same run twice with fresh noise doubles the cost. So the budget belongs to the run (the data), and
every DP release charges it here before any noisy number is computed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zichtbaar.errors import BudgetExhaustedError, DisclosureError

LEDGER_FILE = "privacy-ledger.json"
_TOL = 1e-12


@dataclass(frozen=True)
class PrivacyLedger:
    """A JSON ledger beside the releases: per run a total budget and the charges against it."""

    path: Path

    @classmethod
    def beside(cls, releases_dir: Path) -> PrivacyLedger:
        return cls(releases_dir / LEDGER_FILE)

    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"runs": {}}
        data: dict[str, Any] = json.loads(self.path.read_text())
        return data

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".partial")
        tmp.write_text(json.dumps(data, indent=2) + "\n")
        tmp.rename(self.path)

    def budget(self, run_id: str) -> float | None:
        run = self._read()["runs"].get(run_id)
        return None if run is None else float(run["budget"])

    def spent(self, run_id: str) -> float:
        run = self._read()["runs"].get(run_id)
        return 0.0 if run is None else sum(float(c["epsilon"]) for c in run["charges"])

    def charge(self, run_id: str, release: str, epsilon: float, budget: float) -> float:
        """Record ``epsilon`` spent by ``release``; returns what is left.

        The first charge fixes the run's budget; a later, different budget is refused so that
        nobody can raise it by asking again.
        """
        if epsilon <= 0 or budget <= 0:
            raise DisclosureError("a privacy budget and its charges must be positive")
        data = self._read()
        run = data["runs"].setdefault(run_id, {"budget": budget, "charges": []})
        if abs(float(run["budget"]) - budget) > _TOL:
            raise DisclosureError(
                f"run '{run_id}' has a privacy budget already; it cannot be changed"
            )
        spent = sum(float(c["epsilon"]) for c in run["charges"])
        if spent + epsilon > budget + _TOL:
            raise BudgetExhaustedError(
                f"the privacy budget of run '{run_id}' is spent: {spent:g} of {budget:g} used, "
                f"release '{release}' asks {epsilon:g}"
            )
        run["charges"].append(
            {
                "release": release,
                "epsilon": epsilon,
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
        )
        self._write(data)
        return budget - spent - epsilon
