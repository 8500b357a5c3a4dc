"""amoCRM mapping against the official examples quoted in the vendor notes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from funnelkit.connectors.amocrm import events as ev
from funnelkit.connectors.amocrm import mapping as mp
from funnelkit.model import ActivityKind, Deal, Semantics, TransitionKind, TunnelSource

DATA = Path(__file__).parent / "data"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_pipelines_example_maps_funnel_and_stages() -> None:
    payload = load("pipelines.json")
    [item] = mp.embedded(payload, "pipelines")
    funnel = mp.funnel(item)
    assert (funnel.id, funnel.name, funnel.sort, funnel.is_default) == (
        "3177727",
        "Воронка",
        1,
        True,
    )
    stages = {s.id: s for s in mp.pipeline_stages(item)}
    assert list(stages) == ["32392156", "32392159", "32392165", "142", "143"]
    assert all(s.funnel_id == "3177727" for s in stages.values())
    assert stages["142"].semantics is Semantics.SUCCESS and stages["142"].system
    assert stages["143"].semantics is Semantics.FAILURE and stages["143"].system
    unsorted = stages["32392156"]
    assert unsorted.system and unsorted.extras == {"type": "1"} and unsorted.sort == 10
    ordinary = stages["32392159"]
    assert not ordinary.system and ordinary.semantics is Semantics.PROCESS
    assert (ordinary.color, ordinary.sort, ordinary.name) == ("#99ccff", 20, "Первичный контакт")


def test_created_pipeline_statuses_keep_renumbered_sorts() -> None:
    [item] = mp.embedded(load("pipeline_created.json"), "pipelines")
    sorts = {s.id: s.sort for s in mp.pipeline_stages(item)}
    assert sorts == {"3304": 10, "3303": 20, "142": 10000, "143": 11000}
    statuses = mp.embedded(load("statuses_created.json"), "statuses")
    assert [mp.stage(s).funnel_id for s in statuses] == ["3270355", "3270355"]


def test_leads_page_example() -> None:
    leads = mp.embedded(load("leads_page.json"), "leads")
    deal = mp.deal(leads[0], currency="RUB")
    assert deal.id == "19619" and deal.funnel_id == "1300" and deal.stage_id == "142"
    assert deal.title == "Сделка для примера" and deal.amount == 46333.0 and deal.currency == "RUB"
    assert deal.responsible_id == "123321" and deal.creator_id == "321123"
    assert (deal.created_at, deal.modified_at, deal.closed_at) == (
        1453279607,
        1502193501,
        1483005931,
    )
    assert deal.closed and deal.loss_reason_id is None and deal.company_id is None
    assert deal.contact_ids == () and deal.tags == ()


def test_lead_detail_example_with_loss_reason_company_tags_and_products() -> None:
    deal = mp.deal(load("lead_detail.json"))
    assert deal.stage_id == "143" and deal.closed and deal.loss_reason_id == "4203748"
    assert deal.company_id == "10971463" and deal.tags == ("тест",)
    assert deal.products == ("525439",) and deal.currency is None


def test_main_contact_comes_first() -> None:
    item = load("lead_detail.json")
    item["_embedded"]["contacts"] = [{"id": 5, "is_main": False}, {"id": 7, "is_main": True}]
    assert mp.deal(item).contact_ids == ("7", "5")


def test_events_example_and_value_shapes() -> None:
    [added] = mp.embedded(load("events_page.json"), "events")
    assert added["type"] == "lead_added" and isinstance(added["id"], str)
    values = load("lead_status_changed_values.json")
    event = {
        "id": "01abc",
        "type": ev.STATUS_CHANGED,
        "entity_id": 26060763,
        "entity_type": "lead",
        "created_by": 939801,
        "created_at": 1888888888,
        **values,
    }
    row = ev.transition(event)
    assert row is not None
    assert (row.deal_id, row.funnel_id, row.to_stage_id, row.from_stage_id) == (
        "26060763",
        "437642",
        "5233224",
        "5233224",
    )
    assert (
        row.by == "939801" and row.kind is TransitionKind.MOVED and row.from_funnel_id == "437642"
    )
    lead = Deal(id="26060763", funnel_id="437642", stage_id="9", created_at=5, creator_id="1")
    created = ev.created(lead, row)
    assert created.kind is TransitionKind.CREATED and created.id == "created-26060763"
    assert (created.to_stage_id, created.funnel_id, created.from_stage_id) == (
        "5233224",
        "437642",
        None,
    )
    assert (created.at, created.by) == (5, "1")
    # a lead that never moved entered the stage it is in
    assert ev.created(lead, None).to_stage_id == "9"


def test_cross_pipeline_move_is_one_event_and_an_observed_tunnel() -> None:
    event = {
        "id": "e1",
        "type": ev.STATUS_CHANGED,
        "entity_id": 1,
        "created_by": 0,
        "created_at": 10,
        "value_after": [{"lead_status": {"id": 20, "pipeline_id": 2}}],
        "value_before": [{"lead_status": {"id": 143, "pipeline_id": 1}}],
    }
    row = ev.transition(event)
    assert row is not None and row.kind is TransitionKind.FUNNEL_CHANGED and row.by is None
    [tunnel] = ev.observed_tunnels([row, row])
    assert (tunnel.from_funnel_id, tunnel.from_stage_id, tunnel.to_funnel_id) == ("1", "143", "2")
    assert tunnel.source is TunnelSource.OBSERVED and tunnel.extras == {"moves": "2"}


def test_responsible_and_deadline_events() -> None:
    values = load("responsible_changed_values.json")
    change = ev.responsible_change(
        {"id": "r1", "entity_id": 9, "created_at": 5, "created_by": 1, **values}
    )
    assert (change.from_user_id, change.to_user_id, change.by) == ("37268", "504329", "1")
    deadline = ev.deadline_change(
        {
            "id": "d1",
            "entity_id": 7087,
            "created_at": 6,
            "created_by": 0,
            "value_before": [{"task_deadline": {"timestamp": 100}}],
            "value_after": [{"task_deadline": {"timestamp": 200}}],
        }
    )
    assert (deadline.task_id, deadline.old_deadline, deadline.new_deadline) == ("T7087", 100, 200)


def test_tasks_examples() -> None:
    tasks = [ev.task(t) for t in mp.embedded(load("tasks_page.json"), "tasks")]
    first = tasks[0]
    assert first.id == "T7087" and first.deal_id == "167353" and first.contact_id is None
    assert first.kind is ActivityKind.MEETING and first.done and first.completed_at == 1575364851
    assert first.deadline == 1575665940 and first.subject == "Пригласить на бесплатную тренировку"
    detail = ev.task(load("task_detail.json"))
    assert detail.responsible_id == "123123" and detail.id == "T56981"


def test_interaction_events() -> None:
    call = ev.interaction(
        {
            "id": "c1",
            "type": "outgoing_call",
            "entity_type": "contact",
            "entity_id": 3,
            "created_by": 4,
            "created_at": 50,
        }
    )
    assert call is not None and call.kind is ActivityKind.CALL
    assert (call.contact_id, call.deal_id, call.responsible_id, call.done) == ("3", None, "4", True)
    assert (
        ev.interaction({"id": "x", "type": "lead_deleted", "entity_id": 1, "created_at": 1}) is None
    )


def test_users_account_contact_examples() -> None:
    [user] = [mp.user(u) for u in mp.embedded(load("users.json"), "users")]
    assert (user.id, user.name, user.active, user.departments) == (
        "123123",
        "Пользователь для примера 2",
        True,
        ("Менеджеры",),
    )
    portal = mp.portal(load("account_kommo.json"), "yourdomain.kommo.com")
    assert portal.currency == "EUR" and portal.name == "yourname"
    contact = mp.contact(load("contact.json"))
    assert (contact.id, contact.name, contact.company_id, contact.responsible_id) == (
        "3",
        "Иван Иванов",
        "1",
        "504141",
    )


def test_palette_mapping() -> None:
    assert mp.nearest_colour("#FFFEB2") == "#fffeb2"
    assert mp.nearest_colour("#99ccff") == "#98cbff"
    assert mp.nearest_colour("#ff0000") in mp.PALETTE
    assert mp.nearest_colour("not-a-colour") is None and mp.nearest_colour(None) is None
