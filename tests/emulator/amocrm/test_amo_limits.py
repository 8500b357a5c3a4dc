"""7 requests/s → 429 with retry_after; sustained abuse → 403 HTML; injected faults."""

from __future__ import annotations

import httpx

from funnelkit.emulator.amocrm import AmoCrmApp
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.serving.faults import FaultPlan
from funnelkit.emulator.serving.server import EmulatorServer
from funnelkit.emulator.state import EmulatorOptions, PortalState

from .docs_portal import ACCOUNT_ID


def _limited(state: PortalState, clock: Clock, **kw: object) -> tuple[AmoCrmApp, EmulatorOptions]:
    options = EmulatorOptions(clock=clock, user_id="504141", rate_limit=True)
    return AmoCrmApp(state, options, account_id=ACCOUNT_ID, **kw), options  # type: ignore[arg-type]


def _hammer(api: httpx.Client, count: int) -> list[int]:
    return [api.get("/api/v4/account").status_code for _ in range(count)]


def test_eighth_request_in_a_second_is_refused(
    state: PortalState, clock: Clock, _shared: tuple[object, EmulatorServer]
) -> None:
    app, options = _limited(state, clock)
    switch, server = _shared
    switch.target = app  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {options.secret}"}
    with httpx.Client(base_url=server.url, headers=headers) as api:
        codes = _hammer(api, 8)
        assert codes == [200] * 7 + [429]
        refused = api.get("/api/v4/account")
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["retry_after"] == 1
        clock.advance(1.0)  # the bucket drains 7 per second
        assert _hammer(api, 7) == [200] * 7


def test_rate_limit_off_by_default(api: httpx.Client) -> None:
    assert set(_hammer(api, 20)) == {200}


def test_sustained_abuse_blocks_the_ip_with_html(
    state: PortalState, clock: Clock, _shared: tuple[object, EmulatorServer]
) -> None:
    app, options = _limited(state, clock, block_after=3)
    switch, server = _shared
    switch.target = app  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {options.secret}"}
    with httpx.Client(base_url=server.url, headers=headers) as api:
        codes = _hammer(api, 12)
        assert codes[:7] == [200] * 7 and codes[7:10] == [429] * 3
        assert set(codes[10:]) == {403}
        clock.advance(60)
        blocked = api.get("/api/v4/leads")
        assert blocked.status_code == 403
        assert blocked.headers["content-type"].startswith("text/html")
        assert b"nginx" in blocked.content
        app.guard.unblock()
        assert api.get("/api/v4/leads").status_code == 200


def test_html_429_mode(state: PortalState, clock: Clock) -> None:
    app, _ = _limited(state, clock, html_429=True)
    response = app.fault_response("429")
    assert response.status == 429 and response.headers["Content-Type"] == "text/html"


def test_injected_faults_use_vendor_bodies(state: PortalState, options: EmulatorOptions) -> None:
    app = AmoCrmApp(state, options)
    blocked = app.fault_response("403")
    assert blocked.status == 403 and b"403 Forbidden" in blocked.body
    block = FaultPlan(rate=1.0, kinds=("403",), seed=1)
    with EmulatorServer(app, faults=block) as server:
        headers = {"Authorization": f"Bearer {options.secret}"}
        response = httpx.get(f"{server.url}/api/v4/leads", headers=headers)
        assert response.status_code == 403 and b"nginx" in response.content
    assert FaultPlan.parse("rate=0.1,kinds=403+429").kinds == ("403", "429")
    plan = FaultPlan(rate=1.0, kinds=("429",), seed=1)
    with EmulatorServer(app, faults=plan) as server:
        headers = {"Authorization": f"Bearer {options.secret}"}
        response = httpx.get(f"{server.url}/api/v4/leads", headers=headers)
        assert response.status_code == 429
        assert response.json()["title"] == "Too Many Requests"
