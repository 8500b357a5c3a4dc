"""Bitrix24 REST calls: method URLs, JSON bodies, `batch`, OAuth refresh, `operating` watch."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from funnelkit.connectors.bitrix24.auth import OAuthAuth, WebhookAuth
from funnelkit.connectors.bitrix24.envelope import (
    ExpiredToken,
    OperationTimeLimit,
    batch_body,
    envelope,
    error_of,
    missing_commands,
    to_error,
)
from funnelkit.connectors.http import ApiClient

MAX_BATCH = 50  # §4: more commands fail with ERROR_BATCH_LENGTH_EXCEEDED
PAGE = 50  # §3: list pages are always 50 rows
OPERATING_LIMIT = 480.0  # §5.2: the docs' worked example of the cloud limit (seconds per 10 min)
OPERATING_SOFT = 0.8  # slow a method down once it used this share of the limit
BLOCK_FALLBACK = 60.0  # no reset time known: look again after a minute (a basket is 1 min, §5.2)


def php_query(params: Mapping[str, Any], prefix: str = "") -> list[str]:
    """PHP-style `key[sub]=value` pairs for a batch command (§1.3, §4).

    `$result[...]` references stay unencoded so the server can substitute them.
    """
    pairs: list[str] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            pairs.extend(php_query(value, name))
        elif isinstance(value, list | tuple):
            pairs.extend(php_query({str(i): v for i, v in enumerate(value)}, name))
        else:
            text = "" if value is None else str(value)
            if isinstance(value, bool):
                text = "Y" if value else "N"
            encoded = text if text.startswith("$result[") else quote(text, safe="")
            pairs.append(f"{quote(name, safe='[]')}={encoded}")
    return pairs


def command(method: str, params: Mapping[str, Any]) -> str:
    """One batch command string: `method?a=1&b[c]=2`."""
    return f"{method}?{'&'.join(php_query(params))}"


@dataclass
class BatchResult:
    """The pieces of a batch answer (§4), keyed by command name; errors kept as envelopes."""

    result: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    times: dict[str, dict[str, Any]] = field(default_factory=dict)


def _as_map(value: Any, names: list[str]) -> dict[str, Any]:
    """A batch sub-map: `[]` when empty, a list when the keys were "0".."n-1" (§4, B.9)."""
    if isinstance(value, dict):
        return value
    return {names[i] if i < len(names) else str(i): v for i, v in enumerate(value)}


class Bitrix24Client:
    """Calls one portal; every method goes through `call` or `batch`."""

    def __init__(
        self,
        api: ApiClient,
        auth: WebhookAuth | OAuthAuth,
        *,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api = api
        self.auth = auth
        self.wall = wall
        self.sleep = sleep
        self.blocked: dict[str, float] = {}
        self._refresh_lock = threading.Lock()
        self._clock_ref: tuple[float, float] | None = None  # (first server start, local wall)
        self.server_time: float | None = None  # `time.start` of the latest answer (§2.2)
        self.operating: dict[str, tuple[float, float | None]] = {}
        for secret in auth.secrets():
            api.add_secret(secret)

    def call(self, method: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """One method call; the full envelope (`result`, `total`, `time`, …)."""
        self._wait_if_blocked(method)
        sent = self.auth.params()
        try:
            payload = self._post(method, {**(params or {}), **sent})
        except ExpiredToken:
            if not self.auth.can_refresh():
                raise
            # §17.11: serialise refreshes; a chain that lost the race reuses the new token.
            with self._refresh_lock:
                if self.auth.params() == sent:
                    self.auth.refresh(self.api)
            payload = self._post(method, {**(params or {}), **self.auth.params()})
        except OperationTimeLimit as exc:
            raise self._blocked_error(method, exc) from None
        checked = envelope(method, payload)
        self._watch(method, checked.get("time"))
        return checked

    def _post(self, method: str, body: dict[str, Any]) -> Any:
        headers = {"Accept": "application/json", "User-Agent": "funnelkit/0.1"}
        return self.api.call(method, self.auth.url(method), json=body, headers=headers)

    def batch(self, commands: Mapping[str, str], *, halt: bool = False) -> BatchResult:
        """Run up to 50 commands in one request; sub-errors are returned, not raised."""
        if len(commands) > MAX_BATCH:
            raise ValueError(f"a batch holds at most {MAX_BATCH} commands")
        names = list(commands)
        payload = self.call("batch", {"halt": 1 if halt else 0, "cmd": dict(commands)})
        inner = batch_body(payload)
        out = BatchResult(
            result=_as_map(inner.result, names),
            total={k: int(v) for k, v in _as_map(inner.result_total, names).items()},
            times=_as_map(inner.result_time, names),
        )
        for name, failed in _as_map(inner.result_error, names).items():
            found = error_of(failed) if isinstance(failed, dict) else None
            out.errors[name] = found or ("", str(failed))
        absent = missing_commands(commands, set(out.result) | set(out.errors), set(out.errors))
        if absent is not None:
            raise self.api.scrub(absent)
        for name, block in out.times.items():
            self._watch(_method_of(commands.get(name, "")), block)
        return out

    def raise_for(self, batch: BatchResult, name: str, method: str) -> None:
        """Raise the mapped error of one failed batch command (OPERATION_TIME_LIMIT blocks)."""
        code, description = batch.errors[name]
        error = to_error(method, code, description, None)
        if isinstance(error, OperationTimeLimit):
            raise self._blocked_error(method, error)
        raise self.api.scrub(error)

    # -- §5.2: per-method operating time ------------------------------------------------

    def _watch(self, method: str, block: Any) -> None:
        if not isinstance(block, dict):
            return
        start = block.get("start")
        if isinstance(start, int | float):
            self.server_time = float(start)
            self._clock_ref = self._clock_ref or (float(start), self.wall())
        try:
            operating = float(block["operating"] or 0.0)
        except (KeyError, TypeError, ValueError):
            return
        reset = block.get("operating_reset_at")
        # Kept as "seconds from now" by the server's own clock, so a skewed local clock
        # cannot stretch or skip the pause (§2.2: reset_at is a server unix time).
        wait: float | None = None
        if isinstance(reset, int | float) and isinstance(start, int | float):
            wait = max(0.0, float(reset) - float(start)) / self._clock_rate(float(start))
        key = method.lower()
        self.operating[key] = (operating, None if wait is None else self.wall() + wait)
        if operating >= OPERATING_LIMIT * OPERATING_SOFT:
            # Pause this method before the portal blocks it; other entities go on meanwhile.
            self.blocked[key] = self.wall() + (BLOCK_FALLBACK if wait is None else wait)

    def _clock_rate(self, start: float) -> float:
        """Server seconds per local second, so a pause lasts until the *server's* reset time.

        A real portal's clock runs at 1 (skew aside); a test portal on a scaled clock runs faster,
        and its `operating_reset_at` comes round sooner in local time. Never below 1.
        """
        if self._clock_ref is None:
            return 1.0
        first, at = self._clock_ref
        local = self.wall() - at
        if local < 1.0:
            return 1.0
        return min(1000.0, max(1.0, (start - first) / local))

    def pause(self, method: str) -> float:
        """Mark a method the portal refused with OPERATION_TIME_LIMIT; returns when it may go on."""
        seen = self.operating.get(method.lower(), (0.0, None))[1]
        until = seen if seen and seen > self.wall() else self.wall() + BLOCK_FALLBACK
        self.blocked[method.lower()] = until
        return until

    def _blocked_error(self, method: str, exc: OperationTimeLimit) -> OperationTimeLimit:
        until = self.pause(method)
        return OperationTimeLimit(exc.message, exc.hint, method=method, reset_at=until)

    def blocked_until(self, method: str) -> float | None:
        """When a paused method may be called again (None: not paused)."""
        key = method.lower()
        until = self.blocked.get(key)
        if until is None or until <= self.wall():
            self.blocked.pop(key, None)
            return None
        return until

    def _wait_if_blocked(self, method: str) -> None:
        if method == "batch":
            return
        until = self.blocked_until(method)
        if until is not None:
            self.sleep(until - self.wall())
            self.blocked.pop(method.lower(), None)


def _method_of(cmd: str) -> str:
    return cmd.split("?", 1)[0].strip().lower()
