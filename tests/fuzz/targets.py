"""Every entry point that takes outside input, as a fuzz target: a strategy and a check.

A target's check raises (AssertionError or any unexpected exception) only on a defect: a crash
with anything but the entry point's own refusal error, a 5xx, or a refusal that echoes input.
``tests/fuzz/test_fuzz.py`` runs each at the ``ci`` profile's scale; ``bench/bench_fuzz.py`` at the
``bench`` scale, counting cases and distinct failures per target.

Byte-level fuzzing mutates a valid seed file (flip, insert, delete, duplicate, truncate): random
bytes alone almost never get past a zip or Parquet header, a mutated valid file does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=24
) | st.sampled_from(
    ["", "NA", "0", "-1", "1e309", "nan", "2024-02-30", '"', ";", ",", "\n", "\x00"]
)


@dataclass(frozen=True)
class Target:
    """One entry point: ``strategy()`` draws an input, ``check(value, tmp)`` feeds it in."""

    name: str
    entry: str
    strategy: Callable[[], st.SearchStrategy[Any]]
    check: Callable[[Any, Path], None]
    weight: float = 1.0  # share of the profile's max_examples (heavy targets run fewer)


# --- byte-level mutation ------------------------------------------------------------------

_EDIT = st.tuples(
    st.sampled_from(["flip", "insert", "delete", "dup", "truncate", "zero"]),
    st.floats(0.0, 1.0),
    st.integers(0, 255),
)


def _apply(seed: bytes, edits: list[tuple[str, float, int]]) -> bytes:
    out = bytearray(seed)
    for op, where, byte in edits:
        i = min(int(where * len(out)), max(len(out) - 1, 0))
        if op == "flip" and out:
            out[i] ^= 1 << (byte % 8)
        elif op == "insert":
            out[i:i] = bytes([byte])
        elif op == "delete" and out:
            del out[i]
        elif op == "dup":
            out[i:i] = out[i : i + 1 + byte % 64]
        elif op == "truncate":
            del out[i:]
        elif op == "zero" and out:
            out[i : i + 1 + byte % 16] = bytes(len(out[i : i + 1 + byte % 16]))
    return bytes(out)


def mutated(seed: bytes) -> st.SearchStrategy[bytes]:
    """Seed bytes with 1-6 random edits."""
    return st.lists(_EDIT, min_size=1, max_size=6).map(lambda edits: _apply(seed, edits))


# --- seeds (built once per process, synthetic data only) ----------------------------------


@functools.cache
def _seed_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="zichtbaar-fuzz-seed-"))


@functools.cache
def package_zip() -> bytes:
    from tests.intake.factory import registrations, write_package
    from tests.web.factory import zip_dir

    return zip_dir(write_package(_seed_dir() / "pkg", registrations(3)))


@functools.cache
def package_parquet() -> bytes:
    package_zip()
    return (_seed_dir() / "pkg" / "data.parquet").read_bytes()


@functools.cache
def _people() -> pd.DataFrame:
    import sys

    sys.path.insert(0, str(ROOT))
    from tests.encode.people import people

    return pd.DataFrame(people(4))


@functools.cache
def people_csv() -> bytes:
    return _people().to_csv(index=False).encode()


@functools.cache
def people_xlsx() -> bytes:
    buf = io.BytesIO()
    _people().to_excel(buf, index=False)
    return buf.getvalue()


PATTERNS_CSV = (
    b"police,ngo,shelter,count\n1,0,0,40\n0,1,0,30\n0,0,1,25\n1,1,0,8\n1,0,1,6\n0,1,1,5\n1,1,1,2\n"
)


@functools.cache
def programme_yaml() -> str:
    return (ROOT / "src/zichtbaar/programme/seed/programme_2018.yaml").read_text()


@functools.cache
def programme_base() -> Any:
    from zichtbaar.programme.exchange import parse_yaml

    return parse_yaml(programme_yaml())


@functools.cache
def programme_csv() -> str:
    from zichtbaar.programme.exchange import dump_csv

    return dump_csv(programme_base())


# --- checks -------------------------------------------------------------------------------


def _no_echo(message: str, value: bytes | str) -> None:
    """A refusal names the place, never the input: no 8+ character run of the input in it."""
    text = value.decode("utf-8", "ignore") if isinstance(value, bytes) else value
    text = text.split("\n", 1)[1] if "\n" in text else ""  # the header names fields: allowed
    for token in text.replace(",", "\n").split():
        if len(token) >= 8 and token.isalpha():
            assert token not in message, "the error message echoes the input"


def check_package_zip(data: bytes, tmp: Path) -> None:
    from tests.intake.factory import ORG
    from zichtbaar.errors import PackageError
    from zichtbaar.intake.package import load_package
    from zichtbaar.web.upload import unpack_package

    (tmp / "u.zip").write_bytes(data)
    try:
        load_package(unpack_package(tmp / "u.zip", tmp / "out"), ORG)
    except PackageError as err:
        assert "Traceback" not in str(err)


def check_package_parquet(data: bytes, tmp: Path) -> None:
    import hashlib

    from tests.intake.factory import ORG, registrations, write_package
    from zichtbaar.errors import PackageError
    from zichtbaar.intake.package import load_package
    from zichtbaar.standard.package import compute_package_id

    pkg = write_package(tmp / "p", registrations(1), data_bytes=data)
    manifest = json.loads((pkg / "manifest.json").read_text())
    manifest["sha256"] = hashlib.sha256(data).hexdigest()  # past the checksum, into the reader
    manifest["package_id"] = compute_package_id(manifest)
    (pkg / "manifest.json").write_text(json.dumps(manifest))
    with contextlib.suppress(PackageError):
        load_package(pkg, ORG)


def _encode(path: Path, tmp: Path) -> None:
    from zichtbaar.encode.package import encode_file
    from zichtbaar.errors import EncodeError

    try:
        result = encode_file(
            path,
            _key(),
            "police-nl",
            "police",
            "registrations",
            tmp / "pkg",
            created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            today=dt.date(2025, 1, 1),
            workers=1,
        )
    except EncodeError as err:
        _no_echo(str(err), path.read_bytes())
        return
    assert result.rows_encoded + result.rows_rejected >= 0


@functools.cache
def _key() -> Any:
    from zichtbaar.encode.keys import new_key

    return new_key()


def check_encode_csv_bytes(data: bytes, tmp: Path) -> None:
    (tmp / "in.csv").write_bytes(data)
    _encode(tmp / "in.csv", tmp)


def check_encode_xlsx(data: bytes, tmp: Path) -> None:
    (tmp / "in.xlsx").write_bytes(data)
    _encode(tmp / "in.xlsx", tmp)


def _csv_text(header: list[str], rows: list[list[str]], sep: str) -> str:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def encode_rows() -> st.SearchStrategy[str]:
    cols = list(_people().columns)
    header = st.lists(st.sampled_from([*cols, "extra", ""]), min_size=1, max_size=len(cols) + 2)
    return st.builds(
        lambda h, n, cells, sep: _csv_text(
            h,
            [[cells[(r * len(h) + c) % len(cells)] for c in range(len(h))] for r in range(n)],
            sep,
        ),
        header,
        st.integers(0, 4),
        st.lists(TEXT, min_size=1, max_size=12),
        st.sampled_from([",", ";", "\t"]),
    )


def check_encode_rows(text: str, tmp: Path) -> None:
    (tmp / "in.csv").write_text(text, encoding="utf-8", errors="surrogatepass")
    _encode(tmp / "in.csv", tmp)


def _estimate_cli(path: Path, extra: list[str]) -> None:
    from typer.testing import CliRunner

    from zichtbaar.cli import app

    result = CliRunner().invoke(app, ["estimate", "--input", str(path), *extra])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.output


def check_estimate_bytes(data: bytes, tmp: Path) -> None:
    (tmp / "p.csv").write_bytes(data)
    _estimate_cli(tmp / "p.csv", [])


def pattern_tables() -> st.SearchStrategy[tuple[str, list[str]]]:
    cell = st.integers(-2, 60).map(str) | TEXT
    header = st.lists(
        st.sampled_from(["police", "ngo", "shelter", "count", "age_group", "minor_adult", "x"]),
        min_size=1,
        max_size=6,
    )
    table = st.builds(
        lambda h, rows: _csv_text(h, [r[: len(h)] + [""] * (len(h) - len(r)) for r in rows], ","),
        header,
        st.lists(st.lists(cell, min_size=1, max_size=6), max_size=10),
    )
    options = st.sampled_from(
        [[], ["--covariate", "minor_adult"], ["--lists", "police,ngo"], ["--json"]]
    )
    return st.tuples(table, options)


def check_estimate_table(value: tuple[str, list[str]], tmp: Path) -> None:
    text, options = value
    (tmp / "p.csv").write_text(text, encoding="utf-8", errors="surrogatepass")
    _estimate_cli(tmp / "p.csv", options)


def check_programme_yaml(text: str, tmp: Path) -> None:
    from zichtbaar.programme.exchange import ProgrammeFileError, parse_yaml

    try:
        parse_yaml(text)
    except ProgrammeFileError as err:
        assert err.problems


def check_programme_csv(text: str, tmp: Path) -> None:
    from zichtbaar.programme.exchange import ProgrammeFileError, parse_csv

    try:
        parse_csv(text, programme_base())
    except ProgrammeFileError as err:
        assert err.problems


def _text_mutated(seed: str) -> st.SearchStrategy[str]:
    return mutated(seed.encode()).map(lambda b: b.decode("utf-8", "replace"))


# --- the web app: upload form, page routes per role, the OpenAPI operations ---------------


@dataclass
class _Web:
    env: Any
    clients: dict[str, Any]
    api_key: str
    routes: list[tuple[str, str]]
    schema: Any


@functools.cache
def web() -> _Web:
    import schemathesis
    from fastapi.testclient import TestClient

    from tests.web.conftest import csrf
    from tests.web.factory import PASSWORD, USERS, make_env
    from zichtbaar.store import new_api_key

    env = make_env(Path(tempfile.mkdtemp(prefix="zichtbaar-fuzz-web-")))
    clients = {"anonymous": TestClient(env.app, raise_server_exceptions=False)}
    for role, (name, _org) in USERS.items():
        c = TestClient(env.app, raise_server_exceptions=False)
        csrf(c)
        res = c.post("/login", data={"username": name, "password": PASSWORD})
        assert res.status_code < 400
        csrf(c)  # form POSTs carry the session's CSRF token, as from the browser
        clients[role] = c
    routes = sorted(
        (m, path)
        for m, path in set(_walk(env.app.routes))
        if path not in ("/logout", "/login") and m not in ("HEAD", "OPTIONS")
    )
    _, key = new_api_key(env.store, USERS["reporter"][1] or "", actor="fuzz")
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", env.app)
    return _Web(env, clients, key, routes, schema)


def _walk(routes: Any) -> Any:
    """(method, path) of every route, into included routers (FastAPI wraps them)."""
    for r in routes:
        nested = getattr(r, "effective_candidates", None)
        if nested is not None:
            yield from _walk(nested() if callable(nested) else nested)
            continue
        path = getattr(r, "path", None)
        methods = getattr(r, "methods", None) or getattr(getattr(r, "route", None), "methods", None)
        if path and methods:
            yield from ((m, path) for m in methods)


def upload_form() -> st.SearchStrategy[tuple[bytes, str, str]]:
    return st.tuples(
        mutated(package_zip()) | st.binary(max_size=512),
        st.sampled_from(["p.zip", "p.csv", "", "../../x.zip", "p" * 300 + ".zip"]),
        st.sampled_from(["application/zip", "text/csv", "application/octet-stream", ""]),
    )


def check_upload_form(value: tuple[bytes, str, str], tmp: Path) -> None:
    data, filename, ctype = value
    c = web().clients["reporter"]
    res = c.post("/reporter/upload", files={"package": (filename, data, ctype)})
    assert res.status_code < 500, res.status_code


def page_requests() -> st.SearchStrategy[tuple[str, str, str, dict[str, str], dict[str, str]]]:
    w = web()
    params = st.dictionaries(
        st.sampled_from(["lang", "year", "table", "q", "page", "org", "status", "name", "id"]),
        TEXT,
        max_size=3,
    )
    segment = TEXT.filter(lambda t: not set(t) & set("/?#%"))
    return st.builds(
        lambda role, route, seg, query, form: (role, route[0], _fill(route[1], seg), query, form),
        st.sampled_from(sorted(w.clients)),
        st.sampled_from(w.routes),
        segment,
        params,
        params,
    )


def _fill(path: str, value: str) -> str:
    import re
    import urllib.parse

    return re.sub(r"\{[^}]+\}", urllib.parse.quote(value or "x", safe=""), path)


def check_page(value: tuple[str, str, str, dict[str, str], dict[str, str]], tmp: Path) -> None:
    role, method, path, query, form = value
    c = web().clients[role]
    res = c.request(method, path, params=query, data=form if method != "GET" else None)
    assert res.status_code < 500, (role, method, path, res.status_code)


def api_cases() -> st.SearchStrategy[tuple[Any, str]]:
    """Schemathesis cases for every operation in the spec, sent as a random role's session."""
    w = web()
    ops = [r.ok() for r in w.schema.get_all_operations()]
    return st.tuples(
        st.one_of(*[op.as_strategy() for op in ops]), st.sampled_from(sorted(w.clients))
    )


def check_api(value: tuple[Any, str], tmp: Path) -> None:
    from schemathesis.checks import not_a_server_error

    case, role = value
    w = web()
    response = case.call(
        headers={"X-API-Key": w.api_key}, cookies=dict(w.clients[role].cookies.items())
    )
    case.validate_response(response, checks=[not_a_server_error])


TARGETS: list[Target] = [
    Target(
        "package_zip",
        "package reader: mutated .zip",
        lambda: mutated(package_zip()),
        check_package_zip,
    ),
    Target(
        "package_parquet",
        "package reader: mutated data.parquet",
        lambda: mutated(package_parquet()),
        check_package_parquet,
    ),
    Target(
        "encode_csv_bytes",
        "zichtbaar encode: mutated CSV",
        lambda: mutated(people_csv()),
        check_encode_csv_bytes,
        0.5,
    ),
    Target(
        "encode_csv_rows", "zichtbaar encode: random CSV cells", encode_rows, check_encode_rows, 0.5
    ),
    Target(
        "encode_xlsx",
        "zichtbaar encode: mutated XLSX",
        lambda: mutated(people_xlsx()),
        check_encode_xlsx,
        0.3,
    ),
    Target(
        "estimate_bytes",
        "zichtbaar estimate --input: mutated pattern CSV",
        lambda: mutated(PATTERNS_CSV),
        check_estimate_bytes,
        0.5,
    ),
    Target(
        "estimate_table",
        "zichtbaar estimate --input: random tables",
        pattern_tables,
        check_estimate_table,
        0.5,
    ),
    Target(
        "programme_yaml",
        "programme YAML import: mutated seed",
        lambda: _text_mutated(programme_yaml()) | TEXT,
        check_programme_yaml,
    ),
    Target(
        "programme_csv",
        "programme CSV import: mutated export",
        lambda: _text_mutated(programme_csv()) | TEXT,
        check_programme_csv,
    ),
    Target("upload_form", "web: /reporter/upload form", upload_form, check_upload_form, 0.5),
    Target("pages", "web: every page route × role, random params", page_requests, check_page),
    Target("api", "web: every OpenAPI operation (schemathesis)", api_cases, check_api),
]


def workdir() -> Path:
    """A fresh scratch directory per case (removed by the caller)."""
    return Path(tempfile.mkdtemp(prefix="zichtbaar-fuzz-"))


def run_case(target: Target, value: Any) -> None:
    tmp = workdir()
    try:
        target.check(value, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class FuzzResult:
    target: str
    entry: str
    cases: int
    seconds: float
    failures: dict[str, int]  # "ExceptionType at file:line" → how many cases hit it
    first_traceback: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "entry": self.entry,
            "cases": self.cases,
            "seconds": round(self.seconds, 1),
            "failures": self.failures,
        }


def fuzz_count(target: Target, max_examples: int, seed: int = 0) -> FuzzResult:
    """Run ``target`` for ``max_examples`` cases without stopping at a failure; count both."""
    import time
    import traceback

    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    failures: dict[str, int] = {}
    tracebacks: dict[str, str] = {}
    cases = 0

    @hseed(seed)
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(value=st.deferred(target.strategy))
    def loop(value: Any) -> None:
        nonlocal cases
        cases += 1
        try:
            run_case(target, value)
        except Exception as exc:  # counted, not raised: one run finds every distinct failure
            frames = traceback.extract_tb(exc.__traceback__)
            ours = [f for f in frames if "/zichtbaar/" in f.filename] or frames
            frame = ours[-1]  # the last line of ours: where the fix goes
            where = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            failures[where] = failures.get(where, 0) + 1
            tracebacks.setdefault(where, traceback.format_exc())

    t0 = time.perf_counter()
    loop()
    return FuzzResult(
        target.name, target.entry, cases, time.perf_counter() - t0, failures, tracebacks
    )
