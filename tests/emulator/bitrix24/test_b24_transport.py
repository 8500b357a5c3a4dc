"""Transport and auth: webhook paths, `.json`, GET/form/JSON bodies, OAuth tokens and refresh."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.state import EmulatorOptions
from tests.emulator.bitrix24.conftest import Factory, Portal
from tests.emulator.bitrix24.docs_portal import T0


def _ids(body: dict[str, Any]) -> list[str]:
    return [row["ID"] for row in body["result"]]


def test_get_form_json_and_suffix_agree(portal: Portal) -> None:
    query = (
        "filter%5B%3EID%5D=5&filter%5BCATEGORY_ID%5D=2&order%5BID%5D=ASC&select%5B%5D=ID&start=-1"
    )
    via_get = portal.http.get(portal.hook + "crm.deal.list?" + query).json()
    via_json_suffix = portal.http.get(portal.hook + "crm.deal.list.json?" + query).json()
    via_form = portal.http.post(
        portal.hook + "crm.deal.list",
        content=query.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ).json()
    via_json = portal.ok(
        "crm.deal.list",
        {
            "filter": {">ID": 5, "CATEGORY_ID": 2},
            "order": {"ID": "ASC"},
            "select": ["ID"],
            "start": -1,
        },
    )
    assert _ids(via_get)[:3] == ["6", "8", "10"]
    assert _ids(via_get) == _ids(via_json_suffix) == _ids(via_form) == _ids(via_json)
    assert set(via_json["result"][0]) == {"ID"}


def test_upper_case_keys_and_indexed_select(portal: Portal) -> None:
    body = portal.ok("crm.deal.list", {"FILTER": {"@ID": [3, 4, 999]}, "SELECT": ["ID", "TITLE"]})
    assert _ids(body) == ["3", "4"] and body["total"] == 2
    url = portal.hook + "CRM.DEAL.LIST?select[0]=ID&select[1]=STAGE_ID&filter[ID]=4&"
    row = portal.http.get(url).json()["result"][0]
    assert row == {"ID": "4", "STAGE_ID": "C2:NEW"}


def test_wrong_webhook_secret_is_401(portal: Portal) -> None:
    bad = portal.http.post(f"{portal.server.url}/rest/1/wrong-secret/crm.deal.list", json={})
    assert bad.status_code == 401
    assert bad.json()["error"] == "INVALID_CREDENTIALS"
    assert "wrong-secret" not in bad.text


def test_unknown_method(portal: Portal) -> None:
    response = portal.call("crm.nothing.here")
    assert response.status_code == 404
    assert response.json() == {
        "error": "ERROR_METHOD_NOT_FOUND",
        "error_description": "Method not found!",
    }


def _oauth(portal: Portal, **params: str) -> dict[str, Any]:
    base = {"client_id": portal.options.client_id, "client_secret": portal.options.client_secret}
    response = portal.http.get(f"{portal.server.url}/oauth/token/", params=base | params)
    return {**response.json(), "http": response.status_code}


def test_oauth_tokens_expire_and_refresh_rotates(make_portal: Factory) -> None:
    clock = Clock(simulated=True, start=T0)
    portal = make_portal(options=EmulatorOptions(clock=clock, access_token_ttl=3600))
    granted = _oauth(portal, grant_type="authorization_code", code=portal.app.auth.issue_code())
    assert granted["http"] == 200 and granted["expires_in"] == 3600
    assert granted["client_endpoint"] == f"{portal.server.url}/rest/"
    token = granted["access_token"]
    in_query = portal.http.get(
        f"{portal.server.url}/rest/crm.category.list?entityTypeId=2&auth={quote(token)}"
    )
    in_body = portal.http.post(f"{portal.server.url}/rest/user.current.json", json={"auth": token})
    assert in_query.status_code == 200 and in_body.json()["result"]["ID"] == "1"
    clock.advance(3601)
    expired = portal.http.post(f"{portal.server.url}/rest/user.current", json={"auth": token})
    assert expired.status_code == 401 and expired.json()["error"] == "expired_token"
    refreshed = _oauth(portal, grant_type="refresh_token", refresh_token=granted["refresh_token"])
    assert refreshed["http"] == 200 and refreshed["refresh_token"] != granted["refresh_token"]
    again = portal.http.post(
        f"{portal.server.url}/rest/user.current", json={"auth": refreshed["access_token"]}
    )
    assert again.status_code == 200
    reused = _oauth(portal, grant_type="refresh_token", refresh_token=granted["refresh_token"])
    assert reused["http"] == 400 and reused["error"] == "invalid_grant"
    unknown = portal.http.post(f"{portal.server.url}/rest/user.current", json={"auth": "nope"})
    assert unknown.status_code == 401 and unknown.json()["error"] == "NO_AUTH_FOUND"


def test_expire_fault_expires_issued_tokens(portal: Portal) -> None:
    access, _ = portal.app.auth.issue()
    portal.app.expire_tokens()
    response = portal.http.post(f"{portal.server.url}/rest/user.current", json={"auth": access})
    assert response.json()["error"] == "expired_token"


def test_injected_overload_faults_use_vendor_bodies(portal: Portal) -> None:
    assert portal.app.fault_response("503").status == 503
    body = portal.app.fault_response("429").body
    assert b"OPERATION_TIME_LIMIT" in body


def test_broken_json_body_is_a_vendor_error(portal: Portal) -> None:
    response = portal.http.post(
        portal.hook + "crm.deal.list",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["error"] == "INVALID_REQUEST"
