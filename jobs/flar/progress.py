"""Throttled progress and cancellation callbacks for long flar operations.

A Celery job records progress in the database, so calling back per file (tens
of thousands of times a second) would cost more than the archiving.  The
throttle calls back at most every ``every_seconds`` or ``every_bytes``,
whichever comes first, and asks the cancel callback at the same moments.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .errors import FlarCancelled

ProgressCallback = Callable[[int, int | None, str], None]
CancelCallback = Callable[[], bool]

DEFAULT_EVERY_BYTES = 64 << 20
DEFAULT_EVERY_SECONDS = 0.5


class Throttle:
    def __init__(
        self,
        on_progress: ProgressCallback | None,
        cancel: CancelCallback | None,
        *,
        total: int | None = None,
        path: str = "",
        every_bytes: int = DEFAULT_EVERY_BYTES,
        every_seconds: float = DEFAULT_EVERY_SECONDS,
    ) -> None:
        self._on_progress = on_progress
        self._cancel = cancel
        self.total = total
        self._path = path
        self._every_bytes = every_bytes
        self._every_seconds = every_seconds
        # The first tick fires at once: the job sees 0% early and a cancel issued before
        # the work began is honoured without waiting for the first interval.
        self._next_bytes = 0
        self._next_time = time.monotonic()
        self.active = on_progress is not None or cancel is not None

    def tick(self, done: int, current: str | bytes) -> None:
        """Cheap enough to call per entry; fires only when a threshold has passed."""
        if not self.active:
            return
        if done < self._next_bytes and time.monotonic() < self._next_time:
            return
        self.fire(done, current)

    def report(self, done: int, current: str | bytes) -> None:
        """A progress call without the cancel check (for the final 100%)."""
        if self._on_progress is not None:
            name = current.decode("utf-8", "replace") if isinstance(current, bytes) else current
            self._on_progress(done, self.total, name)

    def fire(self, done: int, current: str | bytes) -> None:
        self._next_bytes = done + self._every_bytes
        self._next_time = time.monotonic() + self._every_seconds
        self.report(done, current)
        if self._cancel is not None and self._cancel():
            raise FlarCancelled("cancelled by request", self._path)
