"""The shared HTTP layer: pacing, retries, error mapping, redaction."""

from __future__ import annotations

import httpx
import pytest
import respx

from funnelkit.connectors.http import ApiClient, ClientBucket, Transient
from funnelkit.connectors.redact import redact
from funnelkit.errors import AuthError, ConnectorError, RateLimitError, VendorApiError

URL = "https://acme.example/rest/1/s3cr3tcode/crm.deal.list"


def make(max_retry: float = 2.0, check=None) -> ApiClient:  # type: ignore[no-untyped-def]
    return ApiClient(
        httpx.Client(),
        vendor="bitrix24",
        rate=1000,
        burst=1000,
        max_retry_seconds=max_retry,
        secrets=["s3cr3tcode"],
        check=check,
        backoff_initial=0.01,
        backoff_max=0.05,
    )


@respx.mock
def test_retries_503_then_succeeds() -> None:
    route = respx.post(URL).mock(
        side_effect=[httpx.Response(503, json={"error": "x"}), httpx.Response(200, json={"r": 1})]
    )
    api = make()
    assert api.call("crm.deal.list", URL) == {"r": 1}
    assert route.call_count == 2
    assert api.retries == 1


@respx.mock
def test_truncated_json_is_retried() -> None:
    respx.post(URL).mock(
        side_effect=[httpx.Response(200, content=b'{"result": [1, 2'), httpx.Response(200, json=[])]
    )
    assert make().call("crm.deal.list", URL) == []


@respx.mock
def test_connection_error_is_retried() -> None:
    respx.post(URL).mock(side_effect=[httpx.ConnectError("boom"), httpx.Response(200, json={})])
    assert make().call("crm.deal.list", URL) == {}


@respx.mock
def test_gives_up_with_rate_limit_error_naming_method() -> None:
    respx.post(URL).mock(return_value=httpx.Response(429, headers={"Retry-After": "0.05"}))
    with pytest.raises(RateLimitError) as info:
        make(max_retry=0.3).call("crm.deal.list", URL)
    assert info.value.method == "crm.deal.list"
    assert "crm.deal.list" in info.value.message
    assert "s3cr3tcode" not in info.value.message
    assert info.value.exit_code == 3


@respx.mock
def test_retry_after_longer_than_budget_gives_up_at_once() -> None:
    route = respx.post(URL).mock(return_value=httpx.Response(429, headers={"Retry-After": "100"}))
    with pytest.raises(RateLimitError):
        make(max_retry=1).call("crm.deal.list", URL)
    assert route.call_count == 1


@respx.mock
def test_non_json_404_maps_to_vendor_error() -> None:
    respx.post(URL).mock(return_value=httpx.Response(404, text="<html>no portal</html>"))
    with pytest.raises(VendorApiError) as info:
        make().call("crm.deal.list", URL)
    assert info.value.status == 404
    assert info.value.hint


@respx.mock
def test_401_is_auth_error() -> None:
    respx.post(URL).mock(return_value=httpx.Response(401, json={"error": "NO_AUTH_FOUND"}))
    with pytest.raises(AuthError):
        make().call("crm.deal.list", URL)


@respx.mock
def test_vendor_check_runs_first() -> None:
    def check(method: str, response: httpx.Response, payload: object) -> None:
        if isinstance(payload, dict) and payload.get("error") == "QUERY_LIMIT_EXCEEDED":
            raise Transient("busy", rate_limited=True)

    respx.post(URL).mock(
        side_effect=[
            httpx.Response(200, json={"error": "QUERY_LIMIT_EXCEEDED"}),
            httpx.Response(200, json={"ok": True}),
        ]
    )
    assert make(check=check).call("m", URL) == {"ok": True}


def test_bucket_paces_after_burst() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    bucket = ClientBucket(2.0, 3, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        bucket.acquire()
    assert slept == [pytest.approx(0.5), pytest.approx(0.5)]


def test_redact_masks_webhook_and_tokens() -> None:
    text = (
        "POST https://a.bitrix24.ru/rest/12/abcdef123/crm.deal.list?auth=tok123&x=1 "
        '{"refresh_token": "rrr999"} Bearer eyJabc.def'
    )
    out = redact(text)
    for secret in ("abcdef123", "tok123", "rrr999", "eyJabc.def"):
        assert secret not in out
    assert "/rest/12/***" in out
    assert redact("xx mysecretvalue yy", ["mysecretvalue"]) == "xx *** yy"


def test_connector_error_is_base() -> None:
    assert issubclass(RateLimitError, ConnectorError)


@respx.mock
def test_redirect_is_reported_not_followed() -> None:
    respx.post(URL).mock(
        return_value=httpx.Response(
            302, headers={"Location": "https://new.example/rest/1/s3cr3tcode/x"}
        )
    )
    with pytest.raises(ConnectorError) as info:
        make().call("crm.deal.list", URL)
    assert "moved" in info.value.message and "new.example" in info.value.message
    assert "s3cr3tcode" not in info.value.message


@respx.mock
def test_vendor_messages_are_scrubbed() -> None:
    def check(method: str, response: httpx.Response, payload: object) -> None:
        raise VendorApiError(f"echo {URL}", f"see {URL}", method=method)

    respx.post(URL).mock(return_value=httpx.Response(400, json={"error": "x"}))
    with pytest.raises(VendorApiError) as info:
        make(check=check).call("crm.deal.list", URL)
    assert "s3cr3tcode" not in str(info.value) and "s3cr3tcode" not in (info.value.hint or "")
