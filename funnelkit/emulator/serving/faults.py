"""Deterministic fault injection for the reliability suite.

Spec (`--faults`): comma-separated `key=value`, e.g.
`rate=0.1,kinds=503+429+reset+slow+truncate,seed=7,slow=3,expire_after=40`.
`rate` is the share of requests that fail, `kinds` the faults drawn from (in
turn, by a seeded generator), `slow` the delay in seconds of a slow answer,
`expire_after` expires every token once, after that many requests, and
`skip` exempts paths containing that text (e.g. the OAuth endpoint).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

KINDS = ("503", "429", "reset", "slow", "truncate")
# Opt-in kinds, never drawn unless named: "403" is amoCRM's HTML page of an IP block.
EXTRA_KINDS = ("403",)


@dataclass
class FaultPlan:
    """Which requests fail and how; thread-safe and reproducible by seed."""

    rate: float = 0.0
    kinds: tuple[str, ...] = KINDS
    seed: int = 0
    slow_seconds: float = 3.0
    expire_after: int | None = None
    skip: tuple[str, ...] = ("/oauth",)
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)
    _served: int = field(init=False, default=0)
    injected: dict[str, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        unknown = set(self.kinds) - set(KINDS) - set(EXTRA_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {', '.join(sorted(unknown))}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")

    @classmethod
    def parse(cls, spec: str | None) -> FaultPlan:
        """Read a `--faults` spec; ValueError names the bad part."""
        if not spec:
            return cls()
        values: dict[str, str] = {}
        for part in spec.split(","):
            key, sep, value = part.partition("=")
            if not sep:
                raise ValueError(f"fault spec part {part!r} is not key=value")
            values[key.strip()] = value.strip()
        known = {"rate", "kinds", "seed", "slow", "expire_after", "skip"}
        if set(values) - known:
            raise ValueError(f"unknown fault keys: {', '.join(sorted(set(values) - known))}")
        return cls(
            rate=float(values.get("rate", "0")),
            kinds=tuple(values["kinds"].split("+")) if "kinds" in values else KINDS,
            seed=int(values.get("seed", "0")),
            slow_seconds=float(values.get("slow", "3")),
            expire_after=int(values["expire_after"]) if "expire_after" in values else None,
            skip=tuple(values["skip"].split("+")) if "skip" in values else ("/oauth",),
        )

    def draw(self, path: str) -> str | None:
        """The fault for this request, or None."""
        if any(s in path for s in self.skip):
            return None
        with self._lock:
            self._served += 1
            if self.expire_after is not None and self._served == self.expire_after:
                return self._note("expire")
            if self.rate and self._rng.random() < self.rate:
                return self._note(self._rng.choice(self.kinds))
        return None

    def _note(self, kind: str) -> str:
        self.injected[kind] = self.injected.get(kind, 0) + 1
        return kind

    def sleep_slow(self) -> None:
        """Hold a response back (the client's timeout should fire first)."""
        time.sleep(self.slow_seconds)
