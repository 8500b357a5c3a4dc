"""The 7 requests/s limit per client IP, and the IP block that sustained abuse earns."""

from __future__ import annotations

import threading

from funnelkit.emulator.amocrm.hal import BLOCK_PAGE, TOO_MANY_PAGE, problem
from funnelkit.emulator.serving.clock import Clock, LeakyBucket
from funnelkit.emulator.serving.server import Response

RATE = 7.0  # amocrm.md §4: "not more than 7 requests per second"


def too_many(retry_after: int, html: bool = False) -> Response:
    """amocrm.md §4: the documented 429 JSON body, or nginx's HTML page (PHP SDK PR #517)."""
    if html:
        return Response(429, TOO_MANY_PAGE, {"Content-Type": "text/html"})
    return problem(
        429,
        "You have sent too many requests in a given amount of time. Please try again later.",
        retry_after=retry_after,
    )


def blocked() -> Response:
    """amocrm.md §4: a blocked IP gets 403 with an HTML body on every request."""
    return Response(403, BLOCK_PAGE, {"Content-Type": "text/html"})


class Guard:
    """Per-IP leaky buckets; `block_after` refusals in a row of abuse block the IP.

    unverified: the vendor names no threshold for the block ("repeatedly violated",
    §4); the count is a constructor knob, `None` disables blocking.
    """

    def __init__(self, clock: Clock, block_after: int | None, retry_after: int, html_429: bool):
        self.clock = clock
        self.block_after = block_after
        self.retry_after = retry_after
        self.html_429 = html_429
        self._buckets: dict[str, LeakyBucket] = {}
        self._violations: dict[str, int] = {}
        self.blocked: set[str] = set()
        self._lock = threading.Lock()

    def check(self, client: str) -> Response | None:
        """None when the request may proceed, else the refusal."""
        with self._lock:
            if client in self.blocked:
                return blocked()
            bucket = self._buckets.get(client)
            if bucket is None:
                bucket = self._buckets[client] = LeakyBucket(RATE, RATE, self.clock)
        if bucket.take():
            return None
        with self._lock:
            count = self._violations.get(client, 0) + 1
            self._violations[client] = count
            if self.block_after is not None and count >= self.block_after:
                self.blocked.add(client)
        return too_many(self.retry_after, self.html_429)

    def block(self, client: str) -> None:
        """Block an IP now (tests, and the CLI's fault switches)."""
        with self._lock:
            self.blocked.add(client)

    def unblock(self, client: str | None = None) -> None:
        """Lift a block: in real life, a support ticket (amocrm.md §4)."""
        with self._lock:
            if client is None:
                self.blocked.clear()
                self._violations.clear()
            else:
                self.blocked.discard(client)
                self._violations.pop(client, None)
