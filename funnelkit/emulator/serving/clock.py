"""The emulator's clock: real, scaled, or purely simulated.

Rate limits and the Bitrix24 cost model run on this clock, so a benchmark can
run the bucket 20x faster for every client alike (`--time-scale 20`), or account
server time without waiting for it (simulated: time advances only when the
emulator charges it).
"""

from __future__ import annotations

import threading
import time


class Clock:
    """Seconds on the emulator's timeline."""

    def __init__(self, scale: float = 1.0, simulated: bool = False, start: float | None = None):
        if scale <= 0:
            raise ValueError("time scale must be positive")
        self.scale = scale
        self.simulated = simulated
        self._origin_real = time.monotonic()
        self._origin = time.time() if start is None else start
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Current emulator time, epoch seconds."""
        with self._lock:
            if self.simulated:
                return self._origin + self._offset
            elapsed = (time.monotonic() - self._origin_real) * self.scale
            return self._origin + elapsed + self._offset

    def advance(self, seconds: float) -> None:
        """Move time forward (simulated server time, or a test skipping ahead)."""
        with self._lock:
            self._offset += seconds


class LeakyBucket:
    """A bucket that drains `rate` requests per second and holds `capacity`.

    Bitrix24 (notes §5.1): 2/s, 50; amoCRM (§4): 7/s. `take` answers whether the
    request fits; when it does not, the vendor refuses and the bucket is unchanged.
    """

    def __init__(self, rate: float, capacity: float, clock: Clock) -> None:
        self.rate = rate
        self.capacity = capacity
        self.clock = clock
        self._level = 0.0
        self._at = clock.now()
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Admit one request, or refuse it."""
        with self._lock:
            now = self.clock.now()
            self._level = max(0.0, self._level - (now - self._at) * self.rate)
            self._at = now
            if self._level + 1 > self.capacity:
                return False
            self._level += 1
            return True
