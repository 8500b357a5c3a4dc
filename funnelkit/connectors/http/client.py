"""`ApiClient`: the one door every vendor request goes through.

`ApiClient.call` sends one vendor request through an injected `httpx.Client`. It waits for
the client-side leaky bucket, retries transient failures with tenacity's exponential
backoff plus jitter, honours Retry-After, and turns every failure into a `ConnectorError`
that names the vendor method and never carries a secret. How long it keeps trying depends
on what went wrong (the retry table of interface.md):

    connection refused, DNS, TLS        2 quick retries, exit within 15 s, with a hint
    a non-JSON 200 page, wrong shape    no retry (not a REST endpoint / not this vendor)
    malformed or cut-off JSON, reset    3 quick retries, within 30 s
    429, 503, vendor rate limits, 5xx   within `max_retry_seconds`, each wait on stderr

A wrong URL must fail in seconds, not after the overload budget of minutes.
"""

from __future__ import annotations

import logging
import random
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception,
)

from funnelkit.connectors.http.failures import (
    CONNECT,
    GARBLED,
    OVERLOAD,
    QUICK,
    QUICK_WAIT_MAX,
    Transient,
    connect_hint,
    is_write,
)
from funnelkit.connectors.http.replies import NO_BODY, check_status, parse
from funnelkit.connectors.pacing import ClientBucket
from funnelkit.connectors.redact import guard_loggers, redact
from funnelkit.errors import ConnectorError, RateLimitError

log = logging.getLogger("funnelkit.connectors.http")

CONNECT_TIMEOUT = 4.0  # a black-holed address fails within the 15 s of the table too


def connect_timeout(timeout: float) -> httpx.Timeout:
    """The portal's request timeout, with a short connect phase (TCP and TLS handshake)."""
    return httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT))


def _announce(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


Checker = Callable[[str, httpx.Response, Any], None]
"""A vendor's look at (method, response, payload): raise Transient or a ConnectorError, or pass."""


class ApiClient:
    """One portal's HTTP session: every vendor call goes through `call`."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        vendor: str,
        rate: float,
        burst: int,
        max_retry_seconds: float,
        secrets: Iterable[str] = (),
        check: Checker | None = None,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        announce: Callable[[str], None] = _announce,
    ) -> None:
        self.client = client
        self.announce = announce
        self.vendor = vendor
        self.bucket = ClientBucket(rate, burst, clock=clock, sleep=sleep)
        self.max_retry_seconds = max_retry_seconds
        self.check = check
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self._sleep = sleep
        self._secrets: set[str] = {s for s in secrets if s}
        guard_loggers(self._secrets)
        self.requests = 0
        self.retries = 0
        self._count_lock = threading.Lock()

    def add_secret(self, secret: str | None) -> None:
        """Remember one more secret to scrub (e.g. a freshly refreshed token)."""
        if secret:
            self._secrets.add(secret)
            guard_loggers([secret])

    def redact(self, text: str) -> str:
        """Text safe to show: known secrets and secret-shaped fragments masked."""
        return redact(text, self._secrets)

    def call(
        self,
        method: str,
        url: str,
        *,
        http_method: str = "POST",
        json: Any = None,
        data: Any = None,
        params: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Send one request (retrying transient failures) and return the parsed JSON payload.

        A write is repeated only when the portal surely did not carry it out (refused by
        its limiter, connection never made); a lost reply would otherwise duplicate it.
        """
        write = is_write(method, http_method)

        def worth_retrying(exc: BaseException) -> bool:
            return isinstance(exc, Transient) and not (write and exc.ambiguous)

        retrying = Retrying(
            retry=retry_if_exception(worth_retrying),
            stop=self._stop,
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=self._note_retry(method),
        )
        try:
            return retrying(self._once, method, url, http_method, json, data, params, headers or {})
        except RetryError as exc:
            raise self._exhausted(method, exc) from None
        except Transient as exc:
            raise ConnectorError(
                f"{self.vendor} {method}: no reply ({self.redact(exc.reason)}); the portal may "
                "or may not have made this change",
                "funnelkit never repeats a change it cannot confirm: re-run the command; it "
                "re-reads the portal and continues without duplicating anything",
                method=method,
            ) from None

    def _stop(self, state: RetryCallState) -> bool:
        """Give up: quick kinds after their few retries or seconds, overload at the budget."""
        exc = state.outcome.exception() if state.outcome else None
        kind = exc.kind if isinstance(exc, Transient) else OVERLOAD
        upcoming = state.upcoming_sleep or 0.0
        elapsed = state.seconds_since_start or 0.0
        if kind in QUICK:
            retries, seconds = QUICK[kind]
            limit = min(seconds, self.max_retry_seconds)
            return state.attempt_number > retries or elapsed + upcoming >= limit
        return elapsed + upcoming >= self.max_retry_seconds

    def _wait(self, state: RetryCallState) -> float:
        # Exponential backoff with full jitter; written out because tenacity renamed the
        # parameters of wait_exponential_jitter between 8.x and 9.x.
        exponent = min(state.attempt_number - 1, 30)
        backoff = min(self.backoff_max, self.backoff_initial * 2**exponent)
        backoff += random.uniform(0, self.backoff_initial)
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Transient) and exc.kind in QUICK:
            return float(min(backoff, QUICK_WAIT_MAX))
        if isinstance(exc, Transient) and exc.retry_after is not None:
            return max(exc.retry_after, self.backoff_initial / 10)
        return float(backoff)

    def _note_retry(self, method: str) -> Callable[[RetryCallState], None]:
        def note(state: RetryCallState) -> None:
            self.retries += 1
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, Transient) and exc.kind == OVERLOAD:
                # A long silent pause looks like a hang: say what we wait for, and how long.
                where = f"{self.vendor} {method}: "
                reason = self.redact(exc.reason).removeprefix(where)
                self.announce(
                    f"{where}{reason}; waiting "
                    f"{state.upcoming_sleep:.1f} s before retry {state.attempt_number} "
                    f"(gives up after {self.max_retry_seconds:g} s)"
                )
            log.info(
                "%s %s: retry %d after %s",
                self.vendor,
                method,
                state.attempt_number,
                self.redact(str(exc)),
            )

        return note

    def _exhausted(self, method: str, exc: RetryError) -> ConnectorError:
        last = exc.last_attempt.exception()
        reason = self.redact(str(last)) if last else "unknown failure"
        attempts = exc.last_attempt.attempt_number
        message = (
            f"{self.vendor} {method}: gave up after {attempts} attempt(s) within "
            f"{self.max_retry_seconds:g} s: {reason}"
        )
        hint = "The portal is overloaded or unreachable; try again later or raise max_retry_seconds"
        if isinstance(last, Transient) and last.kind == CONNECT:
            return ConnectorError(
                f"{self.vendor} {method}: cannot connect after {attempts} attempt(s): {reason}",
                connect_hint(reason),
                method=method,
            )
        if isinstance(last, Transient) and last.kind == GARBLED:
            message = (
                f"{self.vendor} {method}: gave up after {attempts} attempt(s), the last answer "
                f"cut off or malformed: {reason}"
            )
            hint = (
                "The portal or the network is unreliable; try again later (waits for an "
                "overloaded portal are bounded by max_retry_seconds)"
            )
        if isinstance(last, Transient) and last.rate_limited:
            return RateLimitError(message, hint, method=method)
        return ConnectorError(message, hint, method=method)

    def _once(
        self,
        method: str,
        url: str,
        http_method: str,
        json: Any,
        data: Any,
        params: Any,
        headers: dict[str, str],
    ) -> Any:
        self.bucket.acquire()
        with self._count_lock:  # pull chains share this client from several threads
            self.requests += 1
        try:
            response = self.client.request(
                http_method, url, json=json, data=data, params=params, headers=headers
            )
        except httpx.ConnectTimeout:
            raise Transient("connect timed out", kind=CONNECT) from None
        except httpx.TimeoutException as exc:
            unsent = isinstance(exc, httpx.PoolTimeout)
            raise Transient(f"timed out ({type(exc).__name__})", ambiguous=not unsent) from None
        except httpx.ConnectError as exc:
            # Refused, DNS and TLS failures all surface here; none heals in a minute.
            raise Transient(
                f"connection failed: {self.redact(str(exc)) or type(exc).__name__}", kind=CONNECT
            ) from None
        except httpx.TransportError as exc:
            raise Transient(
                f"connection broken: {self.redact(str(exc)) or type(exc).__name__}",
                ambiguous=True,
                kind=GARBLED,
            ) from None
        log.debug("%s %s -> HTTP %d", self.vendor, method, response.status_code)
        if response.is_redirect:
            # bitrix24.md §1.3: a renamed portal answers 302; re-POSTing blindly loses the body.
            where = self.redact(response.headers.get("Location", "?"))
            raise ConnectorError(
                f"{self.vendor} {method}: the portal moved (HTTP {response.status_code} → {where})",
                "Update the portal url (and the webhook URL) to the new address",
                method=method,
            )
        payload = parse(self.vendor, method, response)
        try:
            if self.check is not None:
                self.check(method, response, payload)
            check_status(self.vendor, method, response, payload)
        except ConnectorError as exc:
            raise self.scrub(exc) from None
        return None if payload is NO_BODY else payload

    def scrub(self, exc: ConnectorError) -> ConnectorError:
        """The same error with its message and hint redacted (vendors may echo URLs)."""
        exc.message = self.redact(exc.message)
        exc.args = (exc.message,)
        exc.hint = self.redact(exc.hint) if exc.hint else exc.hint
        return exc
