"""AmoCrmClient edge cases, one crafted response at a time (respx)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx
from pydantic import SecretStr

from funnelkit.connectors.amocrm.client import AmoCrmClient, IpBlockedError
from funnelkit.connectors.base import Credentials, PortalSettings
from funnelkit.errors import AuthError, ConfigError, VendorApiError
from funnelkit.model import Vendor

BASE = "https://acme.amocrm.ru"
TOKEN = "long-lived-secret-token-0001"
DATA = Path(__file__).parent / "data"


def client(**extra: object) -> AmoCrmClient:
    settings = PortalSettings(vendor=Vendor.AMOCRM, url=BASE, rate_limit=100.0, **extra)
    return AmoCrmClient(settings, Credentials(token=SecretStr(TOKEN)), sleep=lambda s: None)


def page(items: list[dict[str, object]], next_page: int | None) -> dict[str, object]:
    links: dict[str, object] = {"self": {"href": f"{BASE}/api/v4/leads"}}
    if next_page is not None:
        # amocrm.md §1.4: `_links` may name a shard host; only the page number is used.
        links["next"] = {
            "href": f"https://shard152.amocrm.ru/api/v4/leads?limit=250&page={next_page}"
        }
    return {"_page": 1, "_links": links, "_embedded": {"leads": items}}


@respx.mock(base_url=BASE, assert_all_called=True)
def test_pages_follow_next_until_204(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/v4/leads").mock(
        side_effect=[
            httpx.Response(200, json=page([{"id": 1}], 2)),
            httpx.Response(200, json=page([{"id": 2}], 3)),
            httpx.Response(204),
        ]
    )
    c = client()
    got = [
        item["id"]
        for p in c.pages("/api/v4/leads", "leads", {"order[id]": "asc"}, 250)
        for item in p
    ]
    assert got == [1, 2]
    sent = [dict(call.request.url.params) for call in route.calls]
    assert [p["page"] for p in sent] == ["1", "2", "3"] and sent[0]["limit"] == "250"
    assert route.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


@respx.mock(base_url=BASE)
def test_429_retry_after_is_honoured(respx_mock: respx.MockRouter) -> None:
    body = json.loads((DATA / "error_429.json").read_text(encoding="utf-8"))
    waits: list[float] = []
    respx_mock.get("/api/v4/account").mock(
        side_effect=[httpx.Response(429, json=body), httpx.Response(200, json={"id": 1})]
    )
    settings = PortalSettings(
        vendor=Vendor.AMOCRM, url=BASE, rate_limit=100.0, max_retry_seconds=600
    )
    c = AmoCrmClient(settings, Credentials(token=SecretStr(TOKEN)), sleep=waits.append)
    assert c.get("/api/v4/account") == {"id": 1}
    assert 300 in waits  # the body's retry_after (amocrm.md §4)


@respx.mock(base_url=BASE)
def test_html_429_and_5xx_are_retried(respx_mock: respx.MockRouter) -> None:
    respx_mock.get("/api/v4/users").mock(
        side_effect=[
            httpx.Response(429, text="<html>429 Too Many Requests</html>"),
            httpx.Response(503, json={"title": "Service Unavailable", "status": 503}),
            httpx.Response(204),
        ]
    )
    c = client()
    assert c.get("/api/v4/users") is None and c.api.retries == 2


@respx.mock(base_url=BASE)
def test_html_403_is_an_ip_block_and_not_retried(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("/api/v4/leads").mock(
        return_value=httpx.Response(
            403, text="<html><center>nginx</center></html>", headers={"Content-Type": "text/html"}
        )
    )
    with pytest.raises(IpBlockedError) as caught:
        client().get("/api/v4/leads")
    assert route.call_count == 1 and caught.value.exit_code == 3


@respx.mock(base_url=BASE)
def test_json_403_is_a_rights_error(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/api/v4/leads/pipelines").mock(
        return_value=httpx.Response(
            403,
            json={"title": "Forbidden", "status": 403, "detail": "Access denied"},
            headers={"Content-Type": "application/problem+json"},
        )
    )
    with pytest.raises(AuthError) as caught:
        client().request("POST", "/api/v4/leads/pipelines", body=[{"name": "x"}])
    assert "administrator" in (caught.value.hint or "")


@respx.mock(base_url=BASE)
def test_validation_errors_name_the_fields(respx_mock: respx.MockRouter) -> None:
    body = json.loads((DATA / "error_400_validation.json").read_text(encoding="utf-8"))
    respx_mock.patch("/api/v4/leads").mock(return_value=httpx.Response(400, json=body))
    with pytest.raises(VendorApiError) as caught:
        client().request("PATCH", "/api/v4/leads", body=[{"id": 1}])
    text = str(caught.value)
    assert "custom_fields_values.0.field_id: NotSupportedChoice" in text and "status_id" in text
    assert TOKEN not in text and caught.value.status == 400


@respx.mock(base_url=BASE)
def test_401_with_a_long_lived_token_is_final(respx_mock: respx.MockRouter) -> None:
    body = json.loads((DATA / "error_401.json").read_text(encoding="utf-8"))
    route = respx_mock.get("/api/v4/account").mock(return_value=httpx.Response(401, json=body))
    with pytest.raises(AuthError) as caught:
        client().get("/api/v4/account")
    assert route.call_count == 1 and TOKEN not in str(caught.value)


def _jwt(claims: dict[str, object]) -> str:
    import base64

    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJSUzI1NiJ9.{body}.c2ln"


@respx.mock(assert_all_called=True)
def test_common_domain_is_refused_and_the_account_host_suggested(
    respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    respx_mock.get("https://api-b.amocrm.ru/oauth2/account/current/subdomain").mock(
        return_value=httpx.Response(
            200,
            json={"id": 1, "subdomain": "acme", "domain": "amocrm.ru", "top_level_domain": "ru"},
        )
    )
    token_file = tmp_path / "t.json"
    access = _jwt({"api_domain": "api-b.amocrm.ru", "exp": 1})
    token_file.write_text(json.dumps({"access_token": access, "refresh_token": "r" * 20}))
    settings = PortalSettings(vendor=Vendor.AMOCRM, url="https://www.amocrm.ru")
    with pytest.raises(ConfigError) as caught:
        AmoCrmClient(settings, Credentials(token_file=token_file))
    assert caught.value.hint == "set url: https://acme.amocrm.ru in funnelkit.yaml"
    assert access not in str(caught.value)
