"""Client-side pacing: a leaky bucket, and reading the vendor's own Retry-After advice."""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx


class ClientBucket:
    """Client-side leaky bucket: `burst` requests at once, then `rate` per second."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._clock = clock
        self._sleep = sleep
        self._level = 0.0
        self._at = clock()
        self._lock = threading.Lock()
        self.waited = 0.0

    def acquire(self) -> None:
        """Block until one more request fits in the bucket, then count it."""
        with self._lock:
            now = self._clock()
            self._level = max(0.0, self._level - (now - self._at) * self.rate)
            self._at = now
            excess = self._level + 1 - self.burst
            if excess > 0:
                delay = excess / self.rate
                self.waited += delay
                self._sleep(delay)
                self._level = max(0.0, self._level - delay * self.rate)
                self._at = self._clock()
            self._level += 1


def retry_after_seconds(response: httpx.Response, payload: Any) -> float | None:
    """Seconds the vendor asks us to wait: Retry-After header (seconds or date) or `retry_after`."""
    header = response.headers.get("Retry-After")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(header)
            if parsed is not None:
                return max(0.0, parsed.timestamp() - time.time())
    if isinstance(payload, dict):
        value = payload.get("retry_after")
        if isinstance(value, int | float):
            return max(0.0, float(value))
    return None
