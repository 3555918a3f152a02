"""A real hub (the web app on a fresh store) served by uvicorn on a free loopback port."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyarrow.parquet as pq

from tests.intake.factory import ORG
from tests.web.factory import WebEnv, make_env
from tests.web.threaded import serving
from zichtbaar.encode.keys import LinkageKey, new_key
from zichtbaar.store import new_api_key, register_key_id


@dataclass
class Hub:
    env: WebEnv
    url: str
    key: LinkageKey
    api_key: str
    requests: list[httpx.Request] = field(default_factory=list)

    def client(self) -> httpx.Client:
        """A client for the hub that keeps every request it sends, body included."""

        def keep(request: httpx.Request) -> None:
            request.read()
            self.requests.append(request)

        return httpx.Client(base_url=self.url, timeout=60, event_hooks={"request": [keep]})


@contextmanager
def running_hub(tmp: Path) -> Iterator[Hub]:
    env = make_env(tmp, with_releases=False)
    key = new_key()
    register_key_id(env.store, key.key_id, actor="test")
    _, api_key = new_api_key(env.store, ORG, actor="test")
    try:
        with serving(env.app, "the hub") as url:
            yield Hub(env, url, key, api_key)
    finally:
        env.store.close()


def sent_values(request: httpx.Request) -> tuple[bytes, list[str]]:
    """A request's raw bytes, and every cell of any package zipped inside it, as text."""
    body = request.content
    cells: list[str] = []
    start = body.find(b"PK\x03\x04")
    if start >= 0:
        end = body.rfind(b"\r\n--")
        with zipfile.ZipFile(io.BytesIO(body[start:end])) as zf:
            for name in zf.namelist():
                data = zf.read(name)
                body += data  # the inflated files count as sent too
                if name.endswith(".parquet"):
                    for col in pq.read_table(io.BytesIO(data)).to_pylist():
                        cells.extend(str(v) for v in col.values() if v is not None)
    head = str(request.url).encode() + b"".join(k + v for k, v in request.headers.raw)
    return head + body, cells
