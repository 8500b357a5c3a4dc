"""Bitrix24App: routing, auth, rate limit and cost model around the method handlers."""

from __future__ import annotations

import gc
import time
from typing import Any
from urllib.parse import urlencode

from funnelkit.emulator.bitrix24 import categories, describe, directories, records, spa, writes
from funnelkit.emulator.bitrix24.auth import Auth
from funnelkit.emulator.bitrix24.backend import Backend, Call, Handler, Outcome
from funnelkit.emulator.bitrix24.batch import run_batch
from funnelkit.emulator.bitrix24.cost import REQUEST_LIMIT, CostModel, modelled_seconds
from funnelkit.emulator.bitrix24.envelope import (
    B24Error,
    error_response,
    method_not_found,
    operation_time_limit,
    query_limit,
    time_block,
)
from funnelkit.emulator.bitrix24.params import merge_params
from funnelkit.emulator.serving.clock import LeakyBucket
from funnelkit.emulator.serving.server import Request, Response, json_response
from funnelkit.emulator.state import EmulatorOptions, PortalState

HANDLERS: dict[str, Handler] = {
    **categories.HANDLERS,
    **directories.HANDLERS,
    **records.HANDLERS,
    **describe.HANDLERS,
    **writes.HANDLERS,
    **spa.HANDLERS,  # after records: crm.item.list serves smart processes, then the rest
}
_TIMEOUT_PAGE = b"<html><body><h1>504 Gateway Time-out</h1></body></html>"


class Bitrix24App:
    """Serves a PortalState as the documented Bitrix24 REST API (classic v2)."""

    def __init__(self, state: PortalState, options: EmulatorOptions) -> None:
        self.state = state
        self.options = options
        self.backend = Backend(state)
        self.backend.now = lambda: int(options.clock.now())
        self.auth = Auth(options)
        self.cost = CostModel()
        # bitrix24.md §5.1: 2 requests/s drain, 50 before blocking (non-enterprise plans).
        self.bucket = LeakyBucket(2.0, 50.0, options.clock) if options.rate_limit else None

    def warm(self, freeze_gc: bool = False) -> None:
        """Build all indexes up front (they are otherwise built on first use).

        `freeze_gc` moves every object alive now out of the collector's reach: with
        millions of rows a full collection pass costs seconds in the middle of a
        request. Only for a process that serves this state until it exits.
        """
        with self.state.lock:
            self.backend.indexes.warm()
        if freeze_gc:
            gc.collect()
            gc.freeze()

    # --- counters a benchmark reads -------------------------------------------------------

    @property
    def server_seconds(self) -> float:
        """Total modelled server time."""
        return self.cost.server_seconds

    @property
    def requests_served(self) -> int:
        """REST requests answered (any outcome)."""
        return self.cost.requests

    @property
    def rows_counted(self) -> int:
        """Rows counted by list calls with start >= 0."""
        return self.cost.rows_counted

    # --- App protocol -----------------------------------------------------------------------

    def fault_response(self, kind: str) -> Response:
        """The vendor's own overload answers (§2.3)."""
        return error_response(query_limit() if kind == "503" else operation_time_limit())

    def expire_tokens(self) -> None:
        """Every issued access token expires now."""
        self.auth.expire_all()

    def handle(self, request: Request) -> Response:
        """Route one HTTP request."""
        parts = [p for p in request.path.split("/") if p]
        try:
            query = urlencode(request.query, doseq=True)
            params = merge_params(query, request.body, request.header("content-type"))
        except B24Error as exc:
            return error_response(exc)
        if parts[:2] == ["oauth", "token"]:
            return self._oauth(request, params)
        self.cost.served()
        try:
            if not parts or parts[0] != "rest" or len(parts) not in (2, 4):
                raise method_not_found()
            if self.bucket is not None and not self.bucket.take():
                raise query_limit()
            if len(parts) == 4:
                user = self.auth.webhook(parts[1], parts[2])
                cred = f"hook:{user}"
            else:
                user = self.auth.token(params.pop("auth", None))
                cred = "app"
            return self._serve(_method_name(parts[-1]), params, user, cred)
        except B24Error as exc:
            return error_response(exc)
        except Exception as exc:  # a bug or odd input must not kill the server thread
            return error_response(B24Error("INTERNAL_SERVER_ERROR", f"Internal error: {exc}", 500))

    # --- internals ----------------------------------------------------------------------------

    def _oauth(self, request: Request, params: dict[str, Any]) -> Response:
        host = request.header("host") or "127.0.0.1"
        try:
            return json_response(200, self.auth.grant(params, f"http://{host}"))
        except B24Error as exc:
            return error_response(exc)

    def _serve(self, method: str, params: dict[str, Any], user: str, cred: str) -> Response:
        start = self.options.clock.now()
        if method == "batch":
            clock = [start]

            def execute(name: str, sub: dict[str, Any]) -> tuple[Any, Any, dict[str, Any]]:
                try:
                    outcome, timing = self._call(name.lower(), sub, user, cred, clock[0])
                except B24Error as exc:
                    return None, exc, {}
                clock[0] = timing["finish"]
                return outcome, None, timing

            result = run_batch(params, execute)
            finish = clock[0]
            payload: dict[str, Any] = {"result": result}
        else:
            outcome, timing = self._call(method, params, user, cred, start)
            finish = timing["finish"]
            payload = {"result": outcome.result}
            if outcome.next is not None:
                payload["next"] = outcome.next
            if outcome.total is not None:
                payload["total"] = outcome.total
        spent = finish - start
        self._pass_time(spent)
        if self.options.cost_model and spent > REQUEST_LIMIT:
            # §1.3: cut off after 60 s; the vendor's proxy answers with an HTML page (unverified).
            return Response(504, _TIMEOUT_PAGE, {"Content-Type": "text/html"})
        # The outer batch is not counted in `operating` (§4), so its block has no operating.
        payload["time"] = time_block(start, finish, spent, None, None)
        if method != "batch":
            payload["time"] = timing
        return json_response(200, payload)

    def _call(
        self, method: str, params: dict[str, Any], user: str, cred: str, start: float
    ) -> tuple[Outcome, dict[str, Any]]:
        if method == "batch":
            raise B24Error(
                "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage", 405
            )
        handler = HANDLERS.get(method)
        if handler is None:
            raise method_not_found()
        key = (cred, method)
        if self.options.cost_model and self.cost.blocked(key, start):
            raise operation_time_limit()
        began = time.perf_counter()
        with self.state.lock:
            outcome = handler(Call(self.backend, method, params, user))
        real = time.perf_counter() - began
        spent = (
            modelled_seconds(outcome.counted, outcome.returned) if self.options.cost_model else real
        )
        self.cost.count(spent, outcome.counted)
        operating, reset_at = self.cost.charge(key, start, spent)
        return outcome, time_block(start, start + spent, spent, operating, reset_at)

    def _pass_time(self, seconds: float) -> None:
        """Let modelled server time pass: advance a simulated clock, else really wait."""
        if not self.options.cost_model or seconds <= 0:
            return
        clock = self.options.clock
        if clock.simulated:
            clock.advance(seconds)
        else:
            time.sleep(min(seconds, REQUEST_LIMIT) / clock.scale)


def _method_name(segment: str) -> str:
    """`crm.deal.list.json` -> `crm.deal.list`; clients send any case (§16.1)."""
    name = segment[:-5] if segment.lower().endswith(".json") else segment
    return name.lower()


def webhook_url(base_url: str, options: EmulatorOptions) -> str:
    """The incoming-webhook URL a user stores in FUNNELKIT_<NAME>_WEBHOOK (trailing slash)."""
    return f"{base_url.rstrip('/')}/rest/{options.user_id}/{options.secret}/"
