"""The limits on a real server on loopback, measured: temporary disk, memory, concurrency.

Each hostile request below filled the hub's disk or memory before: an anonymous 3 GiB body was
spooled to disk before the 401, a 3.6 KB Parquet took the RSS up by gigabytes, four zip bombs
put 8-9 GiB into the temporary directory, 40 parallel wrong passwords got 7 checked against a
limit of 5, and a burst of logins answered 500.
"""

from __future__ import annotations

import select
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.web.factory import PASSWORD, zip_dir
from tests.web.hostile import bomb_package, zip_bomb
from tests.web.live import Hub, live_hub, peak_of
from zichtbaar.store import open_store, verify_audit

pytestmark = pytest.mark.slow
GIB = 1024**3
MB = 1024**2


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One server for the module (it takes 20 s to start on a loaded 2-core machine)."""
    with live_hub(
        tmp_path_factory.mktemp("hub"),
        users=4,
        ZICHTBAAR_MAX_UPLOAD_BYTES="64M",
        ZICHTBAAR_TEMP_BUDGET_BYTES="1G",
    ) as h:
        yield h


def _offer(
    hub: Hub, path: str, headers: dict[str, str], total: int, chunked: bool = False
) -> tuple[int, int]:
    """Send a body of ``total`` bytes (declared, or chunked) until the server answers; returns
    (status, bytes sent before the answer came)."""
    u = urlsplit(hub.url)
    sock = socket.create_connection((u.hostname or "127.0.0.1", u.port or 80))
    head = {
        "host": u.netloc,
        "content-type": "multipart/form-data; boundary=xyz",
        **({"transfer-encoding": "chunked"} if chunked else {"content-length": str(total)}),
        **headers,
    }
    sock.sendall(
        (
            f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n"
        ).encode()
    )
    part = (
        b'--xyz\r\nContent-Disposition: form-data; name="package"; filename="p.zip"\r\n'
        b"Content-Type: application/zip\r\n\r\n"
    )
    sent = 0
    try:
        while sent < total:
            if select.select([sock], [], [], 0)[0]:
                break
            block = part + b"x" * (MB - len(part)) if sent == 0 else b"x" * MB
            piece = f"{len(block):x}\r\n".encode() + block + b"\r\n" if chunked else block
            sock.sendall(piece)
            sent += len(block)
    except (BrokenPipeError, ConnectionResetError):
        pass
    sock.settimeout(30)
    reply = b""
    try:
        while b"\r\n" not in reply:
            got = sock.recv(4096)
            if not got:
                break
            reply += got
    except (ConnectionResetError, TimeoutError):
        pass
    sock.close()
    status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0
    return status, sent


def test_an_anonymous_gigabyte_costs_the_hub_no_disk(hub: Hub) -> None:
    with peak_of(hub.temp_bytes) as peak:
        api, api_sent = _offer(hub, "/api/v1/submissions", {}, GIB, chunked=True)
        page, _ = _offer(hub, "/reporter/upload", {}, GIB, chunked=True)
        declared, _ = _offer(hub, "/api/v1/submissions", {}, GIB)
    assert (api, page, declared) == (401, 303, 413)
    print(f"anonymous GiB: temp peak {peak[0]:,} B, sent before the answer {api_sent:,} B")
    assert peak[0] < 10 * MB, f"temporary disk grew by {peak[0]:,} bytes"
    assert api_sent < 64 * MB


def test_a_keyed_body_over_the_limit_is_cut_at_the_limit(hub: Hub) -> None:
    key = {"x-api-key": hub.key}
    with peak_of(hub.temp_bytes) as peak:
        declared, declared_sent = _offer(hub, "/api/v1/submissions", key, GIB)
        chunked, _ = _offer(hub, "/api/v1/submissions", key, GIB, chunked=True)
    assert (declared, chunked) == (413, 413)
    print(f"keyed GiB: temp peak {peak[0]:,} B, declared sent {declared_sent:,} B")
    assert declared_sent < 64 * MB
    assert peak[0] <= 64 * MB + MB, f"temporary disk peaked at {peak[0]:,} bytes"


def test_a_tiny_parquet_that_decodes_to_8_gib_costs_no_memory(hub: Hub, tmp_path: Path) -> None:
    package = zip_dir(bomb_package(tmp_path / "bomb"))
    before = hub.peak_rss()
    res = httpx.post(
        f"{hub.url}/api/v1/submissions",
        files={"package": ("p.zip", package)},
        headers={"X-API-Key": hub.key},
        timeout=120,
    )
    grew = hub.peak_rss() - before
    print(f"parquet bomb: {len(package):,} B zipped, peak RSS +{grew:,} B")
    assert res.status_code == 422 and "refused before decoding" in res.json()["detail"]
    assert grew < 100 * MB, f"peak RSS grew by {grew:,} bytes"


def test_four_concurrent_zip_bombs_stay_within_the_budget(hub: Hub) -> None:
    bomb = zip_bomb(512 * MB)
    codes: list[int] = []

    def send() -> None:
        res = httpx.post(
            f"{hub.url}/api/v1/submissions",
            files={"package": ("p.zip", bomb)},
            headers={"X-API-Key": hub.key},
            timeout=120,
        )
        codes.append(res.status_code)

    with peak_of(hub.temp_bytes) as peak:
        threads = [threading.Thread(target=send) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    print(f"zip bombs: {len(bomb):,} B each, temp peak {peak[0]:,} B")
    assert codes == [422] * 4
    assert peak[0] < 4 * len(bomb) + 10 * MB, f"temporary disk peaked at {peak[0]:,} bytes"


def _logins(hub: Hub, who: list[tuple[str, str]]) -> Counter[int]:
    """Everyone in ``who`` posts the login form at the same moment, each from its own browser."""
    barrier = threading.Barrier(len(who))
    codes: Counter[int] = Counter()
    lock = threading.Lock()

    def one(name: str, password: str) -> None:
        with httpx.Client(base_url=hub.url, timeout=120) as c:
            token = c.get("/login").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            barrier.wait()
            res = c.post(
                "/login", data={"username": name, "password": password, "csrf_token": token}
            )
            with lock:
                codes[res.status_code] += 1

    threads = [threading.Thread(target=one, args=w) for w in who]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def test_parallel_wrong_passwords_get_the_limit_and_no_more(hub: Hub) -> None:
    codes = _logins(hub, [("user1", "wrong password!")] * 40)
    print(f"40 parallel wrong passwords: {dict(codes)}")
    assert codes[401] <= 5 and codes[401] + codes[429] == 40, codes


def test_sixty_simultaneous_logins_give_no_500(hub: Hub) -> None:
    who = [(f"user{i % 4}", PASSWORD if i % 2 else "wrong password!") for i in range(60)]
    codes = _logins(hub, who)
    print(f"60 simultaneous logins: {dict(codes)}")
    assert codes[500] == 0 and sum(codes.values()) == 60, codes
    store = open_store(
        f"sqlite:///{hub.home / 'zichtbaar.sqlite'}", key_file=hub.home / "hub-key.json"
    )
    try:
        assert verify_audit(store).ok
    finally:
        store.close()
