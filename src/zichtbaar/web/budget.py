"""One budget of temporary disk for all uploads at once.

Each upload spools its body and unpacks its members into the temporary directory. Limits per
upload alone let four concurrent uploads under the cap fill 8-9 GiB; with one shared budget the
hub refuses the upload that would overspend it (503 + Retry-After) and never fills its disk.
Bytes are taken as they are written (the body as it arrives, each member as it is extracted) and
given back together when the request is over.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

DEFAULT_TEMP_BUDGET_BYTES = 4 * 1024**3
"""4 GiB: two of the largest uploads (1 GiB body + about as much unpacked) at the same time."""


class TempBudgetSpentError(Exception):
    """The shared temporary-disk budget cannot cover this upload now (answered 503)."""


class TempBudget:
    """Bytes of temporary disk that uploads may hold at once (thread-safe)."""

    def __init__(self, total: int = DEFAULT_TEMP_BUDGET_BYTES) -> None:
        self.total = total
        self._used = 0
        self._lock = threading.Lock()

    @property
    def used(self) -> int:
        return self._used

    def _take(self, n: int) -> None:
        with self._lock:
            if self._used + n > self.total:
                raise TempBudgetSpentError
            self._used += n

    def _give(self, n: int) -> None:
        with self._lock:
            self._used -= n

    @contextmanager
    def lease(self) -> Iterator[Lease]:
        """A request's share; everything it took is given back when the block ends."""
        lease = Lease(self)
        try:
            yield lease
        finally:
            self._give(lease.held)
            lease.held = 0


class Lease:
    """What one request holds of the budget."""

    def __init__(self, budget: TempBudget) -> None:
        self.budget = budget
        self.held = 0

    def take(self, n: int) -> None:
        """Take ``n`` more bytes, or raise ``TempBudgetSpentError`` (nothing taken then)."""
        if n <= 0:
            return
        self.budget._take(n)
        self.held += n


current_lease: ContextVar[Lease | None] = ContextVar("current_lease", default=None)
"""The running request's lease (set by the middleware), for the code that unpacks its upload."""
