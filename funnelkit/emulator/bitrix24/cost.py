"""The cost model: modelled server time per call and the per-method operating limit.

bitrix24.md §3: counting 2,387,743 rows took 49.9 s, a `start=-1` read 0.097 s,
so a counted list pays ~21 µs per matching row and a keyset page stays near
constant. §5.2: time spent per method and per webhook/app accumulates in ten
one-minute baskets; once the sum passes the limit (480 s in the docs' example)
the *next* call fails with 429 `OPERATION_TIME_LIMIT` until a basket expires.
§1.3: a request over 60 s of server time is cut off.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

PER_COUNTED_ROW = 49.9 / 2_387_743  # seconds per row counted (§3 measurement)
BASE_CALL = 0.01  # modelled overhead of any call (unverified; keeps keyset pages ~0.1 s)
PER_RETURNED_ROW = 0.0017  # 50 rows -> ~0.095 s, the §3 no-count timing
OPERATING_LIMIT = 480.0  # §5.2 worked example
BASKET = 60.0
BASKETS = 10
REQUEST_LIMIT = 60.0  # §1.3 "Request Execution Time Limit"


def modelled_seconds(counted: int, returned: int) -> float:
    """Server time of one call that counted and returned this many rows."""
    return BASE_CALL + counted * PER_COUNTED_ROW + returned * PER_RETURNED_ROW


@dataclass
class _Method:
    baskets: dict[int, float] = field(default_factory=dict)  # minute -> seconds
    first_at: dict[int, float] = field(default_factory=dict)  # minute -> first call time


@dataclass
class CostModel:
    """Operating-time accounting per (credential, method) plus benchmark counters."""

    limit: float = OPERATING_LIMIT
    server_seconds: float = 0.0
    requests: int = 0
    rows_counted: int = 0
    _methods: dict[tuple[str, str], _Method] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _live(self, key: tuple[str, str], now: float) -> _Method:
        method = self._methods.setdefault(key, _Method())
        oldest = int(now // BASKET) - BASKETS + 1
        for minute in [m for m in method.baskets if m < oldest]:
            del method.baskets[minute]
            method.first_at.pop(minute, None)
        return method

    def operating(self, key: tuple[str, str], now: float) -> float:
        """Seconds this method has used in the last ten baskets."""
        with self._lock:
            return sum(self._live(key, now).baskets.values())

    def blocked(self, key: tuple[str, str], now: float) -> bool:
        """Whether the limit was already passed: the check happens before the call (§5.2)."""
        return self.operating(key, now) > self.limit

    def charge(self, key: tuple[str, str], now: float, seconds: float) -> tuple[float, int]:
        """Book a finished call; returns (operating, operating_reset_at)."""
        with self._lock:
            method = self._live(key, now)
            minute = int(now // BASKET)
            method.baskets[minute] = method.baskets.get(minute, 0.0) + seconds
            method.first_at.setdefault(minute, now)
            oldest = min(method.first_at)
            # §2.2: reset_at is when the oldest basket drops out, 10 min after its first call.
            reset_at = int(method.first_at[oldest] + BASKET * BASKETS)
            return sum(method.baskets.values()), reset_at

    def count(self, seconds: float, rows: int) -> None:
        """Add to the counters a benchmark reads."""
        with self._lock:
            self.server_seconds += seconds
            self.rows_counted += rows

    def served(self) -> None:
        """One more HTTP request answered."""
        with self._lock:
            self.requests += 1
