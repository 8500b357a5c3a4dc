"""Writes are visible to later reads, with vendor-style ids and history events."""

from __future__ import annotations

from typing import Any

import httpx

from funnelkit.emulator.amocrm import AmoCrmApp
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.state import PortalState
from funnelkit.model import CustomField

from .docs_portal import P1, P2


def _events(api: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = api.get("/api/v4/events", params=params)
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["_embedded"]["events"]
    return events


def test_added_lead_is_listed_and_has_lead_added(api: httpx.Client, clock: Clock) -> None:
    spec = [{"name": "Новая", "price": 700, "_embedded": {"contacts": [{"id": 4}]}}]
    made = api.post("/api/v4/leads", json=spec).json()["_embedded"]["leads"][0]
    lead = api.get(f"/api/v4/leads/{made['id']}").json()
    assert (lead["name"], lead["price"], lead["pipeline_id"]) == ("Новая", 700, int(P1))
    assert lead["status_id"] == 32392159  # first working stage of the main pipeline
    assert lead["created_at"] == int(clock.now())
    assert [c["id"] for c in lead["_embedded"]["contacts"]] == [4]
    added = _events(
        api,
        **{"filter[type]": "lead_added", "filter[entity_id]": made["id"], "filter[entity]": "lead"},
    )
    assert len(added) == 1 and added[0]["created_by"] == 504141


def test_cross_pipeline_move_is_one_event(api: httpx.Client, clock: Clock) -> None:
    clock.advance(60)
    response = api.patch(
        "/api/v4/leads/19601", json={"pipeline_id": int(P2), "status_id": 32400003}
    )
    assert response.status_code == 200
    assert response.json()["updated_at"] == int(clock.now())
    lead = api.get("/api/v4/leads/19601").json()
    assert (lead["pipeline_id"], lead["status_id"], lead["updated_at"]) == (
        int(P2),
        32400003,
        int(clock.now()),
    )
    found = _events(
        api,
        **{
            "filter[type]": "lead_status_changed",
            "filter[value_after][leads_statuses][0][pipeline_id]": P2,
            "filter[value_after][leads_statuses][0][status_id]": "32400003",
        },
    )
    assert [e["entity_id"] for e in found] == [19601]
    assert found[0]["value_before"][0]["lead_status"]["pipeline_id"] == int(P1)


def test_status_without_pipeline_follows_the_status(api: httpx.Client) -> None:
    api.patch("/api/v4/leads", json=[{"id": 19603, "status_id": 32400003}])
    assert api.get("/api/v4/leads/19603").json()["pipeline_id"] == int(P2)
    # 142 without a pipeline stays in the current pipeline (§6.4)
    api.patch("/api/v4/leads", json=[{"id": 19603, "status_id": 142}])
    lead = api.get("/api/v4/leads/19603").json()
    assert (lead["pipeline_id"], lead["status_id"]) == (int(P2), 142)
    assert lead["closed_at"] is not None


def test_unknown_status_is_a_validation_error(api: httpx.Client) -> None:
    response = api.patch(
        "/api/v4/leads", json=[{"id": 19603, "status_id": 32400003, "pipeline_id": int(P1)}]
    )
    assert response.status_code == 400
    assert response.json()["validation-errors"][0]["errors"][0]["path"] == "status_id"


def test_responsible_change_is_an_event(api: httpx.Client) -> None:
    api.patch("/api/v4/leads/19604", json={"responsible_user_id": 939801})
    found = _events(
        api,
        **{
            "filter[type]": "entity_responsible_changed",
            "filter[entity]": "lead",
            "filter[entity_id]": 19604,
        },
    )
    assert found[0]["value_after"] == [{"responsible_user": {"id": 939801}}]
    assert found[0]["value_before"] == [{"responsible_user": {"id": 123321}}]
    assert api.get("/api/v4/leads/19604").json()["responsible_user_id"] == 939801


def test_batch_limit_is_250(api: httpx.Client) -> None:
    response = api.post("/api/v4/leads", json=[{"name": str(i)} for i in range(251)])
    assert response.status_code == 422
    assert response.json()["detail"] == "Limit 250 per page"


def test_task_writes_and_deadline_event(api: httpx.Client, state: PortalState) -> None:
    spec = [
        {
            "text": "Перезвонить",
            "complete_till": 1_800_000_000,
            "entity_type": "leads",
            "entity_id": 19605,
            "responsible_user_id": 123321,
        }
    ]
    made = api.post("/api/v4/tasks", json=spec).json()["_embedded"]["tasks"][0]
    assert made["id"] == 7091 and made["request_id"] == "0"
    assert state.activities[-1].id == "T7091"
    assert api.get("/api/v4/leads/19605").json()["closest_task_at"] == 1_800_000_000
    api.patch("/api/v4/tasks", json=[{"id": 7091, "complete_till": 1_800_086_400}])
    moved = _events(api, **{"filter[type]": "task_deadline_changed"})
    assert moved[0]["entity_type"] == "task" and moved[0]["entity_id"] == 7091
    assert moved[0]["value_after"] == [{"task_deadline": {"timestamp": 1_800_086_400}}]
    open_tasks = api.get(
        "/api/v4/tasks", params={"filter[is_completed]": 0, "filter[entity_type]": "leads"}
    ).json()
    assert {t["id"] for t in open_tasks["_embedded"]["tasks"]} == {7087, 7091}
    missing = api.post("/api/v4/tasks", json=[{"text": "x"}])
    assert missing.status_code == 400


def test_loss_reasons_crud(api: httpx.Client) -> None:
    made = api.post("/api/v4/leads/loss_reasons", json=[{"name": "Дорого", "sort": 3}])
    reason = made.json()["_embedded"]["loss_reasons"][0]
    assert reason["request_id"] == "0" and reason["id"] > 4203748
    listed = api.get("/api/v4/leads/loss_reasons").json()["_embedded"]["loss_reasons"]
    assert [r["name"] for r in listed] == ["Дорого", "Пропала потребность"]
    api.patch(f"/api/v4/leads/loss_reasons/{reason['id']}", json={"name": "Очень дорого"})
    assert api.get(f"/api/v4/leads/loss_reasons/{reason['id']}").json()["name"] == "Очень дорого"
    assert api.delete(f"/api/v4/leads/loss_reasons/{reason['id']}").status_code == 204
    assert api.get(f"/api/v4/leads/loss_reasons/{reason['id']}").status_code == 204


def test_missing_entities_answer_204(api: httpx.Client) -> None:
    for url in (
        "/api/v4/leads/999999",
        "/api/v4/contacts/999",
        "/api/v4/companies/999",
        "/api/v4/tasks/999",
        "/api/v4/users/1",
        "/api/v4/events/nope",
    ):
        response = api.get(url)
        assert response.status_code == 204 and response.content == b"", url


def test_deletions_leave_events_and_a_trash(
    api: httpx.Client, app: AmoCrmApp, clock: Clock
) -> None:
    clock.advance(5)
    assert app.delete("lead", "19605", by="504141")
    assert app.delete("contact", "4") and app.delete("task", "T7087")
    assert not app.delete("lead", "19605")
    assert api.get("/api/v4/leads/19605").status_code == 204
    listed = {
        x["id"]
        for x in api.get("/api/v4/leads", params={"limit": 250}).json()["_embedded"]["leads"]
    }
    assert 19605 not in listed and len(listed) == 11
    kinds = {
        (e["type"], e["entity_id"])
        for e in _events(api, **{"filter[type]": "lead_deleted,contact_deleted,task_deleted"})
    }
    assert kinds == {("lead_deleted", 19605), ("contact_deleted", 4), ("task_deleted", 7087)}
    trash = api.get("/api/v4/leads", params={"with": "only_deleted"}).json()
    assert trash["_embedded"]["leads"] == [
        {
            "id": 19605,
            "updated_at": int(clock.now()),
            "updated_by": 504141,
            "is_deleted": True,
            "_links": {"self": {"href": str(api.base_url).rstrip("/") + "/api/v4/leads/19605"}},
        }
    ]


def test_custom_fields(api: httpx.Client, state: PortalState, app: AmoCrmApp) -> None:
    state.custom_fields.extend(
        [
            CustomField(entity="deal", id="501", name="Источник", type="select"),
            CustomField(entity="contact", id="3", name="Телефон", type="multitext", multiple=True),
        ]
    )
    leads = api.get("/api/v4/leads/custom_fields").json()["_embedded"]["custom_fields"]
    assert [(f["id"], f["name"], f["entity_type"]) for f in leads] == [(501, "Источник", "leads")]
    assert api.get("/api/v4/contacts/custom_fields/3").json()["type"] == "multitext"
    assert api.get("/api/v4/companies/custom_fields").status_code == 204
