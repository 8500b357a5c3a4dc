"""Paging a big portal inside a frozen window costs a bisect and a slice, not a scan."""

from __future__ import annotations

import os
import statistics
import time

import pytest

from funnelkit.emulator.amocrm import AmoCrmApp
from funnelkit.emulator.serving.server import Request
from funnelkit.emulator.state import EmulatorOptions, PortalState
from funnelkit.model import Deal, Funnel, Stage, StageTransition, Vendor

T0 = 1_600_000_000


def _portal(leads: int, events: int) -> PortalState:
    state = PortalState(vendor=Vendor.AMOCRM)
    state.funnels["10"] = Funnel(id="10", name="p", is_default=True)
    for sid in ("100", "101", "142", "143"):
        state.stages[("10", sid)] = Stage(funnel_id="10", id=sid, name=sid, sort=int(sid))
    for i in range(leads):
        state.deals[str(i + 1)] = Deal(
            id=str(i + 1),
            funnel_id="10",
            stage_id="100",
            created_at=T0 + i * 10,
            modified_at=T0 + ((i * 7919) % leads) * 10,
        )
    state.transitions.extend(
        StageTransition(
            id=f"e{j}",
            deal_id=str(j % leads + 1),
            funnel_id="10",
            to_stage_id="101",
            from_stage_id="100",
            at=T0 + j * 2,
        )
        for j in range(events)
    )
    return state


def _timed_pages(app: AmoCrmApp, path: str, query: dict[str, str], pages: range) -> list[float]:
    options = app.options
    headers = {"authorization": f"Bearer {options.secret}", "host": "h"}
    out = []
    for page in pages:
        request = Request(
            "GET", path, {k: [v] for k, v in {**query, "page": str(page)}.items()}, headers, b""
        )
        start = time.perf_counter()
        response = app.handle(request)
        out.append(time.perf_counter() - start)
        assert response.status == 200
    return out


def _check(leads: int, events: int, budget: float) -> None:
    """Later pages cost a small fraction of the first (which builds the index and the
    result), and stay within an absolute budget even on a loaded machine."""
    app = AmoCrmApp(_portal(leads, events), EmulatorOptions())
    window = {
        "filter[updated_at][from]": str(T0),
        "filter[updated_at][to]": str(T0 + leads * 5),
        "limit": "250",
    }
    cases = [
        ("/api/v4/leads", {**window, "order[updated_at]": "asc"}),
        ("/api/v4/leads", {**window, "order[id]": "asc"}),
        ("/api/v4/events", {"limit": "100", "filter[type]": "lead_status_changed"}),
    ]
    for path, query in cases:
        first = _timed_pages(app, path, query, range(1, 2))[0]
        times = _timed_pages(app, path, query, range(2, 40))
        assert statistics.median(times) < min(budget, first / 3), (path, query, first, times)


def test_pages_of_a_50k_portal_are_cheap() -> None:
    _check(50_000, 100_000, budget=0.05)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("AMO_EMU_BIG"), reason="set AMO_EMU_BIG=1: ~1 min, ~3 GB")
def test_pages_of_a_1m_portal_are_cheap() -> None:
    _check(1_000_000, 2_000_000, budget=0.02)
