"""Hand a package to the hub over HTTP (``POST /api/v1/submissions``), from the reporter's side.

The package is zipped as it is on disk; nothing is re-encoded and no identifier is ever sent (a
package holds none). The API key is sent in the ``X-API-Key`` header, never in a URL.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import httpx

from zichtbaar.errors import IntakeError, PackageError
from zichtbaar.standard.package import DATA_FILE, ENCODING_FILE, MANIFEST_FILE

PACKAGE_FILES = (MANIFEST_FILE, ENCODING_FILE, DATA_FILE)


def zip_package(package_dir: Path) -> bytes:
    """The package's three files as a zip (the hub refuses anything else in it)."""
    missing = [f for f in PACKAGE_FILES if not (package_dir / f).is_file()]
    if missing:
        raise PackageError(f"not a package: missing {', '.join(missing)}")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in PACKAGE_FILES:
            zf.write(package_dir / name, f"{package_dir.name}/{name}")
    return buf.getvalue()


def submit_package(
    package_dir: Path,
    hub_url: str,
    api_key: str,
    client: httpx.Client | None = None,
    timeout: float = 300.0,
) -> dict[str, Any]:
    """Submit ``package_dir`` and return the hub's report (rows accepted, quarantined, why).

    Raises ``IntakeError`` with the hub's own explanation when it refuses the package.
    """
    body = zip_package(package_dir)
    own = client is None
    http = client or httpx.Client(base_url=hub_url, timeout=timeout)
    try:
        res = http.post(
            "/api/v1/submissions",
            headers={"X-API-Key": api_key},
            files={"package": (f"{package_dir.name}.zip", body, "application/zip")},
        )
    except httpx.HTTPError as err:
        raise IntakeError(f"the hub could not be reached: {type(err).__name__}") from None
    finally:
        if own:
            http.close()
    if res.status_code == 401:
        raise IntakeError("the hub refused the API key (missing, wrong or revoked)")
    if res.status_code >= 400:
        detail = (
            res.json().get("detail", res.text)
            if res.headers.get("content-type", "").startswith("application/json")
            else res.text
        )
        raise IntakeError(f"the hub refused the package ({res.status_code}): {detail}")
    report: dict[str, Any] = res.json()
    return report


def withdraw_record(
    hub_url: str,
    api_key: str,
    record_id: str,
    reason: str,
    client: httpx.Client | None = None,
    timeout: float = 60.0,
) -> dict[str, Any]:
    """Ask the hub to erase every version of one of the organisation's own registrations.

    Only the organisation's record id and the reason code are sent (``POST /api/v1/withdrawals``).
    """
    own = client is None
    http = client or httpx.Client(base_url=hub_url, timeout=timeout)
    try:
        res = http.post(
            "/api/v1/withdrawals",
            headers={"X-API-Key": api_key},
            json={"record_id": record_id, "reason": reason},
        )
    except httpx.HTTPError as err:
        raise IntakeError(f"the hub could not be reached: {type(err).__name__}") from None
    finally:
        if own:
            http.close()
    if res.status_code == 401:
        raise IntakeError("the hub refused the API key (missing, wrong or revoked)")
    if res.status_code >= 400:
        is_json = res.headers.get("content-type", "").startswith("application/json")
        detail = res.json().get("detail", "") if is_json else ""
        raise IntakeError(f"the hub refused the withdrawal ({res.status_code}): {detail}")
    answer: dict[str, Any] = res.json()
    return answer
