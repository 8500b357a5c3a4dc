"""Bearer tokens: long-lived, OAuth codes, expiry, refresh rotation with the grace rule."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

from funnelkit.emulator.amocrm import AmoCrmApp, token_for
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.serving.server import EmulatorServer
from funnelkit.emulator.state import EmulatorOptions


def _grant(server: EmulatorServer, options: EmulatorOptions, **fields: str) -> httpx.Response:
    body = {
        "client_id": options.client_id,
        "client_secret": options.client_secret,
        "redirect_uri": "https://test.test",
        **fields,
    }
    return httpx.post(f"{server.url}/oauth2/access_token", json=body)


def _leads(server: EmulatorServer, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{server.url}/api/v4/leads", headers=headers).status_code


def _by_code(app: AmoCrmApp, server: EmulatorServer, options: EmulatorOptions) -> dict[str, Any]:
    response = _grant(server, options, grant_type="authorization_code", code=app.issue_code())
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_long_lived_token_and_401(server: EmulatorServer, options: EmulatorOptions) -> None:
    assert token_for(options) == options.secret
    assert _leads(server, token_for(options)) == 200
    assert _leads(server, "wrong") == 401
    assert httpx.get(f"{server.url}/api/v4/leads").status_code == 401


def test_code_grant_gives_a_jwt_pair(
    app: AmoCrmApp, server: EmulatorServer, options: EmulatorOptions
) -> None:
    pair = _by_code(app, server, options)
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == options.access_token_ttl
    _header, claims, _ = pair["access_token"].split(".")
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    assert decoded["exp"] == int(options.clock.now()) + options.access_token_ttl
    assert "api_domain" in decoded
    assert _leads(server, pair["access_token"]) == 200


def test_code_is_single_use_and_expires(
    app: AmoCrmApp, server: EmulatorServer, options: EmulatorOptions, clock: Clock
) -> None:
    code = app.issue_code()
    assert _grant(server, options, grant_type="authorization_code", code=code).is_success
    again = _grant(server, options, grant_type="authorization_code", code=code)
    assert again.status_code == 400
    late = app.issue_code()
    clock.advance(20 * 60 + 1)
    expired = _grant(server, options, grant_type="authorization_code", code=late)
    assert expired.json()["hint"] == "Authorization code has expired"


def test_bad_client_secret(server: EmulatorServer, options: EmulatorOptions) -> None:
    body = {
        "client_id": options.client_id,
        "client_secret": "x",
        "grant_type": "refresh_token",
        "refresh_token": "y",
    }
    response = httpx.post(f"{server.url}/oauth2/access_token", json=body)
    assert response.status_code == 401
    assert options.client_secret not in response.text


def test_access_token_expires_on_the_clock(
    app: AmoCrmApp, server: EmulatorServer, options: EmulatorOptions, clock: Clock
) -> None:
    pair = _by_code(app, server, options)
    clock.advance(options.access_token_ttl - 1)
    assert _leads(server, pair["access_token"]) == 200
    clock.advance(2)
    assert _leads(server, pair["access_token"]) == 401


def test_expire_tokens_forces_expiry_but_refresh_still_works(
    app: AmoCrmApp, server: EmulatorServer, options: EmulatorOptions
) -> None:
    pair = _by_code(app, server, options)
    app.expire_tokens()
    assert _leads(server, pair["access_token"]) == 401
    assert _leads(server, options.secret) == 200  # the long-lived token is not an OAuth one
    fresh = _grant(
        server, options, grant_type="refresh_token", refresh_token=pair["refresh_token"]
    ).json()
    assert _leads(server, fresh["access_token"]) == 200


def test_refresh_rotation_with_grace(
    app: AmoCrmApp, server: EmulatorServer, options: EmulatorOptions
) -> None:
    """§1.1: RT1 stays usable until RT2 is used; then RT1 is revoked."""
    rt1 = _by_code(app, server, options)["refresh_token"]
    first = _grant(server, options, grant_type="refresh_token", refresh_token=rt1).json()
    rt2 = first["refresh_token"]
    assert rt2 != rt1
    # a lost answer: RT1 is still good and yields another pair
    retry = _grant(server, options, grant_type="refresh_token", refresh_token=rt1)
    assert retry.status_code == 200
    rt2b = retry.json()["refresh_token"]
    third = _grant(server, options, grant_type="refresh_token", refresh_token=rt2b)
    assert third.status_code == 200
    revoked = _grant(server, options, grant_type="refresh_token", refresh_token=rt1)
    assert revoked.status_code == 401
    assert revoked.json()["hint"] == "Token has been revoked"
    unknown = _grant(server, options, grant_type="refresh_token", refresh_token="nope")
    assert unknown.status_code == 400
    assert rt2  # the unused sibling stays valid, as the grace rule reads
    assert _grant(server, options, grant_type="refresh_token", refresh_token=rt2).is_success


def test_non_admin_token_cannot_write_pipelines(
    app: AmoCrmApp, server: EmulatorServer, options: EmulatorOptions
) -> None:
    """§5.2: pipeline and status writes are admin-only; reads are for everyone."""
    code = app.issue_code(user_id="123321", admin=False)
    pair = _grant(server, options, grant_type="authorization_code", code=code).json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    url = f"{server.url}/api/v4/leads/pipelines"
    assert httpx.get(url, headers=headers).status_code == 200
    refused = httpx.delete(f"{url}/3177800", headers=headers)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    account = httpx.get(f"{server.url}/api/v4/account", headers=headers).json()
    assert account["current_user_id"] == 123321
