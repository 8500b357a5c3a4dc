"""Paging a big portal inside a frozen window costs a bisect and a slice, not a scan."""

from __future__ import annotations

import os
import statistics
import time

import pytest

from funnelkit.emulator.amocrm import AmoCrmApp
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.server import Request
from funnelkit.emulator.state import EmulatorOptions
from funnelkit.model import Vendor


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


def _check(leads: int, budget: float) -> None:
    """Later pages cost a small fraction of the first (which builds the index and the
    result), and stay within an absolute budget even on a loaded machine."""
    state = generate(Vendor.AMOCRM, leads, 3)
    assert len(state.transitions) > 2 * leads  # the events list is the longer one
    updated = sorted(d.modified_at or d.created_at for d in state.deals.values())
    app = AmoCrmApp(state, EmulatorOptions())
    window = {  # the older half of the leads: 40 pages of 250 fit well inside it
        "filter[updated_at][from]": str(updated[0]),
        "filter[updated_at][to]": str(updated[leads // 2]),
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
    _check(50_000, budget=0.05)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("AMO_EMU_BIG"), reason="set AMO_EMU_BIG=1: ~1 min, ~3 GB")
def test_pages_of_a_1m_portal_are_cheap() -> None:
    _check(1_000_000, budget=0.02)
