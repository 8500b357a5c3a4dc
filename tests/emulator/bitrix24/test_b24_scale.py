"""Keyset reads stay cheap on big tables: indexes, not scans."""

from __future__ import annotations

import gc
import json
import time
from typing import Any

import pytest

from funnelkit.emulator.bitrix24 import Bitrix24App
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.server import Request
from funnelkit.emulator.state import EmulatorOptions
from funnelkit.model import EntityKind, Vendor


def _call(app: Bitrix24App, method: str, params: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    body = json.dumps(params).encode()
    request = Request(
        "POST",
        f"/rest/1/{app.options.secret}/{method}",
        {},
        {"content-type": "application/json"},
        body,
    )
    began = time.perf_counter()
    response = app.handle(request)
    return time.perf_counter() - began, json.loads(response.body)


def _check_keyset(n: int, budget: float) -> None:
    state = generate(Vendor.BITRIX24, n, 2)
    top = max(int(d.id) for d in state.deals.values() if d.entity is EntityKind.DEAL)
    app = Bitrix24App(state, EmulatorOptions(cost_model=False))
    app.warm(freeze_gc=True)
    try:
        _read_and_write(app, top, budget)
    finally:
        gc.unfreeze()


def _read_and_write(app: Bitrix24App, n: int, budget: float) -> None:
    """Reads near the top of `n` deals (the highest deal id) and one write above it."""
    cases = [
        ("crm.deal.list", {"order": {"ID": "ASC"}, "filter": {">ID": n - 100}, "start": -1}),
        (
            "crm.item.list",
            {
                "entityTypeId": 2,
                "order": {"id": "ASC"},
                "filter": {">id": n // 2, "categoryId": 2},
                "start": -1,
            },
        ),
        (
            "crm.stagehistory.list",
            {"entityTypeId": 2, "order": {"ID": "ASC"}, "filter": {">ID": n - 75}, "start": -1},
        ),
        ("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": n // 3}}),
    ]
    for method, params in cases:
        # Best of three: a garbage-collector pass over millions of rows is not the index's cost.
        spent, body = min((_call(app, method, params) for _ in range(3)), key=lambda r: r[0])
        assert "error" not in body, body
        assert spent < budget, (method, spent)
    # only the three OWNER_ID lists are counted, each its deal's own history rows
    owned = sum(1 for t in app.backend.state.transitions if t.deal_id == str(n // 3))
    assert 0 < app.rows_counted <= 3 * owned
    cmd = {
        f"r{i}": f"crm.deal.list?order[ID]=ASC&start=-1&select[]=ID&filter[>ID]={i * 50}"
        for i in range(50)
    }
    spent, body = _call(app, "batch", {"cmd": cmd})
    assert len(body["result"]["result"]["r49"]) == 50 and spent < 1.0
    spent, body = _call(app, "crm.deal.add", {"fields": {"TITLE": "x", "CATEGORY_ID": 2}})
    _, after = _call(
        app,
        "crm.item.list",
        {
            "entityTypeId": 2,
            "filter": {">id": n, "categoryId": 2},
            "order": {"id": "ASC"},
            "start": -1,
        },
    )
    assert [i["id"] for i in after["result"]["items"]] == [n + 1]


def test_keyset_reads_use_indexes() -> None:
    _check_keyset(50_000, budget=0.05)


@pytest.mark.slow
def test_keyset_reads_at_a_million_deals() -> None:
    _check_keyset(1_000_000, budget=0.05)
