"""A real ``zichtbaar serve`` on loopback with its own temporary directory, and gauges of what
it spends: the peak of its temporary disk (files it holds open there, deleted or not, and files
still named there) and its peak resident memory."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.faults.processes import hub_env, start_server, stop
from tests.intake.factory import KEY_ID, ORG, REPORTER_TYPE
from tests.web.factory import PASSWORD
from zichtbaar.store import add_organisation, add_user, new_api_key, open_store, register_key_id


@dataclass
class Hub:
    url: str
    pid: int
    tmp: Path
    key: str
    home: Path

    def temp_bytes(self) -> int:
        """Bytes the server holds in its temporary directory right now."""
        total, seen = 0, set[tuple[int, int]]()
        fd_dir = Path(f"/proc/{self.pid}/fd")
        for fd in list(fd_dir.iterdir()) if fd_dir.exists() else []:
            try:
                target = str(fd.readlink())
                if target.startswith(str(self.tmp)):
                    st = fd.stat()
                    seen.add((st.st_dev, st.st_ino))
                    total += st.st_size
            except OSError:
                continue
        for path in self.tmp.rglob("*"):
            try:
                st = path.stat()
            except OSError:
                continue
            if path.is_file() and (st.st_dev, st.st_ino) not in seen:
                total += st.st_size
        return total

    def peak_rss(self) -> int:
        """The server's high-water mark of resident memory (VmHWM), in bytes."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(found.group(1)) * 1024 if found else 0


@contextmanager
def live_hub(home: Path, users: int = 0, **settings: str) -> Iterator[Hub]:
    tmp = home / "server-tmp"
    tmp.mkdir(parents=True)
    store = open_store(f"sqlite:///{home / 'zichtbaar.sqlite'}", key_file=home / "hub-key.json")
    add_organisation(store, ORG, "Politie", REPORTER_TYPE, actor="test")
    register_key_id(store, KEY_ID, actor="test")
    add_user(store, "rep", PASSWORD, "reporter", ORG, actor="test")
    for i in range(users):
        add_user(store, f"user{i}", PASSWORD, "analyst", None, actor="test")
    _p, key = new_api_key(store, ORG, actor="test")
    store.close()
    env = hub_env(home, TMPDIR=str(tmp), ZICHTBAAR_SECURE_COOKIE="0", **settings)
    proc, url = start_server(env, home / "server.log")
    try:
        yield Hub(url, proc.pid, tmp, key, home)
    finally:
        stop(proc)


@contextmanager
def peak_of(probe: Callable[[], int], every: float = 0.01) -> Iterator[list[int]]:
    """Sample ``probe()`` in a thread while the block runs; the list holds the peak after."""
    peak = [0]
    done = threading.Event()

    def run() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], probe())
            done.wait(every)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    try:
        yield peak
    finally:
        done.set()
        t.join()
        peak[0] = max(peak[0], probe())
