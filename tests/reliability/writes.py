"""Emulator wrappers that count write requests and fail or stall chosen ones."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from funnelkit.emulator.serving.run import Running
from funnelkit.emulator.serving.server import App, Request, Response, json_response
from funnelkit.emulator.state import PortalState
from funnelkit.model import Vendor

B24_WRITES = (".add", ".update", ".delete", ".set", ".move")


def is_write(vendor: Vendor, request: Request) -> bool:
    """True for a request that changes the portal (OAuth token requests aside)."""
    if "oauth" in request.path:
        return False
    if vendor is Vendor.AMOCRM:
        return request.method in ("POST", "PATCH", "PUT", "DELETE")
    path = request.path.lower()
    if path.rstrip("/").endswith(("batch", "batch.json")):
        return any(w in request.body.decode("utf-8", "replace").lower() for w in B24_WRITES)
    return any(w in path for w in B24_WRITES)


def vendor_error(vendor: Vendor) -> Response:
    """A plain, non-retryable refusal in the vendor's own shape."""
    if vendor is Vendor.AMOCRM:
        body = {"title": "Bad Request", "type": "about:blank", "status": 400, "detail": "injected"}
        return json_response(400, body, "application/problem+json")
    return json_response(400, {"error": "ERROR_CORE", "error_description": "injected failure"})


class WriteGate:
    """Wraps the served app: counts writes, fails the `fail_at`-th, or stalls them."""

    def __init__(
        self,
        running: Running,
        fail_at: int | None = None,
        stall_at: int | None = None,
        stall: float = 0.0,
    ) -> None:
        self.inner: App = running.server.app
        self.vendor = running.state.vendor
        self.fail_at = fail_at
        self.stall_at = stall_at
        self.stall = stall
        self.writes = 0
        self.log: list[str] = []  # each write: path and the start of its body
        self.stalled = threading.Event()  # the chosen write arrived and is being held back
        self.landed = threading.Event()  # ... and has since been carried out
        self._lock = threading.Lock()
        running.server.app = self

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def handle(self, request: Request) -> Response:
        """Answer like the vendor, except for the chosen write."""
        if is_write(self.vendor, request):
            with self._lock:
                self.writes += 1
                number = self.writes
                self.log.append(f"{request.method} {request.path} {request.body[:160]!r}")
            if number == self.fail_at:
                return vendor_error(self.vendor)
            if number == self.stall_at:
                self.stalled.set()
                time.sleep(self.stall)
                try:
                    return self.inner.handle(request)
                finally:
                    self.landed.set()
        return self.inner.handle(request)

    def fault_response(self, kind: str) -> Response:
        """Delegate."""
        return self.inner.fault_response(kind)

    def expire_tokens(self) -> None:
        """Delegate."""
        self.inner.expire_tokens()


def structure_by_name(state: PortalState) -> dict[str, Any]:
    """Funnels by name → their stages' (name, semantics) in order: ids aside, duplicates kept."""
    out: dict[str, Any] = {}
    names = Counter(f.name for f in state.funnels.values())
    for funnel in state.funnels.values():
        stages = [(s.name, s.semantics.value) for s in state.stages_of(funnel.id)]
        out.setdefault(funnel.name, []).append(stages)
    out["#funnel-names"] = sorted(names.items())
    return {k: sorted(v) if isinstance(v, list) else v for k, v in out.items()}


def deals_misplaced(state: PortalState) -> list[str]:
    """Deals whose stage is not a stage of their funnel."""
    return [d.id for d in state.deals.values() if (d.funnel_id, d.stage_id) not in state.stages]
