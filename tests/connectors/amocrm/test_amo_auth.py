"""Tokens, OAuth rotation and the vendor's refusals (401, 403 HTML, 429), over real HTTP."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from funnelkit.connectors.amocrm import AmoCrmConnector
from funnelkit.connectors.amocrm.client import IpBlockedError
from funnelkit.connectors.base import Credentials, NullProgress, PullScope
from funnelkit.emulator.amocrm import AmoCrmApp
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.server import EmulatorServer
from funnelkit.emulator.state import EmulatorOptions
from funnelkit.errors import AuthError, ConfigError
from funnelkit.model import Vendor
from tests.connectors.amocrm.portal import running, settings_for


def _oauth_file(
    server: EmulatorServer, app: AmoCrmApp, path: Path, *, expired: bool
) -> dict[str, str]:
    opts = app.options
    body = {
        "client_id": opts.client_id,
        "client_secret": opts.client_secret,
        "grant_type": "authorization_code",
        "code": app.issue_code(),
        "redirect_uri": "https://example.test",
    }
    pair = httpx.post(f"{server.url}/oauth2/access_token", json=body).json()
    expires_at = int(time.time()) - 10 if expired else int(time.time()) + 3600
    data = {**pair, "expires_at": expires_at, "redirect_uri": "https://example.test"}
    path.write_text(json.dumps(data), encoding="utf-8")
    return data


def _oauth_connector(server: EmulatorServer, app: AmoCrmApp, path: Path) -> AmoCrmConnector:
    creds = Credentials(
        token_file=path,
        client_id=SecretStr(app.options.client_id),
        client_secret=SecretStr(app.options.client_secret),
    )
    return AmoCrmConnector(settings_for(server.url), creds)


def test_refresh_on_401_rotates_and_saves_the_pair_0600(tmp_path: Path) -> None:
    state = generate(Vendor.AMOCRM, 30, 1)
    app = AmoCrmApp(state, EmulatorOptions())
    token_file = tmp_path / "amo.json"
    with EmulatorServer(app) as server:
        first = _oauth_file(server, app, token_file, expired=False)
        connector = _oauth_connector(server, app, token_file)
        app.expire_tokens()  # the next request gets a 401 and must refresh once
        snap = connector.pull(PullScope(), NullProgress())
        saved = json.loads(token_file.read_text(encoding="utf-8"))
        assert saved["refresh_token"] != first["refresh_token"]
        assert saved["access_token"] != first["access_token"]
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        # The new refresh token works once more; the first one is dead after that.
        app.expire_tokens()
        connector.pull_structure()
        again = json.loads(token_file.read_text(encoding="utf-8"))
        assert again["refresh_token"] != saved["refresh_token"]
        connector.close()
        stale_file = tmp_path / "stale.json"
        stale_file.write_text(json.dumps({**first, "expires_at": 0}), encoding="utf-8")
        stale = _oauth_connector(server, app, stale_file)
        with pytest.raises(AuthError):
            stale.pull_structure()  # the first refresh token died when its successor was used
        stale.close()
    dump = repr(snap) + snap.manifest.model_dump_json()
    for secret in (first["access_token"], first["refresh_token"], saved["access_token"]):
        assert secret not in dump


def test_expired_pair_is_refreshed_before_use(tmp_path: Path) -> None:
    state = generate(Vendor.AMOCRM, 5, 1)
    app = AmoCrmApp(state, EmulatorOptions())
    token_file = tmp_path / "amo.json"
    with EmulatorServer(app) as server:
        first = _oauth_file(server, app, token_file, expired=True)
        connector = _oauth_connector(server, app, token_file)
        connector.pull_structure()
        connector.close()
        paths = dict(server.requests_by_path)
    saved = json.loads(token_file.read_text(encoding="utf-8"))
    assert saved["refresh_token"] != first["refresh_token"] and saved["expires_at"] > time.time()
    assert paths["/oauth2/access_token"] == 2  # the code exchange, then one refresh


def test_revoked_refresh_token_is_an_auth_error_without_secrets(tmp_path: Path) -> None:
    state = generate(Vendor.AMOCRM, 5, 1)
    app = AmoCrmApp(state, EmulatorOptions())
    token_file = tmp_path / "amo.json"
    with EmulatorServer(app) as server:
        data = _oauth_file(server, app, token_file, expired=True)
        data["refresh_token"] = "def50200-not-a-real-refresh-token"
        token_file.write_text(json.dumps(data), encoding="utf-8")
        connector = _oauth_connector(server, app, token_file)
        with pytest.raises(AuthError) as caught:
            connector.pull_structure()
        connector.close()
    err = caught.value
    assert err.exit_code == 3 and "re-authorise" in (err.hint or "")
    assert data["refresh_token"] not in str(err) and data["access_token"] not in str(err)


def test_wrong_long_lived_token_is_exit_3_and_never_printed() -> None:
    state = generate(Vendor.AMOCRM, 5, 1)
    with running(state) as run:
        bad = AmoCrmConnector(
            settings_for(run.server.url), Credentials(token=SecretStr("wrong-token-123456"))
        )
        with pytest.raises(AuthError) as caught:
            bad.pull_structure()
        bad.close()
    assert caught.value.exit_code == 3 and "wrong-token-123456" not in str(caught.value)
    assert "401" in str(caught.value)


def test_ip_block_stops_at_once() -> None:
    state = generate(Vendor.AMOCRM, 5, 1)
    with running(state) as run:
        run.app.guard.block("127.0.0.1")
        with pytest.raises(IpBlockedError) as caught:
            run.connector.pull(PullScope(), NullProgress())
        assert run.server.requests == 1
    assert caught.value.exit_code == 3 and "support" in (caught.value.hint or "")


def test_client_pacing_keeps_under_the_vendor_limit() -> None:
    state = generate(Vendor.AMOCRM, 30, 1)
    options = EmulatorOptions(rate_limit=True)
    with running(state, options, rate_limit=7.0) as run:
        snap = run.connector.pull(PullScope(), NullProgress())
        assert run.connector.client.api.retries == 0
    assert len(snap.deals) == 30


def test_missing_credentials_and_bad_token_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        AmoCrmConnector(settings_for("http://127.0.0.1:1"), Credentials())
    junk = tmp_path / "junk.json"
    junk.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        AmoCrmConnector(settings_for("http://127.0.0.1:1"), Credentials(token_file=junk))
    assert "junk.json" in str(caught.value)
