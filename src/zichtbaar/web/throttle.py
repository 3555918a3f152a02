"""Sliding-window limits: failed logins per account and per client, submissions per API key.

Written by hand (about thirty lines) rather than with slowapi: slowapi counts every request to a
decorated route, while login must count only *failures*, keyed on the posted username as well as
the client; and slowapi's storage is the ``limits`` package's, which would be a new dependency for
one deque per key. Counts live in this process: with several workers each enforces its own share,
which only makes the limit looser by that factor, never stricter.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most ``limit`` hits per key in any ``window`` seconds."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]  # keep memory bounded by the keys active in one window
            return deque()
        return hits

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 when it may now."""
        with self._lock:
            now = self._clock()
            hits = self._recent(key, now)
            if len(hits) < self.limit:
                return 0
            return max(1, math.ceil(hits[0] + self.window - now))

    def hit(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            self._recent(key, now)
            self._hits.setdefault(key, deque()).append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)
