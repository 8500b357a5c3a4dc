"""Writes and refusals: categories, stages, deals, moves, history rows and tunnels."""

from __future__ import annotations

from funnelkit.model import Tunnel, TunnelMode
from tests.emulator.bitrix24.conftest import Portal


def _stage_ids(portal: Portal, entity: str) -> list[str]:
    rows = portal.ok("crm.status.list", {"filter": {"ENTITY_ID": entity}})["result"]
    return [r["STATUS_ID"] for r in rows]


def _status_num(portal: Portal, entity: str, code: str) -> int:
    rows = portal.ok("crm.status.list", {"filter": {"ENTITY_ID": entity, "STATUS_ID": code}})
    return int(rows["result"][0]["ID"])


def test_new_category_gets_default_stages_and_can_go(portal: Portal) -> None:
    portal.state.next_ids["category"] = 10  # two digits: the 21-character cut shows (A.23)
    body = portal.ok(
        "crm.category.add", {"entityTypeId": 2, "fields": {"name": "Tenders", "sort": -5}}
    )
    cat = body["result"]["category"]
    assert cat["id"] == 10 and cat["sort"] == 0 and cat["isDefault"] == "N"
    assert _stage_ids(portal, "DEAL_STAGE_10")[:3] == [
        "C10:NEW",
        "C10:PREPARATION",
        "C10:PREPAYMENT_INVOIC",
    ]
    listed = portal.ok("crm.category.list", {"entityTypeId": 2})["result"]["categories"]
    assert [c["id"] for c in listed] == [10, 2, 0]
    assert portal.ok("crm.category.delete", {"entityTypeId": 2, "id": 10})["result"] is None
    assert portal.call("crm.category.get", {"entityTypeId": 2, "id": 10}).status_code == 400
    assert _stage_ids(portal, "DEAL_STAGE_10") == []


def test_category_refusals(portal: Portal) -> None:
    default = portal.call("crm.category.delete", {"entityTypeId": 2, "id": 0}).json()
    assert default == {"error": 0, "error_description": "Default deal category cannot be deleted"}
    busy = portal.call("crm.category.delete", {"entityTypeId": 2, "id": 2}).json()
    assert busy["error_description"] == "Deals related to the funnel Production found"
    nameless = portal.call("crm.category.add", {"entityTypeId": 2, "fields": {"name": "  "}})
    assert nameless.status_code == 400
    leads = portal.call("crm.category.list", {"entityTypeId": 1}).json()
    assert leads["error"] == "ENTITY_TYPE_NOT_SUPPORTED"


def test_status_add_prefixes_and_limits(portal: Portal) -> None:
    new = portal.ok(
        "crm.status.add",
        {
            "fields": {
                "ENTITY_ID": "DEAL_STAGE_2",
                "STATUS_ID": "DECISION",
                "NAME": "Decision",
                "SORT": 30,
            }
        },
    )["result"]
    row = portal.ok("crm.status.get", {"id": new})["result"]
    assert row["STATUS_ID"] == "C2:DECISION" and row["SYSTEM"] == "N" and row["CATEGORY_ID"] == "2"
    dup = portal.call(
        "crm.status.add",
        {"fields": {"ENTITY_ID": "DEAL_STAGE_2", "STATUS_ID": "C2:DECISION", "NAME": "x"}},
    )
    assert dup.json() == {
        "error": "ERROR_CORE",
        "error_description": "The specified status ID already exists.",
    }
    long = portal.call(
        "crm.status.add",
        {
            "fields": {
                "ENTITY_ID": "DEAL_STAGE_2",
                "STATUS_ID": "A_VERY_LONG_STAGE_CODE_X",
                "NAME": "x",
            }
        },
    )
    assert long.status_code == 400 and "21" in long.json()["error_description"]
    late = portal.call(
        "crm.status.add",
        {"fields": {"ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "LATE", "NAME": "x", "SORT": 65}},
    )
    assert late.json()["error_description"].startswith("Cannot create more stages after the final")
    unknown = portal.call(
        "crm.status.add", {"fields": {"ENTITY_ID": "DEAL_STAGE_77", "STATUS_ID": "X", "NAME": "x"}}
    )
    assert unknown.json()["error_description"] == "Specified entity type is not supported."
    bad_filter = portal.call("crm.status.list", {"filter": {"ENTITY_ID": ["STATUS"]}})
    assert bad_filter.status_code == 400


def test_status_delete_rules(portal: Portal) -> None:
    won = _status_num(portal, "DEAL_STAGE_2", "C2:WON")
    refused = portal.call("crm.status.delete", {"id": won}).json()
    assert "FORCED" in refused["error_description"]
    only_success = portal.call("crm.status.delete", {"id": won, "params": {"FORCED": "Y"}})
    assert only_success.status_code == 400
    busy = _status_num(portal, "DEAL_STAGE_2", "C2:NEW")
    held = portal.call("crm.status.delete", {"id": busy, "params": {"FORCED": "Y"}}).json()
    assert held["error_description"] == "There are active items in this status."
    prep = _status_num(portal, "DEAL_STAGE_2", "C2:PREPARATION")
    semantics = portal.call("crm.status.update", {"id": prep, "fields": {"SEMANTICS": "S"}})
    assert semantics.status_code == 400
    assert portal.ok("crm.status.update", {"id": prep, "fields": {"NAME": "Prep", "SORT": 25}})[
        "result"
    ]
    assert portal.ok("crm.status.get", {"id": prep})["result"]["NAME"] == "Prep"
    assert portal.ok("crm.status.delete", {"id": prep})["result"] is True
    assert "C2:PREPARATION" not in _stage_ids(portal, "DEAL_STAGE_2")


def test_deal_writes_append_history_and_are_visible(portal: Portal) -> None:
    ident = portal.ok("crm.deal.add", {"fields": {"TITLE": "Fresh", "CATEGORY_ID": 2}})["result"]
    assert ident == 121
    assert portal.ok("crm.deal.get", {"id": ident})["result"]["STAGE_ID"] == "C2:NEW"
    assert portal.ok("crm.deal.update", {"id": ident, "fields": {"STAGE_ID": "WON"}})["result"]
    assert portal.ok("crm.deal.get", {"id": ident})["result"]["STAGE_ID"] == "C2:NEW"  # §7.1
    portal.ok("crm.deal.update", {"id": ident, "fields": {"STAGE_ID": "C2:WON", "TITLE": "Won"}})
    deal = portal.ok("crm.deal.get", {"id": ident})["result"]
    assert (deal["STAGE_ID"], deal["STAGE_SEMANTIC_ID"], deal["CLOSED"], deal["TITLE"]) == (
        "C2:WON",
        "S",
        "Y",
        "Won",
    )
    moved = portal.ok(
        "crm.item.update",
        {"entityTypeId": 2, "id": ident, "fields": {"categoryId": 0, "stageId": "C2:LOSE"}},
    )
    assert moved["result"]["item"]["categoryId"] == 0
    assert moved["result"]["item"]["stageId"] == "LOSE"  # first stage of the same semantics
    history = portal.ok(
        "crm.stagehistory.list",
        {"entityTypeId": 2, "filter": {"OWNER_ID": ident}, "order": {"ID": "ASC"}},
    )["result"]["items"]
    # only the current category's stages remain (bitrix24.md: stage history after a
    # category change); the funnel-2 rows are gone from the list
    assert [(h["TYPE_ID"], h["STAGE_ID"], h["CATEGORY_ID"]) for h in history] == [(5, "LOSE", 0)]
    listed = portal.ok("crm.deal.list", {"filter": {"CATEGORY_ID": 0, ">ID": 120}, "start": -1})
    assert [r["ID"] for r in listed["result"]] == ["121"]


def test_tunnels_copy_and_move(portal: Portal) -> None:
    portal.state.tunnels = [
        Tunnel(from_funnel_id="0", from_stage_id="WON", to_funnel_id="2", to_stage_id="C2:NEW"),
        Tunnel(from_funnel_id="2", from_stage_id="C2:LOSE", to_funnel_id="0", mode=TunnelMode.MOVE),
    ]
    portal.ok("crm.deal.update", {"id": 1, "fields": {"STAGE_ID": "WON"}})
    copies = portal.ok("crm.deal.list", {"filter": {">ID": 120}})["result"]
    assert [(c["CATEGORY_ID"], c["STAGE_ID"], c["CONTACT_ID"]) for c in copies] == [
        ("2", "C2:NEW", "7")
    ]
    assert portal.ok("crm.deal.get", {"id": 1})["result"]["STAGE_ID"] == "WON"
    portal.ok("crm.deal.update", {"id": 2, "fields": {"STAGE_ID": "C2:LOSE"}})
    deal = portal.ok("crm.deal.get", {"id": 2})["result"]
    assert (deal["CATEGORY_ID"], deal["STAGE_ID"]) == ("0", "NEW")
    types = [
        h["TYPE_ID"]
        for h in portal.ok("crm.stagehistory.list", {"entityTypeId": 2, "filter": {"OWNER_ID": 2}})[
            "result"
        ]["items"]
    ]
    assert types == [5]  # moved to funnel 0 by the tunnel: its funnel-2 rows are not listed
