"""Smart processes served as documented: crm.type.list, categories, stages, items (§12)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from funnelkit.emulator.bitrix24 import Bitrix24App, webhook_url
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.server import EmulatorServer
from funnelkit.emulator.state import EmulatorOptions
from funnelkit.model import Vendor


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    options = EmulatorOptions()
    server = EmulatorServer(Bitrix24App(generate(Vendor.BITRIX24, 400, 7), options)).start()
    try:
        yield webhook_url(server.url, options)
    finally:
        server.stop()


def call(url: str, method: str, params: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = httpx.post(f"{url}{method}.json", json=params).json()
    return body


def test_two_types_one_with_several_funnels(url: str) -> None:
    types = call(url, "crm.type.list", {})
    assert types["total"] == 2
    ids = [t["entityTypeId"] for t in types["result"]["types"]]
    counts = [call(url, "crm.category.list", {"entityTypeId": i})["total"] for i in ids]
    assert sorted(counts) == [1, 3]


def test_stages_use_the_dynamic_directory_without_extra(url: str) -> None:
    rows = call(url, "crm.status.list", {"filter": {"ENTITY_ID": "DYNAMIC_1042_STAGE_25"}})
    result = rows["result"]
    assert result and all(r["STATUS_ID"].startswith("DT1042_25:") for r in result)
    assert all("EXTRA" not in r for r in result)
    assert {r["SEMANTICS"] for r in result} == {None, "S", "F"}


def test_item_list_pages_by_keyset_and_by_start(url: str) -> None:
    first = call(url, "crm.item.list", {"entityTypeId": 1042, "start": 0})
    assert first["next"] == 50 and len(first["result"]["items"]) == 50
    assert first["result"]["items"][0]["entityTypeId"] == 1042
    rest = call(
        url,
        "crm.item.list",
        {"entityTypeId": 1042, "select": ["id"], "filter": {">id": 50},
         "order": {"id": "ASC"}, "start": -1},
    )  # fmt: skip
    assert [i["id"] for i in rest["result"]["items"]] == list(range(51, first["total"] + 1))


def test_stage_history_refuses_smart_processes(url: str) -> None:
    answer = call(url, "crm.stagehistory.list", {"entityTypeId": 1042})
    assert answer["error"] == "ENTITY_TYPE_NOT_SUPPORTED"


def test_unknown_type_is_not_found(url: str) -> None:
    answer = call(url, "crm.category.list", {"entityTypeId": 1999})
    assert answer["error"] == "NOT_FOUND"


def test_item_list_filters_by_updated_time(url: str) -> None:
    """`>=updatedTime` (§7.3) is what an incremental pull reads smart-process items by."""
    every: list[dict[str, Any]] = []
    start = 0
    while True:
        page = call(url, "crm.item.list", {"entityTypeId": 1042, "select": ["id", "updatedTime"],
                                           "order": {"id": "ASC"}, "start": start})  # fmt: skip
        every += page["result"]["items"]
        if "next" not in page:
            break
        start = page["next"]
    times = sorted(i["updatedTime"] for i in every)
    since = times[len(times) // 2]
    want = sorted(i["id"] for i in every if i["updatedTime"] >= since)
    got = call(url, "crm.item.list", {"entityTypeId": 1042, "select": ["id"],
                                      "filter": {">=updatedTime": since}, "start": 0})  # fmt: skip
    assert got["total"] == len(want) < len(every)
    assert sorted(i["id"] for i in got["result"]["items"]) == want[:50]


def test_category_add_needs_categories_enabled() -> None:
    state = generate(Vendor.BITRIX24, 300, 5)
    spa = state.smart_processes[1038]
    state.smart_processes[1038] = spa.model_copy(update={"categories_enabled": False})
    options = EmulatorOptions()
    server = EmulatorServer(Bitrix24App(state, options)).start()
    try:
        base = webhook_url(server.url, options)
        refused = call(base, "crm.category.add", {"entityTypeId": 1038, "fields": {"name": "X"}})
        added = call(base, "crm.category.add", {"entityTypeId": 1042, "fields": {"name": "Y"}})
    finally:
        server.stop()
    assert refused["error"] == "ENTITY_TYPE_NOT_SUPPORTED"
    new = added["result"]["category"]
    assert new["entityTypeId"] == 1042 and new["name"] == "Y"
    stages = [s.id for (fid, _), s in state.stages.items() if fid == f"DT1042_{new['id']}"]
    assert stages and all(s.startswith(f"DT1042_{new['id']}:") for s in stages)
