"""Paging (start/next/total, start=-1, >ID keyset), batch, the rate limit and the cost model."""

from __future__ import annotations

from funnelkit.emulator.bitrix24.cost import PER_COUNTED_ROW
from funnelkit.emulator.generate.empty import empty_portal
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.state import EmulatorOptions
from funnelkit.model import CustomField, EntityKind, Vendor
from tests.emulator.bitrix24.conftest import Factory, Portal
from tests.emulator.bitrix24.docs_portal import T0, docs_portal


def test_offset_paging_has_next_and_total(portal: Portal) -> None:
    first = portal.ok("crm.deal.list", {"order": {"ID": "ASC"}, "select": ["ID"]})
    assert len(first["result"]) == 50 and first["next"] == 50 and first["total"] == 120
    third = portal.ok("crm.deal.list", {"order": {"ID": "ASC"}, "select": ["ID"], "start": 100})
    assert [r["ID"] for r in third["result"]][:2] == ["101", "102"]
    assert "next" not in third and third["total"] == 120 and len(third["result"]) == 20


def test_start_minus_one_has_no_count(portal: Portal) -> None:
    body = portal.ok("crm.deal.list", {"order": {"ID": "ASC"}, "start": -1, "select": ["ID"]})
    assert body["total"] == 0 and "next" not in body and len(body["result"]) == 50


def test_keyset_walk_reads_everything_once(portal: Portal) -> None:
    seen: list[int] = []
    last = 0
    while True:
        page = portal.ok(
            "crm.item.list",
            {
                "entityTypeId": 2,
                "order": {"id": "ASC"},
                "filter": {">id": last},
                "select": ["id"],
                "start": -1,
            },
        )
        items = page["result"]["items"]
        seen += [i["id"] for i in items]
        if len(items) < 50:
            break
        last = items[-1]["id"]
    assert seen == list(range(1, 121))


def test_filters_dates_categories_and_descending(portal: Portal) -> None:
    since = "2026-01-01T01:00:00+00:00"  # deals n >= 60 were modified at T0 + n*60
    body = portal.ok(
        "crm.deal.list",
        {
            "filter": {">=DATE_MODIFY": since, "CATEGORY_ID": 0},
            "order": {"ID": "DESC"},
            "select": ["ID", "CATEGORY_ID"],
        },
    )
    ids = [int(r["ID"]) for r in body["result"]]
    assert ids[0] == 119 and ids == sorted(ids, reverse=True) and min(ids) == 61
    assert {r["CATEGORY_ID"] for r in body["result"]} == {"0"} and body["total"] == 30
    by_title = portal.ok(
        "crm.deal.list", {"filter": {"%TITLE": "Deal 11"}, "order": {"TITLE": "DESC"}}
    )
    assert [r["TITLE"] for r in by_title["result"]][:2] == ["Deal 119", "Deal 118"]


def test_history_leads_and_tasks_lists(portal: Portal) -> None:
    leads = portal.ok("crm.stagehistory.list", {"entityTypeId": 1})["result"]["items"]
    assert [(i["OWNER_ID"], i["STATUS_ID"], i["TYPE_ID"]) for i in leads] == [(1, "NEW", 1)]
    assert [r["ID"] for r in portal.ok("crm.lead.list", {})["result"]] == ["1", "2", "3"]
    tasks = portal.ok(
        "tasks.task.list", {"filter": {"UF_CRM_TASK": "D_2"}, "select": ["ID", "UF_CRM_TASK"]}
    )
    assert tasks["result"]["tasks"] == [{"id": "8017", "ufCrmTask": ["D_2"]}]
    assert portal.ok("tasks.task.list", {"filter": {"UF_CRM_TASK": "D_3"}})["result"]["tasks"] == []


def test_batch_chains_keyset_pages_with_result_references(portal: Portal) -> None:
    cmd = {"req_0": "crm.item.list?entityTypeId=2&order[id]=ASC&start=-1&select[]=id"}
    for i in (1, 2):
        cmd[f"req_{i}"] = (
            f"crm.item.list?entityTypeId=2&order[id]=ASC&start=-1&select[]=id"
            f"&filter[>id]=$result[req_{i - 1}][items][49][id]"
        )
    body = portal.ok("batch", {"halt": 0, "cmd": cmd})["result"]
    pages = [[i["id"] for i in body["result"][f"req_{n}"]["items"]] for n in range(3)]
    assert pages[1][0] == 51 and pages[2] == list(range(101, 121))
    assert body["result_error"] == [] and set(body["result_time"]) == set(cmd)


def test_batch_halt_errors_and_list_shape(portal: Portal) -> None:
    cmd = {"a": "crm.deal.get?ID=1", "b": "crm.deal.get?ID=9999", "c": "crm.deal.get?ID=2"}
    go_on = portal.ok("batch", {"halt": 0, "cmd": cmd})["result"]
    assert set(go_on["result"]) == {"a", "c"}
    assert go_on["result_error"] == {"b": {"error": "", "error_description": "Not found"}}
    halted = portal.ok("batch", {"halt": 1, "cmd": cmd})["result"]
    assert set(halted["result"]) == {"a"} and set(halted["result_error"]) == {"b"}
    listed = portal.ok("batch", {"cmd": ["crm.deal.get?ID=1", "crm.deal.get?ID=2"]})["result"]
    assert isinstance(listed["result"], list) and listed["result"][1]["ID"] == "2"
    nested = portal.ok("batch", {"cmd": {"x": "batch?cmd[y]=user.current"}})["result"]
    assert nested["result_error"]["x"]["error"] == "ERROR_BATCH_METHOD_NOT_ALLOWED"


def test_batch_over_fifty_commands_is_refused(portal: Portal) -> None:
    cmd = {f"c{i}": "user.current" for i in range(51)}
    response = portal.call("batch", {"cmd": cmd})
    assert response.status_code == 400 and response.json()["error"] == "ERROR_BATCH_LENGTH_EXCEEDED"
    assert portal.ok("batch", {"cmd": dict(list(cmd.items())[:50])})["result"]["result_error"] == []


def test_leaky_bucket_answers_503(make_portal: Factory) -> None:
    clock = Clock(simulated=True, start=T0)
    portal = make_portal(options=EmulatorOptions(clock=clock, rate_limit=True))
    statuses = [portal.call("user.current").status_code for _ in range(51)]
    assert statuses[:50] == [200] * 50 and statuses[50] == 503
    assert portal.call("user.current").json() == {
        "error": "QUERY_LIMIT_EXCEEDED",
        "error_description": "Too many requests",
    }
    clock.advance(1.0)  # drains 2 requests
    assert [portal.call("user.current").status_code for _ in range(3)] == [200, 200, 503]


def test_cost_model_operating_limit_429_and_basket_expiry(make_portal: Factory) -> None:
    clock = Clock(simulated=True, start=T0)
    state = generate(Vendor.BITRIX24, 20_000, 1)
    deals = sum(1 for d in state.deals.values() if d.entity is EntityKind.DEAL)
    portal = make_portal(state, EmulatorOptions(clock=clock, cost_model=True))
    portal.app.cost.limit = 2.0  # the docs' 480 s, scaled down so the test stays fast
    first = portal.ok("crm.deal.list", {"select": ["ID"]})
    spent = first["time"]["processing"]
    assert abs(spent - (0.01 + deals * PER_COUNTED_ROW + 50 * 0.0017)) < 1e-6
    assert first["time"]["operating"] == spent and first["time"]["operating_reset_at"] == int(
        T0 + 600
    )
    assert clock.now() == T0 + spent  # simulated: time advanced, nothing slept
    statuses = [portal.call("crm.deal.list", {"select": ["ID"]}).status_code for _ in range(6)]
    assert 429 in statuses and statuses[0] == 200
    assert portal.call("crm.deal.list").json()["error"] == "OPERATION_TIME_LIMIT"
    keyset = portal.call("crm.item.list", {"entityTypeId": 2, "start": -1, "order": {"id": "ASC"}})
    assert keyset.status_code == 200  # other methods keep working (§5.2)
    assert keyset.json()["time"]["processing"] < 0.2
    clock.advance(601)
    assert portal.call("crm.deal.list", {"select": ["ID"]}).status_code == 200
    assert portal.app.rows_counted >= deals > 19_000 and portal.app.requests_served >= 9
    assert portal.app.server_seconds > 2.0


def test_request_over_sixty_seconds_is_cut_off(make_portal: Factory) -> None:
    clock = Clock(simulated=True, start=T0)
    portal = make_portal(
        empty_portal(Vendor.BITRIX24), EmulatorOptions(clock=clock, cost_model=True)
    )
    cmd = {f"c{i}": "crm.deal.list?select[]=ID" for i in range(50)}
    portal.app.backend.state.deals.update(generate(Vendor.BITRIX24, 60_000, 1).deals)  # 50 x ~1.2 s
    response = portal.call("batch", {"cmd": cmd})
    assert response.status_code == 504
    assert clock.now() - T0 > 60


def test_activity_bindings_and_id_lookups(portal: Portal) -> None:
    bound = portal.ok(
        "crm.activity.list", {"filter": {"BINDINGS": [{"OWNER_TYPE_ID": 2, "OWNER_ID": 1}]}}
    )
    assert [r["ID"] for r in bound["result"]] == ["20"]
    other = portal.ok(
        "crm.activity.list", {"filter": {"BINDINGS": [{"OWNER_TYPE_ID": 1, "OWNER_ID": 1}]}}
    )
    assert other["result"] == []
    one = portal.ok("crm.deal.list", {"filter": {"ID": 77}, "select": ["ID"]})
    assert one["result"] == [{"ID": "77"}] and one["total"] == 1
    users = portal.ok("user.get", {"filter": {"ID": [29]}})
    assert [u["NAME"] for u in users["result"]] == ["Klaus"]
    top_level = portal.ok("user.get", {"UF_DEPARTMENT": 1, "SORT": "ID", "ORDER": "desc"})
    assert [u["ID"] for u in top_level["result"]] == ["29", "1"]


def test_user_fields_and_lead_fields(portal: Portal) -> None:
    portal.state.custom_fields = [
        CustomField(entity="deal", id="UF_CRM_1721244482250", name="Budget", type="string")
    ]
    assert portal.ok("crm.deal.get", {"ID": 1})["result"]["UF_CRM_1721244482250"] is None
    listed = portal.ok("crm.deal.list", {"select": ["ID", "UF_*"], "filter": {"ID": 1}})
    assert listed["result"] == [{"ID": "1", "UF_CRM_1721244482250": None}]
    described = portal.ok("crm.deal.fields")["result"]["UF_CRM_1721244482250"]
    assert described["isDynamic"] is True and described["listLabel"] == "Budget"
    lead = portal.ok("crm.lead.fields")["result"]
    assert lead["STATUS_ID"]["statusType"] == "STATUS" and "CATEGORY_ID" not in lead


def test_scaled_clock_waits_a_fraction_of_modelled_time(make_portal: Factory) -> None:
    clock = Clock(scale=1000.0)
    portal = make_portal(
        generate(Vendor.BITRIX24, 2_000, 1), EmulatorOptions(clock=clock, cost_model=True)
    )
    began = clock.now()
    body = portal.ok("crm.deal.list", {"select": ["ID"]})
    assert body["time"]["processing"] > 0.09  # ~0.1 s modelled ...
    assert clock.now() - began >= body["time"]["processing"]  # ... passed on the clock


def test_batch_is_one_request_for_the_bucket(make_portal: Factory) -> None:
    portal = make_portal(options=EmulatorOptions(clock=Clock(simulated=True), rate_limit=True))
    cmd = {f"c{i}": "user.current" for i in range(50)}
    for _ in range(50):
        assert portal.call("batch", {"cmd": cmd}).status_code == 200
    assert portal.call("batch", {"cmd": cmd}).status_code == 503


def test_overdue_task_meta_status(portal: Portal) -> None:
    overdue = portal.ok("tasks.task.list", {"filter": {"STATUS": -1}})["result"]["tasks"]
    assert [t["id"] for t in overdue] == ["8017"]  # deadline T0 + 1 day, clock T0 + 1e6 s
    assert portal.ok("tasks.task.list", {"filter": {"STATUS": 5}})["result"]["tasks"] == []


def test_yes_no_filters_match_as_the_api_does(make_portal: Factory) -> None:
    """`filter[CLOSED]=N` / `=Y` split the deals; `!CLOSED` negates (bitrix24.md §3)."""
    import dataclasses

    state = docs_portal()
    for n in range(1, 30, 3):
        state.deals[str(n)] = dataclasses.replace(state.deals[str(n)], closed=True)
    portal = make_portal(state)

    def ids(flt: dict[str, object]) -> set[str]:
        body = portal.ok("crm.deal.list", {"filter": {**flt, "<=ID": 40}, "select": ["ID"]})
        return {r["ID"] for r in body["result"]}

    everything = ids({})
    open_ids, closed_ids = ids({"CLOSED": "N"}), ids({"CLOSED": "Y"})
    assert closed_ids == {str(n) for n in range(1, 30, 3)} and open_ids
    assert open_ids | closed_ids == everything and not open_ids & closed_ids
    assert ids({"!CLOSED": "Y"}) == open_ids
