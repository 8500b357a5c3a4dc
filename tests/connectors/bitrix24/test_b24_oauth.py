"""OAuth: `expired_token` → one refresh, new tokens saved atomically with 0600, never shown."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from funnelkit.connectors.base import Credentials
from funnelkit.connectors.bitrix24.connector import Bitrix24Connector
from funnelkit.emulator.bitrix24 import Bitrix24App
from funnelkit.emulator.generate.messy import generate
from funnelkit.errors import AuthError
from funnelkit.model import Vendor
from tests.connectors.bitrix24.portal import Portal, running


def _token_file(portal: Portal, path: Path) -> tuple[str, str]:
    app = portal.server.app
    assert isinstance(app, Bitrix24App)
    access, refresh = app.auth.issue()
    endpoint = f"{portal.server.url}/rest/"
    path.write_text(
        json.dumps(
            {
                "access_token": access,
                "refresh_token": refresh,
                "client_endpoint": endpoint,
                "server_endpoint": endpoint,
            }
        )
    )
    return access, refresh


def _creds(portal: Portal, path: Path, secret: str | None = None) -> Credentials:
    return Credentials(
        client_id=SecretStr(portal.options.client_id),
        client_secret=SecretStr(secret or portal.options.client_secret),
        token_file=path,
    )


def test_expired_token_is_refreshed_and_saved(tmp_path: Path) -> None:
    path = tmp_path / "b24.json"
    state = generate(Vendor.BITRIX24, 25, 1)
    with running(state) as portal:
        access, refresh = _token_file(portal, path)
        portal.server.app.expire_tokens()
        connector = Bitrix24Connector(portal.settings, _creds(portal, path))
        snap = connector.pull_structure()
        connector.close()
    # Smart-process funnels included: structure reads cover them too.
    assert {f.id for f in snap.structure.funnels} == set(state.funnels)
    saved = json.loads(path.read_text())
    assert saved["access_token"] != access and saved["refresh_token"] != refresh
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".b24.json.*"))  # no temp file left behind


def test_refresh_refused_is_auth_error_without_secrets(tmp_path: Path) -> None:
    path = tmp_path / "b24.json"
    with running(generate(Vendor.BITRIX24, 6, 1)) as portal:
        access, refresh = _token_file(portal, path)
        portal.server.app.expire_tokens()
        connector = Bitrix24Connector(portal.settings, _creds(portal, path, "wrong-secret-77"))
        with pytest.raises(AuthError) as info:
            connector.pull_structure()
        connector.close()
    text = f"{info.value.message} {info.value.hint}"
    for secret in (access, refresh, "wrong-secret-77"):
        assert secret not in text
    assert info.value.method == "oauth.token"
