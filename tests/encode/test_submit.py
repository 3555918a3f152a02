"""`zichtbaar submit` against the real hub app (ASGI in process): packages in, reports out."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.encode.people import people, write_csv
from tests.web.factory import ORG, REPORTER_TYPE, make_env
from zichtbaar.cli import app as cli_app
from zichtbaar.encode.keys import new_key
from zichtbaar.encode.package import encode_file
from zichtbaar.encode.submit import submit_package, zip_package
from zichtbaar.errors import IntakeError, PackageError
from zichtbaar.store import new_api_key, register_key_id


@pytest.fixture
def hub(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = make_env(tmp_path / "hub", with_releases=False)
    yield env
    env.store.close()


def _package(tmp_path: Path, n: int = 50) -> tuple[Path, str]:
    rows = people(n, seed=4)
    key = new_key()
    src = write_csv(rows, tmp_path / "in.csv")
    result = encode_file(src, key, ORG, REPORTER_TYPE, "registrations", tmp_path / "pkg")
    return result.package_dir, key.key_id


def test_submit_stores_rows_and_is_idempotent(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pkg, key_id = _package(tmp_path)
    register_key_id(hub.store, key_id, actor="test")
    _, api_key = new_api_key(hub.store, ORG, actor="test")
    with TestClient(hub.app) as client:
        first = submit_package(pkg, "http://hub", api_key, client=client)
        again = submit_package(pkg, "http://hub", api_key, client=client)
    assert first["accepted"] == 50 and first["quarantined"] == 0 and not first["duplicate"]
    assert again["duplicate"] and again["submission_id"] == first["submission_id"]


def test_submit_refusals_are_explained(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pkg, key_id = _package(tmp_path)
    _, api_key = new_api_key(hub.store, ORG, actor="test")
    with TestClient(hub.app) as client:
        with pytest.raises(IntakeError, match="API key"):
            submit_package(pkg, "http://hub", "zk_wrong.key", client=client)
        with pytest.raises(IntakeError, match="refused the package") as err:
            submit_package(pkg, "http://hub", api_key, client=client)  # key id not registered
    assert key_id not in str(err.value)


def test_zip_holds_exactly_the_package_files(tmp_path: Path) -> None:
    pkg, _ = _package(tmp_path, n=5)
    names = zipfile.ZipFile(BytesIO(zip_package(pkg))).namelist()
    assert sorted(n.split("/")[-1] for n in names) == [
        "data.parquet",
        "encoding.json",
        "manifest.json",
    ]
    with pytest.raises(PackageError, match="not a package"):
        zip_package(tmp_path)


def test_cli_needs_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZICHTBAAR_API_KEY", raising=False)
    res = CliRunner().invoke(cli_app, ["submit", str(tmp_path)])
    assert res.exit_code != 0 and "ZICHTBAAR_API_KEY" in res.output
