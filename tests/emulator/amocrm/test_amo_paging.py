"""Paging, `_links`, 204, and the lead and event filters."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from funnelkit.emulator.amocrm import AmoCrmApp
from funnelkit.emulator.state import PortalState

from .docs_portal import P1, T0


def _all(api: httpx.Client, url: str, key: str, **params: Any) -> list[dict[str, Any]]:
    """Follow `_links.next` until it is missing, as clients should (§3)."""
    rows: list[dict[str, Any]] = []
    response = api.get(url, params=params)
    while response.status_code == 200:
        body = response.json()
        rows.extend(body["_embedded"][key])
        nxt = body["_links"].get("next")
        if nxt is None:
            break
        parts = urlsplit(nxt["href"])
        response = api.get(f"{parts.path}?{parts.query}")
    assert response.status_code in (200, 204)
    return rows


def test_next_link_walks_every_lead_once(api: httpx.Client) -> None:
    rows = _all(api, "/api/v4/leads", "leads", limit=5, **{"order[id]": "asc"})
    assert [r["id"] for r in rows] == list(range(19600, 19612))


def test_last_page_has_no_next_and_past_end_is_204(api: httpx.Client) -> None:
    last = api.get("/api/v4/leads", params={"limit": 5, "page": 3}).json()
    assert "next" not in last["_links"] and last["_links"]["prev"]["href"].endswith("page=2")
    past = api.get("/api/v4/leads", params={"limit": 5, "page": 4})
    assert past.status_code == 204 and past.content == b""


def test_empty_filter_result_is_204(api: httpx.Client) -> None:
    response = api.get("/api/v4/leads", params={"filter[pipeline_id]": 3177800})
    assert response.status_code == 204


def test_updated_at_window_in_order(api: httpx.Client) -> None:
    """Leads were updated at T0+5000-10n: a window picks n=2..5, ordered as asked."""
    params = {
        "filter[updated_at][from]": T0 + 4950,
        "filter[updated_at][to]": T0 + 4980,
        "order[updated_at]": "asc",
        "limit": 2,
    }
    rows = _all(api, "/api/v4/leads", "leads", **params)
    assert [r["id"] for r in rows] == [19605, 19604, 19603, 19602]
    params["order[updated_at]"] = "desc"
    rows = _all(api, "/api/v4/leads", "leads", **params)
    assert [r["id"] for r in rows] == [19602, 19603, 19604, 19605]
    by_id = _all(
        api,
        "/api/v4/leads",
        "leads",
        **{
            "filter[updated_at][from]": T0 + 4950,
            "filter[updated_at][to]": T0 + 4980,
            "order[id]": "desc",
        },
    )
    assert [r["id"] for r in by_id] == [19605, 19604, 19603, 19602]


def test_created_at_and_id_filters(api: httpx.Client) -> None:
    rows = _all(api, "/api/v4/leads", "leads", **{"filter[created_at][from]": T0 + 1000})
    assert [r["id"] for r in rows] == [19610, 19611]
    rows = _all(api, "/api/v4/leads", "leads", **{"filter[id][]": [19603, 19601, 5]})
    assert [r["id"] for r in rows] == [19601, 19603]


def test_pipeline_and_statuses_filters(api: httpx.Client) -> None:
    won = _all(
        api,
        "/api/v4/leads",
        "leads",
        **{"filter[statuses][0][pipeline_id]": P1, "filter[statuses][0][status_id]": 142},
    )
    assert [r["id"] for r in won] == [19600, 19604, 19608]
    everything = _all(api, "/api/v4/leads", "leads", **{"filter[pipeline_id][]": P1})
    assert len(everything) == 12
    ignored = _all(api, "/api/v4/leads", "leads", **{"filter[nonsense]": 1})
    assert len(ignored) == 12  # unknown filters are silently ignored (§6.1)


def test_with_contacts_only_when_asked(api: httpx.Client) -> None:
    plain = api.get("/api/v4/leads", params={"limit": 1}).json()["_embedded"]["leads"][0]
    assert "contacts" not in plain["_embedded"]
    rich = api.get("/api/v4/leads", params={"limit": 1, "with": "contacts"}).json()
    assert rich["_embedded"]["leads"][0]["_embedded"]["contacts"][0]["is_main"] is True


def test_events_limit_is_100(api: httpx.Client) -> None:
    assert api.get("/api/v4/events", params={"limit": 101}).status_code == 422
    assert api.get("/api/v4/events", params={"limit": 100}).status_code == 200


def test_events_filters(api: httpx.Client) -> None:
    everything = _all(api, "/api/v4/events", "events", limit=7)
    assert len(everything) == 12 + 9 + 1 + 1  # created, moved, responsible, call
    times = [e["created_at"] for e in everything]
    assert times == sorted(times, reverse=True)
    assert len({e["id"] for e in everything}) == len(everything)
    both = _all(
        api, "/api/v4/events", "events", **{"filter[type]": "lead_added,entity_responsible_changed"}
    )
    assert {e["type"] for e in both} == {"lead_added", "entity_responsible_changed"}
    assert len(both) == 13
    listed = _all(
        api, "/api/v4/events", "events", **{"filter[type][]": ["outgoing_call", "lead_added"]}
    )
    assert len(listed) == 13
    late = _all(
        api,
        "/api/v4/events",
        "events",
        **{
            "filter[type]": "lead_added",
            "filter[created_at][from]": T0 + 1000,
            "filter[created_at][to]": T0 + 1100,
        },
    )
    assert [e["entity_id"] for e in late] == [19611, 19610]
    after = _all(
        api,
        "/api/v4/events",
        "events",
        **{"filter[type]": "lead_added", "filter[created_at]": T0 + 1050},
    )
    assert [e["entity_id"] for e in after] == [19611]
    contacts = api.get("/api/v4/events", params={"filter[entity]": "contact"})
    assert contacts.status_code == 204
    calls = _all(
        api,
        "/api/v4/events",
        "events",
        **{"filter[entity][]": "lead", "filter[type]": "outgoing_call"},
    )
    assert calls[0]["value_after"][0]["note"]["id"] > 0 and calls[0]["entity_id"] == 19603
    by_author = _all(api, "/api/v4/events", "events", **{"filter[created_by][]": 123321})
    assert {e["created_by"] for e in by_author} == {123321}


def test_event_by_id_and_types(api: httpx.Client) -> None:
    one = api.get("/api/v4/events/01evresp0000000000000000001").json()
    assert one["type"] == "entity_responsible_changed" and one["entity_id"] == 19601
    types = api.get("/api/v4/events/types").json()
    assert {"key": "lead_added", "type": 1, "lang": "Новая сделка"} in types["_embedded"][
        "events_types"
    ]


def test_users_contacts_companies_fields_paging(api: httpx.Client) -> None:
    users = api.get("/api/v4/users", params={"limit": 2}).json()
    assert users["_page_count"] == 2 and "next" in users["_links"]
    contacts = _all(api, "/api/v4/contacts", "contacts", limit=1)
    assert [c["id"] for c in contacts] == [3, 4]
    companies = _all(api, "/api/v4/companies", "companies")
    assert companies[0]["name"] == "ООО Ромашка"
    assert api.get("/api/v4/leads/custom_fields").status_code == 204


def test_contact_time_filters_and_order(api: httpx.Client) -> None:
    recent = _all(api, "/api/v4/contacts", "contacts", **{"filter[created_at][from]": T0})
    assert [c["id"] for c in recent] == [4]
    newest_first = _all(api, "/api/v4/contacts", "contacts", **{"order[updated_at]": "desc"})
    assert [c["id"] for c in newest_first] == [4, 3]
    companies = api.get("/api/v4/companies", params={"filter[updated_at][from]": T0})
    assert companies.status_code == 204


def test_numeric_products_and_source_are_served(
    api: httpx.Client, state: PortalState, app: AmoCrmApp
) -> None:
    state.deals["19601"] = replace(state.deals["19601"], products=("525439", "x"), source="77")
    state.deals["19602"] = replace(state.deals["19602"], source="site")
    app.invalidate()
    lead = api.get("/api/v4/leads/19601", params={"with": "catalog_elements"}).json()
    assert [c["id"] for c in lead["_embedded"]["catalog_elements"]] == [525439]
    assert lead["source_id"] == 77
    assert api.get("/api/v4/leads/19602").json()["source_id"] is None


def test_tasks_order(api: httpx.Client) -> None:
    soonest = _all(api, "/api/v4/tasks", "tasks", **{"order[complete_till]": "asc"})
    assert [t["id"] for t in soonest] == [7090, 7087]
    newest = _all(api, "/api/v4/tasks", "tasks", **{"order[id]": "desc"})
    assert [t["id"] for t in newest] == [7090, 7087]
    assert [t["id"] for t in _all(api, "/api/v4/tasks", "tasks")] == [7087, 7090]
