"""Every official response example of the notes reproduced for the same request."""

from __future__ import annotations

import json
from typing import Any

import httpx

from funnelkit.emulator.amocrm import AmoCrmApp
from funnelkit.emulator.serving.server import EmulatorServer
from funnelkit.emulator.state import EmulatorOptions, PortalState

from .conftest import example, shape_errors
from .docs_portal import P1

DOCS_HOST = "https://example.amocrm.ru"


def _json(response: httpx.Response, server_url: str) -> Any:
    """The body with the emulator's host written as the docs' host."""
    return json.loads(response.text.replace(server_url, DOCS_HOST))


def _get(api: httpx.Client, url: str, **kw: Any) -> Any:
    response = api.get(url, **kw)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/hal+json")
    return _json(response, str(api.base_url).rstrip("/"))


def test_pipelines_list_matches_the_docs(api: httpx.Client) -> None:
    """§5.4: the docs' pipeline 3177727 comes back field for field."""
    body = _get(api, "/api/v4/leads/pipelines")
    expected = example("pipelines_list")
    assert shape_errors(body, expected) == []
    assert body["_total_items"] == 2
    assert body["_links"] == expected["_links"]
    assert body["_embedded"]["pipelines"][0] == expected["_embedded"]["pipelines"][0]


def test_pipeline_by_id_is_the_list_item(api: httpx.Client) -> None:
    body = _get(api, f"/api/v4/leads/pipelines/{P1}")
    assert body == example("pipelines_list")["_embedded"]["pipelines"][0]


def test_pipeline_add_request_gives_the_documented_answer(api: httpx.Client) -> None:
    """§5.5: system statuses added, 142 renamed, sorts renumbered, request_id echoed."""
    response = api.post("/api/v4/leads/pipelines", json=example("pipelines_add_request"))
    assert response.status_code == 200, response.text
    body = _json(response, str(api.base_url).rstrip("/"))
    expected = example("pipelines_add_response")
    # is_archive: the docs' POST answer lacks it although GET has it (notes §5.5)
    assert shape_errors(body, expected, loose=frozenset({"is_archive"})) == []
    made = body["_embedded"]["pipelines"][0]
    assert made["request_id"] == "123"
    statuses = [
        (s["name"], s["sort"], s["color"], s["type"]) for s in made["_embedded"]["statuses"]
    ]
    assert statuses == [
        ("Неразобранное", 10, "#c1c1c1", 1),
        ("Первичный контакт", 20, "#fffeb2", 0),
        ("Мое название для успешных сделок", 10000, "#CCFF66", 0),
        ("Закрыто и не реализовано", 11000, "#D5D8DB", 0),
    ]
    assert [s["id"] for s in made["_embedded"]["statuses"]][2:] == [142, 143]


def test_pipeline_edit_gives_the_documented_answer(api: httpx.Client) -> None:
    """§5.6: the unsorted status disappears with is_unsorted_on false; request_id "0"."""
    response = api.patch(f"/api/v4/leads/pipelines/{P1}", json=example("pipeline_edit_request"))
    assert response.status_code == 200, response.text
    body = _json(response, str(api.base_url).rstrip("/"))
    expected = example("pipeline_edit_response")
    assert shape_errors(body, expected) == []
    assert body["_embedded"]["statuses"] == expected["_embedded"]["statuses"]
    assert (body["name"], body["is_main"], body["request_id"]) == (expected["name"], False, "0")


def test_statuses_with_descriptions(api: httpx.Client) -> None:
    """§5.7: `_total_items`, no top-level `_links`, `descriptions` on every status."""
    text = 'Описание статуса "Первичный контакт" для новичка'
    patch = {"descriptions": [{"level": "newbie", "description": text}]}
    assert api.patch(f"/api/v4/leads/pipelines/{P1}/statuses/32392159", json=patch).is_success
    body = _get(api, f"/api/v4/leads/pipelines/{P1}/statuses", params={"with": "descriptions"})
    expected = example("statuses_list_with_descriptions")
    assert shape_errors(body, expected) == []
    assert "_links" not in body and body["_total_items"] == 5
    described = body["_embedded"]["statuses"][1]["descriptions"]
    assert [(d["level"], d["description"]) for d in described] == [("newbie", text)]


def test_status_add_gives_the_documented_answer(api: httpx.Client) -> None:
    """§5.8: ids assigned, sorts renormalised after the existing ones, request_id by index."""
    response = api.post(
        f"/api/v4/leads/pipelines/{P1}/statuses", json=example("statuses_add_request")
    )
    assert response.status_code == 200, response.text
    body = _json(response, str(api.base_url).rstrip("/"))
    assert shape_errors(body, example("statuses_add_response")) == []
    made = body["_embedded"]["statuses"]
    assert [(s["name"], s["sort"], s["request_id"]) for s in made] == [
        ("Новый этап", 40, "0"),
        ("Новый этап 2", 50, "1"),
    ]
    assert [d["level"] for d in made[0]["descriptions"]] == ["newbie", "candidate", "master"]
    assert made[1]["descriptions"] == []


def test_status_edit_gives_the_documented_answer(api: httpx.Client) -> None:
    """§5.9: name and colour changed, descriptions created."""
    url = f"/api/v4/leads/pipelines/{P1}/statuses/32392165"
    response = api.patch(url, json=example("status_edit_request"))
    assert response.status_code == 200, response.text
    body = _json(response, str(api.base_url).rstrip("/"))
    expected = example("status_edit_response")
    assert shape_errors(body, expected) == []
    assert (body["name"], body["color"], body["request_id"]) == (
        expected["name"],
        expected["color"],
        "0",
    )
    assert [d["level"] for d in body["descriptions"]] == ["newbie", "candidate"]


def test_leads_page_two_links(api: httpx.Client) -> None:
    """§6.2: page 2 of limit 2 has self/next/first/prev exactly as documented."""
    body = _get(api, "/api/v4/leads", params={"limit": 2, "page": 2})
    expected = example("leads_list")
    assert shape_errors(body, expected) == []
    assert body["_links"] == expected["_links"]
    assert body["_page"] == 2 and len(body["_embedded"]["leads"]) == 2


def test_lead_detail_with_loss_reason(api: httpx.Client) -> None:
    """§6.3: loss_reason is an array, catalog_elements and contacts present."""
    move = {
        "status_id": 143,
        "pipeline_id": int(P1),
        "loss_reason_id": 4203748,
        "_embedded": {"tags": [{"name": "тест"}]},
    }
    assert api.patch("/api/v4/leads/19600", json=move).is_success
    body = _get(api, "/api/v4/leads/19600", params={"with": "loss_reason,catalog_elements"})
    assert shape_errors(body, example("lead_detail")) == []
    assert body["status_id"] == 143 and body["closed_at"] is not None
    assert [r["id"] for r in body["_embedded"]["loss_reason"]] == [4203748]
    assert body["_embedded"]["tags"][0]["name"] == "тест"


def test_leads_edit_answer(api: httpx.Client) -> None:
    """§6.4: the batch PATCH answer (the docs' ids swapped for this portal's)."""
    items = example("leads_edit_request")
    items[0].update(id=19601, pipeline_id=int(P1))
    items[1].update(id=19602, pipeline_id=int(P1), status_id=32392165)
    response = api.patch("/api/v4/leads", json=items)
    assert response.status_code == 200, response.text
    body = _json(response, str(api.base_url).rstrip("/"))
    assert shape_errors(body, example("leads_edit_response")) == []
    assert [x["request_id"] for x in body["_embedded"]["leads"]] == ["0", "1"]
    assert _get(api, "/api/v4/leads/19601")["status_id"] == 143
    assert _get(api, "/api/v4/leads/19602")["price"] == 50000


def test_leads_add_answer(api: httpx.Client) -> None:
    """§6.4: POST answers ids, request_ids and links only."""
    response = api.post("/api/v4/leads", json=[{"name": "a"}, {"name": "b"}])
    assert response.status_code == 200, response.text
    body = _json(response, str(api.base_url).rstrip("/"))
    assert shape_errors(body, example("leads_add_response")) == []
    ids = [x["id"] for x in body["_embedded"]["leads"]]
    assert ids[1] == ids[0] + 1 and ids[0] > 19611


def test_events_list_envelope(api: httpx.Client) -> None:
    """§7: string ids, singular entity_type, self/next links of limit=1."""
    body = _get(api, "/api/v4/events", params={"limit": 1, "page": 1})
    expected = example("events_list")
    expected["_embedded"]["events"][0]["value_after"] = []  # its value depends on the type
    assert shape_errors(body, expected) == []
    assert body["_links"] == expected["_links"]


def test_event_values_match_the_documented_shapes(api: httpx.Client) -> None:
    for kind, name in (
        ("lead_status_changed", "event_lead_status_changed_values"),
        ("entity_responsible_changed", "event_responsible_changed_values"),
    ):
        body = _get(api, "/api/v4/events", params={"filter[type]": kind, "limit": 1})
        event = body["_embedded"]["events"][0]
        values = {k: event[k] for k in ("value_after", "value_before")}
        assert shape_errors(values, example(name)) == [], kind


def test_tasks_list_href(api: httpx.Client) -> None:
    """§8: the self link keeps the filter exactly as the docs print it."""
    url = "/api/v4/tasks?filter[task_type][]=2&filter[is_completed][]=1&limit=2&page=1"
    body = _get(api, url)
    expected = example("tasks_list")
    assert shape_errors(body, expected, loose=frozenset({"next"})) == []
    assert body["_links"]["self"] == expected["_links"]["self"]
    assert [t["id"] for t in body["_embedded"]["tasks"]] == [7090]


def test_task_detail_with_result(api: httpx.Client) -> None:
    """§8: `result` becomes an object once set."""
    done = {"is_completed": True, "result": {"text": "Результат есть"}}
    assert api.patch("/api/v4/tasks/7087", json=done).is_success
    body = _get(api, "/api/v4/tasks/7087")
    assert shape_errors(body, example("task_detail")) == []
    assert body["result"] == {"text": "Результат есть"} and body["is_completed"] is True


def test_users_list(api: httpx.Client) -> None:
    """§10.1: totals, page count, rights and embedded roles/groups."""
    body = _get(api, "/api/v4/users/", params={"with": "role,group"})
    expected = example("users_list")
    assert shape_errors(body, expected, loose=frozenset({"status_rights"})) == []
    assert (body["_total_items"], body["_page"], body["_page_count"]) == (3, 1, 1)
    active = {u["id"]: u["rights"]["is_active"] for u in body["_embedded"]["users"]}
    assert active[939801] is False


def test_account_with_everything(api: httpx.Client) -> None:
    """§10.2: the RU example's fields with all `with=`; Kommo's currency fields too."""
    withs = (
        "amojo_id,amojo_rights,users_groups,task_types,version,entity_names,"
        "datetime_settings,drive_url,is_api_filter_enabled"
    )
    body = _get(api, "/api/v4/account", params={"with": withs})
    kommo = example("account_kommo")
    extra = frozenset(k for k in kommo if k not in example("account"))
    assert shape_errors(body, example("account"), loose=extra | {"entity_names"}) == []
    plain = _get(api, "/api/v4/account")
    assert shape_errors(plain, kommo, loose=frozenset(body) - frozenset(kommo)) == []
    assert (plain["currency"], plain["currency_symbol"]) == ("RUB", "₽")
    assert "_embedded" not in plain and "amojo_id" not in plain


def test_contact_detail(api: httpx.Client) -> None:
    """§11: with=leads lists the contact's leads; one company at most."""
    body = _get(api, "/api/v4/contacts/3", params={"with": "leads,customers,catalog_elements"})
    loose = frozenset({"custom_fields_values"})  # this portal keeps no field values
    assert shape_errors(body, example("contact_detail"), loose=loose) == []
    assert {x["id"] for x in body["_embedded"]["leads"]} == {
        19600,
        19602,
        19604,
        19606,
        19608,
        19610,
    }
    assert [c["id"] for c in body["_embedded"]["companies"]] == [1]


def _problem(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def test_error_bodies(api: httpx.Client, server: EmulatorServer) -> None:
    """§1.5, §2: the documented problem bodies."""
    bad = httpx.get(f"{server.url}/api/v4/leads", headers={"Authorization": "Bearer nope"})
    assert _problem(bad, 401) == example("error_401")
    assert _problem(api.delete("/api/v4/leads"), 405) == example("error_405")
    assert _problem(api.get("/api/v4/leads", params={"limit": 251}), 422) == example(
        "error_422_limit"
    )
    assert _problem(api.post("/api/v4/leads", json=[]), 400) == example("error_400_empty")
    missing = _problem(api.get("/api/v4/example"), 404)
    assert shape_errors(missing, example("error_404")) == []
    assert missing["detail"].startswith("Cannot GET http")
    invalid = _problem(api.post("/api/v4/leads", json=[{"status_id": 999}]), 400)
    assert shape_errors(invalid, example("error_400_validation")) == []
    assert invalid["validation-errors"][0]["errors"][0]["path"] == "status_id"


def test_unpaid_and_too_many(state: PortalState, options: EmulatorOptions) -> None:
    """§2 402 and §4 429 bodies, byte for byte (retry_after as the docs' 300)."""
    app = AmoCrmApp(state, options, unpaid=True, retry_after=300)
    headers = {"Authorization": f"Bearer {options.secret}"}
    with EmulatorServer(app) as server:
        response = httpx.get(f"{server.url}/api/v4/leads", headers=headers)
        assert _problem(response, 402) == example("error_402")
        assert (
            app.fault_response("429").body
            == json.dumps(example("error_429"), ensure_ascii=False, separators=(",", ":")).encode()
        )


def test_oauth_revoked_body(
    app: AmoCrmApp, server: EmulatorServer, options: EmulatorOptions
) -> None:
    """§1.2: a refresh token used after its successor → the observed revoked body."""
    base = {
        "client_id": options.client_id,
        "client_secret": options.client_secret,
        "redirect_uri": "https://test.test",
    }
    first = httpx.post(
        f"{server.url}/oauth2/access_token",
        json={**base, "grant_type": "authorization_code", "code": app.issue_code()},
    ).json()
    second = httpx.post(
        f"{server.url}/oauth2/access_token",
        json={**base, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    ).json()
    httpx.post(
        f"{server.url}/oauth2/access_token",
        json={**base, "grant_type": "refresh_token", "refresh_token": second["refresh_token"]},
    )
    dead = httpx.post(
        f"{server.url}/oauth2/access_token",
        json={**base, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )
    assert _problem(dead, 401) == example("oauth_error_revoked")
