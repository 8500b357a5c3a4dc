"""Fixtures: the documented-shapes Bitrix24 portal (docs_portal.py) served over real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from funnelkit.emulator.bitrix24 import Bitrix24App, webhook_url
from funnelkit.emulator.generate.empty import empty_portal
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.serving.faults import FaultPlan
from funnelkit.emulator.serving.server import EmulatorServer
from funnelkit.emulator.state import EmulatorOptions, PortalState
from funnelkit.model import Vendor
from tests.emulator.bitrix24.docs_portal import T0, docs_portal


@dataclass
class Portal:
    """A running emulator and an HTTP client pointed at its webhook."""

    app: Bitrix24App
    server: EmulatorServer
    state: PortalState
    options: EmulatorOptions
    http: httpx.Client

    @property
    def hook(self) -> str:
        """The webhook URL (with trailing slash)."""
        return webhook_url(self.server.url, self.options)

    def call(self, method: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """POST a JSON body to a webhook method."""
        return self.http.post(self.hook + method, json=params or {})

    def ok(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """A call that must succeed; its decoded body."""
        response = self.call(method, params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture(scope="session")
def _server() -> Iterator[EmulatorServer]:
    """One socket for the whole run; each test swaps in its own app (stopping costs 0.5 s)."""
    server = EmulatorServer(Bitrix24App(empty_portal(Vendor.BITRIX24), EmulatorOptions())).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


Factory = Callable[..., Portal]


@pytest.fixture
def make_portal(_server: EmulatorServer, _http: httpx.Client) -> Iterator[Factory]:
    """Serve a given state with given options on the shared socket."""

    def make(state: PortalState | None = None, options: EmulatorOptions | None = None) -> Portal:
        state = state or docs_portal()
        options = options or EmulatorOptions(clock=Clock(simulated=True, start=T0 + 10**6))
        app = Bitrix24App(state, options)
        _server.app = app
        return Portal(app, _server, state, options, _http)

    yield make
    _server.faults = FaultPlan()


@pytest.fixture
def portal(make_portal: Factory) -> Portal:
    """A small portal, no limits, simulated clock."""
    return make_portal()
