"""The documented-shapes amoCRM portal served over real HTTP, and shape comparison helpers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from funnelkit.emulator.amocrm import AmoCrmApp, token_for
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.serving.faults import FaultPlan
from funnelkit.emulator.serving.server import EmulatorServer, Request, Response
from funnelkit.emulator.state import EmulatorOptions, PortalState
from tests.emulator.amocrm.docs_portal import ACCOUNT_ID, T0, docs_portal

EXAMPLES = Path(__file__).parent / "examples"


def example(name: str) -> Any:
    """One official example, as stored under examples/."""
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def clock() -> Clock:
    """A simulated clock: time moves only when a test advances it."""
    return Clock(simulated=True, start=float(T0 + 10_000))


@pytest.fixture
def options(clock: Clock) -> EmulatorOptions:
    """Default options on the simulated clock."""
    return EmulatorOptions(clock=clock, user_id="504141", access_token_ttl=86_400)


@pytest.fixture
def state() -> PortalState:
    """A fresh small portal."""
    return docs_portal()


@pytest.fixture
def app(state: PortalState, options: EmulatorOptions) -> AmoCrmApp:
    """The emulator app with the docs' account id."""
    return AmoCrmApp(state, options, account_id=ACCOUNT_ID)


class _Switch:
    """An App that forwards to the current test's app, so one server serves the session
    (stopping a server costs half a second of `serve_forever` polling)."""

    def __init__(self) -> None:
        self.target: AmoCrmApp | None = None

    def _app(self) -> AmoCrmApp:
        assert self.target is not None
        return self.target

    def handle(self, request: Request) -> Response:
        return self._app().handle(request)

    def fault_response(self, kind: str) -> Response:
        return self._app().fault_response(kind)

    def expire_tokens(self) -> None:
        self._app().expire_tokens()


@pytest.fixture(scope="session")
def _shared() -> Iterator[tuple[_Switch, EmulatorServer]]:
    switch = _Switch()
    with EmulatorServer(switch) as running:
        yield switch, running


@pytest.fixture
def server(app: AmoCrmApp, _shared: tuple[_Switch, EmulatorServer]) -> EmulatorServer:
    """The app on a real port (one server for the session, this test's app behind it)."""
    switch, running = _shared
    switch.target = app
    running.faults = FaultPlan()
    return running


@pytest.fixture
def api(server: EmulatorServer, options: EmulatorOptions) -> Iterator[httpx.Client]:
    """An HTTP client with the long-lived token."""
    headers = {"Authorization": f"Bearer {token_for(options)}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
        yield client


def shape_errors(
    actual: Any, expected: Any, path: str = "$", loose: frozenset[str] = frozenset()
) -> list[str]:
    """Differences in field names and JSON types between two documents.

    `null` on either side is accepted (nullable fields); lists compare every
    element with the example's first one; keys in `loose` may be missing or extra.
    """
    if expected is None or actual is None:
        return []
    if isinstance(expected, bool) or isinstance(actual, bool):
        return [] if type(actual) is type(expected) else [f"{path}: {actual!r} vs {expected!r}"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: not an object"]
        problems = [f"{path}.{k}: missing" for k in expected if k not in actual and k not in loose]
        problems += [f"{path}.{k}: extra" for k in actual if k not in expected and k not in loose]
        for key in expected:
            if key in actual and key not in loose:
                problems += shape_errors(actual[key], expected[key], f"{path}.{key}", loose)
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: not a list"]
        if not expected:
            return []
        out: list[str] = []
        for i, item in enumerate(actual):
            out += shape_errors(item, expected[min(i, len(expected) - 1)], f"{path}[{i}]", loose)
        return out
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return []
    return [] if type(actual) is type(expected) else [f"{path}: {actual!r} vs {expected!r}"]
