"""Pipeline and status rules (amocrm.md §5)."""

from __future__ import annotations

from typing import Any

import httpx

from funnelkit.emulator.amocrm import AmoCrmApp
from funnelkit.emulator.state import PortalState

from .docs_portal import P1, P2

URL = "/api/v4/leads/pipelines"


def _new_pipeline(api: httpx.Client, name: str = "Новая", **extra: Any) -> dict[str, Any]:
    spec = {
        "name": name,
        "sort": 30,
        "is_main": False,
        "is_unsorted_on": True,
        "_embedded": {
            "statuses": [
                {"name": "Шаг 1", "sort": 10},
                {"name": "Шаг 2", "sort": 20, "color": "#c1e0ff"},
            ]
        },
    }
    spec.update(extra)
    response = api.post(URL, json=[spec])
    assert response.status_code == 200, response.text
    made: dict[str, Any] = response.json()["_embedded"]["pipelines"][0]
    return made


def test_new_pipeline_gets_system_statuses(api: httpx.Client) -> None:
    made = _new_pipeline(api)
    statuses = made["_embedded"]["statuses"]
    assert [(s["sort"], s["type"], s["is_editable"]) for s in statuses] == [
        (10, 1, False),
        (20, 0, True),
        (30, 0, True),
        (10000, 0, False),
        (11000, 0, False),
    ]
    assert [s["id"] for s in statuses][-2:] == [142, 143]
    assert made["request_id"] == "0"
    # ids: the pipeline's and the new statuses' are fresh and increasing
    assert made["id"] > int(P2)
    new_ids = [s["id"] for s in statuses[:3]]
    assert len(set(new_ids)) == 3 and min(new_ids) > 32400003
    listed = api.get(URL).json()
    assert listed["_total_items"] == 3


def test_colour_outside_the_palette_is_refused(api: httpx.Client) -> None:
    spec = [{"name": "Плохой", "sort": 10, "color": "#123456"}]
    response = api.post(f"{URL}/{P1}/statuses", json=spec)
    assert response.status_code == 400
    error = response.json()["validation-errors"][0]["errors"][0]
    assert (error["code"], error["path"]) == ("NotSupportedChoice", "color")
    patch = api.patch(f"{URL}/{P1}/statuses/32392159", json={"color": "#99ccff"})
    assert patch.status_code == 400


def test_pipeline_needs_required_fields(api: httpx.Client) -> None:
    response = api.post(URL, json=[{"name": "x"}])
    assert response.status_code == 400
    paths = {e["path"] for e in response.json()["validation-errors"][0]["errors"]}
    assert {"sort", "is_main", "is_unsorted_on", "_embedded.statuses"} <= paths


def test_fifty_pipeline_limit(api: httpx.Client) -> None:
    spec = {
        "name": "n",
        "sort": 1,
        "is_main": False,
        "is_unsorted_on": True,
        "_embedded": {"statuses": [{"name": "s", "sort": 1}]},
    }
    assert api.post(URL, json=[spec] * 48).status_code == 200
    assert api.post(URL, json=[spec]).status_code == 400


def test_status_sort_renumbered_on_move(api: httpx.Client) -> None:
    """Moving a status first renumbers the rest: unsorted 10, then 20, 30, …"""
    response = api.patch(f"{URL}/{P1}/statuses/32392165", json={"sort": 1})
    assert response.status_code == 200
    statuses = api.get(f"{URL}/{P1}/statuses").json()["_embedded"]["statuses"]
    assert [(s["id"], s["sort"]) for s in statuses] == [
        (32392156, 10),
        (32392165, 20),
        (32392159, 30),
        (142, 10000),
        (143, 11000),
    ]


def test_system_statuses_cannot_be_edited_or_deleted(api: httpx.Client) -> None:
    assert api.patch(f"{URL}/{P1}/statuses/142", json={"name": "x"}).status_code == 400
    assert api.delete(f"{URL}/{P1}/statuses/143").status_code == 400
    assert api.delete(f"{URL}/{P1}/statuses/32392156").status_code == 400


def test_deleting_a_status_moves_its_leads_to_the_first_stage(
    api: httpx.Client, state: PortalState
) -> None:
    before = [d.id for d in state.deals.values() if d.stage_id == "32392165"]
    assert before
    assert api.delete(f"{URL}/{P1}/statuses/32392165").status_code == 204
    assert api.get(f"{URL}/{P1}/statuses/32392165").status_code == 204
    for lead_id in before:
        assert api.get(f"/api/v4/leads/{lead_id}").json()["status_id"] == 32392159
    events = api.get(
        "/api/v4/events",
        params={
            "filter[type]": "lead_status_changed",
            "filter[entity_id][]": before[0],
            "filter[entity]": "lead",
        },
    ).json()["_embedded"]["events"]
    assert events[0]["value_before"][0]["lead_status"]["id"] == 32392165
    assert events[0]["value_after"][0]["lead_status"]["id"] == 32392159


def test_pipeline_with_leads_cannot_be_deleted(api: httpx.Client) -> None:
    response = api.delete(f"{URL}/{P1}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


def test_empty_pipeline_is_deleted_but_not_the_last(
    api: httpx.Client, state: PortalState, app: AmoCrmApp
) -> None:
    assert api.delete(f"{URL}/{P2}").status_code == 204
    assert api.get(f"{URL}/{P2}").status_code == 204
    assert not [k for k in state.stages if k[0] == P2]
    # empty P1 by hand, then it is the last pipeline left
    state.deals.clear()
    app.invalidate()
    response = api.delete(f"{URL}/{P1}")
    assert response.status_code == 400
    assert "последнюю" in response.json()["detail"]


def test_unsorted_hidden_when_switched_off(api: httpx.Client) -> None:
    assert api.patch(f"{URL}/{P1}", json={"is_unsorted_on": False}).status_code == 200
    statuses = api.get(f"{URL}/{P1}/statuses").json()["_embedded"]["statuses"]
    assert all(s["type"] == 0 for s in statuses)
    assert api.patch(f"{URL}/{P1}", json={}).status_code == 400


def test_main_pipeline_moves(api: httpx.Client) -> None:
    made = _new_pipeline(api, is_main=True)
    listed = {p["id"]: p["is_main"] for p in api.get(URL).json()["_embedded"]["pipelines"]}
    assert listed == {int(P1): False, int(P2): False, made["id"]: True}


def test_missing_pipeline_answers_204(api: httpx.Client) -> None:
    assert api.get(f"{URL}/999").status_code == 204
    assert api.get(f"{URL}/999/statuses").status_code == 204
