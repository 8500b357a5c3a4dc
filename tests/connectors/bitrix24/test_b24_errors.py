"""Errors: wrong webhook, non-JSON bodies, missing scope, secrets kept out of messages."""

from __future__ import annotations

import httpx
import pytest
import respx
from pydantic import SecretStr

from funnelkit.connectors.base import Credentials, NullProgress, PortalSettings, PullScope
from funnelkit.connectors.bitrix24.connector import Bitrix24Connector
from funnelkit.emulator.generate.messy import generate
from funnelkit.errors import AuthError, ConnectorError, VendorApiError
from funnelkit.model import Vendor
from tests.connectors.bitrix24.portal import running

HOOK = "https://acme.bitrix24.ru/rest/7/hooksecret123/"
SETTINGS = PortalSettings(
    vendor=Vendor.BITRIX24, url="https://acme.bitrix24.ru", max_retry_seconds=0.3, burst=100
)


def _connector(budget: float = 0.3) -> Bitrix24Connector:
    settings = SETTINGS.model_copy(update={"max_retry_seconds": budget})
    return Bitrix24Connector(settings, Credentials(webhook=SecretStr(HOOK)), sleep=lambda s: None)


def _no_secret(exc: BaseException) -> None:
    text = f"{exc} {getattr(exc, 'hint', '')}"
    assert "hooksecret123" not in text


def test_wrong_webhook_is_exit_3_naming_the_method() -> None:
    with running(generate(Vendor.BITRIX24, 7, 1)) as portal:
        settings = portal.settings
        bad = f"{portal.server.url}/rest/1/wrong-secret-999/"
        connector = Bitrix24Connector(settings, Credentials(webhook=SecretStr(bad)))
        with pytest.raises(AuthError) as info:
            connector.pull(PullScope(), NullProgress())
        connector.close()
    assert info.value.exit_code == 3
    assert info.value.method == "batch"
    assert "INVALID_CREDENTIALS" in info.value.message
    assert "wrong-secret-999" not in info.value.message
    assert info.value.hint and "webhook" in info.value.hint


@respx.mock
def test_non_json_body_gives_up_with_connector_error() -> None:
    respx.post(HOOK + "batch").mock(return_value=httpx.Response(200, text="<html>oops</html>"))
    with pytest.raises(ConnectorError) as info:
        _connector().pull_structure()
    assert info.value.method == "batch" and "non-JSON" in info.value.message
    _no_secret(info.value)


@respx.mock
def test_portal_not_found_is_clear() -> None:
    respx.post(HOOK + "batch").mock(return_value=httpx.Response(404, text="<html>404</html>"))
    with pytest.raises(VendorApiError) as info:
        _connector().pull_structure()
    assert "portal URL" in info.value.message or "portal url" in (info.value.hint or "")
    _no_secret(info.value)


@respx.mock
def test_insufficient_scope_is_auth_error_with_hint() -> None:
    respx.post(HOOK + "batch").mock(
        return_value=httpx.Response(
            403,
            json={
                "error": "insufficient_scope",
                "error_description": "The request requires higher privileges",
            },
        )
    )
    with pytest.raises(AuthError) as info:
        _connector().pull_structure()
    assert "scope" in (info.value.hint or "")
    _no_secret(info.value)


@respx.mock
def test_query_limit_is_retried() -> None:
    ok = {"result": {"result": {"cats": {"categories": []}}, "result_error": [],
                     "result_total": [], "result_next": [], "result_time": []},
          "time": {"start": 1.0}}  # fmt: skip
    route = respx.post(HOOK + "batch").mock(
        side_effect=[
            httpx.Response(503, json={"error": "QUERY_LIMIT_EXCEEDED", "error_description": "x"}),
            httpx.Response(200, json=ok),
        ]
    )
    connector = _connector(budget=5)
    batch = connector.client.batch({"cats": "crm.category.list?entityTypeId=2"})
    assert route.call_count == 2
    assert batch.result == {"cats": {"categories": []}}


@respx.mock
def test_top_level_operation_time_limit_backs_off_then_succeeds() -> None:
    ok = {"result": {"result": {"c": {"categories": []}}, "result_error": []}, "time": {}}
    blocked = {"error": "OPERATION_TIME_LIMIT", "error_description": "blocked"}
    route = respx.post(HOOK + "batch").mock(
        side_effect=[httpx.Response(429, json=blocked), httpx.Response(200, json=ok)]
    )
    batch = _connector(budget=5).client.batch({"c": "crm.category.list?entityTypeId=2"})
    assert route.call_count == 2 and batch.result == {"c": {"categories": []}}
