"""Keyset reads stay cheap on big tables: indexes, not scans."""

from __future__ import annotations

import gc
import json
import time
from typing import Any

import pytest

from funnelkit.emulator.bitrix24 import Bitrix24App
from funnelkit.emulator.serving.server import Request
from funnelkit.emulator.state import EmulatorOptions, PortalState
from funnelkit.model import Deal, StageTransition, TransitionKind
from tests.emulator.bitrix24.conftest import T0, build_state


def _big(n: int) -> PortalState:
    state = build_state(0)
    for i in range(1, n + 1):
        funnel, stage = ("0", "NEW") if i % 2 else ("2", "C2:NEW")
        state.deals[str(i)] = Deal(id=str(i), funnel_id=funnel, stage_id=stage, created_at=T0 + i)
        state.transitions.append(
            StageTransition(
                id=str(i),
                deal_id=str(i),
                funnel_id=funnel,
                to_stage_id=stage,
                at=T0 + i,
                kind=TransitionKind.CREATED,
            )
        )
    return state


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
    app = Bitrix24App(_big(n), EmulatorOptions(cost_model=False))
    app.warm(freeze_gc=True)
    try:
        _read_and_write(app, n, budget)
    finally:
        gc.unfreeze()


def _read_and_write(app: Bitrix24App, n: int, budget: float) -> None:
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
    assert app.rows_counted <= 3  # only the OWNER_ID lists counted (one match each)
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
