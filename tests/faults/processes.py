"""Real ``zichtbaar`` processes for the fault tests: start them, wait for them, kill them -9."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent / "zichtbaar"


def hub_env(home: Path, db_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "ZICHTBAAR_HOME": str(home),
        "ZICHTBAAR_HUB_KEY_FILE": str(home / "hub-key.json"),
    }
    env.pop("ZICHTBAAR_DATABASE_URL", None)
    if db_url is not None:
        env["ZICHTBAAR_DATABASE_URL"] = db_url
    return {**env, **extra}


def cli(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``zichtbaar serve`` on a free loopback port; returns the process and its URL once it listens."""
    port = free_port()
    with log.open("ab") as fh:
        proc = subprocess.Popen(
            [str(BIN), "serve", "--port", str(port)], env=env, stdout=fh, stderr=subprocess.STDOUT
        )
    wait_until(lambda: _listening(port) or proc.poll() is not None, timeout=120)
    if proc.poll() is not None:
        raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text()[-2000:]}")
    return proc, f"http://127.0.0.1:{port}"


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until(cond: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(step)
    return False


def kill9(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """SIGKILL: no handler, no cleanup, no flush, as in a power cut of the process."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill9(proc)
