"""How a Bitrix24 call is authorised: incoming webhook URL or OAuth tokens with refresh (§1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from funnelkit.connectors.base import Credentials, PortalSettings
from funnelkit.connectors.http import ApiClient
from funnelkit.errors import AuthError, ConfigError, ConnectorError
from funnelkit.fileio import write_atomic

# §1.2: the English docs' authorisation server; a token's server_endpoint overrides it.
DEFAULT_OAUTH_SERVER = "https://oauth.bitrix.info"


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Replace a token file in one step with mode 0600, so a crash never leaves half of it."""
    write_atomic(path, json.dumps(data, indent=2, sort_keys=True))


class Grant(BaseModel):
    """A token server's answer (§1.2, A.7): a new pair that replaces the old one."""

    model_config = ConfigDict(extra="allow")

    access_token: str = Field(min_length=1)
    refresh_token: str = Field(min_length=1)
    expires_in: int | None = None


class WebhookAuth:
    """`https://PORTAL/rest/USER/CODE/` + method (§1.1); the code is the secret."""

    def __init__(self, webhook: str) -> None:
        parts = urlsplit(webhook.strip())
        if parts.scheme not in ("http", "https") or "/rest/" not in parts.path:
            raise ConfigError(
                "bitrix24 webhook URL is malformed (expected https://PORTAL/rest/USER_ID/CODE/)",
                "Copy the incoming webhook URL from Bitrix24 (Developer resources → webhooks)",
            )
        self.base = webhook.strip().rstrip("/") + "/"
        self.secret = parts.path.rstrip("/").rsplit("/", 1)[-1]

    def url(self, method: str) -> str:
        """The URL of one REST method."""
        return self.base + method

    def params(self) -> dict[str, Any]:
        """Nothing to add: the secret is in the path."""
        return {}

    def secrets(self) -> list[str]:
        """What to redact."""
        return [self.secret, self.base]

    def can_refresh(self) -> bool:
        """Webhooks cannot be refreshed (§17.11)."""
        return False

    def refresh(self, api: ApiClient) -> None:
        """Never called for a webhook."""
        raise AuthError("bitrix24: a webhook cannot be refreshed", "Create a new webhook")


class OAuthAuth:
    """`auth=TOKEN` on `{client_endpoint}{method}`; refresh once on `expired_token` (§1.2)."""

    def __init__(
        self, settings: PortalSettings, credentials: Credentials, token_file: Path
    ) -> None:
        self.token_file = token_file
        self.client_id = credentials.client_id.get_secret_value() if credentials.client_id else ""
        secret = credentials.client_secret
        self.client_secret = secret.get_secret_value() if secret else ""
        self.tokens = self._load()
        endpoint = self.tokens.get("client_endpoint") or settings.url.rstrip("/") + "/rest/"
        self.endpoint = str(endpoint).rstrip("/") + "/"

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.token_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"token file {self.token_file} does not exist",
                "Write the access_token and refresh_token of the app there (JSON)",
            ) from None
        except ValueError:
            raise ConfigError(f"token file {self.token_file} is not JSON", "Rewrite it") from None
        if not isinstance(data, dict) or not data.get("access_token"):
            raise ConfigError(
                f"token file {self.token_file} has no access_token",
                "Write the access_token and refresh_token of the app there (JSON)",
            )
        return data

    def url(self, method: str) -> str:
        """The URL of one REST method."""
        return self.endpoint + method

    def params(self) -> dict[str, Any]:
        """The access token rides in the body as `auth` (§1.2)."""
        return {"auth": str(self.tokens["access_token"])}

    def secrets(self) -> list[str]:
        """What to redact."""
        keys = ("access_token", "refresh_token")
        found = [str(self.tokens[k]) for k in keys if self.tokens.get(k)]
        return [*found, self.client_secret, self.client_id]

    def can_refresh(self) -> bool:
        """Refresh needs a refresh token and the app's id and secret."""
        return bool(self.tokens.get("refresh_token") and self.client_id and self.client_secret)

    def token_url(self) -> str:
        """The authorisation server's token endpoint, from the token's server_endpoint (§1.2)."""
        server = str(self.tokens.get("server_endpoint") or DEFAULT_OAUTH_SERVER)
        parts = urlsplit(server)
        return f"{parts.scheme}://{parts.netloc}/oauth/token/"

    def refresh(self, api: ApiClient) -> None:
        """Trade the refresh token for a new pair and save both before using them (§1.2)."""
        params = {
            "grant_type": "refresh_token",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": str(self.tokens.get("refresh_token", "")),
        }
        try:
            answer = api.call("oauth.token", self.token_url(), http_method="GET", params=params)
        except ConnectorError as exc:
            raise AuthError(
                f"bitrix24 oauth.token: refreshing the access token failed: {exc.message}",
                "The refresh token expired or was revoked (invalid_grant): re-authorise the app "
                "and write the new tokens to the token file",
                method="oauth.token",
            ) from None
        try:
            Grant.model_validate(answer)
        except ValidationError:
            error = answer.get("error") if isinstance(answer, dict) else None
            raise AuthError(
                "bitrix24 oauth.token: the answer lacks a new access/refresh token pair "
                f"({error or 'wrong shape'})",
                "Re-authorise the app and write the new tokens to the token file",
                method="oauth.token",
            ) from None
        assert isinstance(answer, dict)
        self.tokens = {**self.tokens, **answer}
        for secret in self.secrets():
            api.add_secret(secret)
        write_json_atomic(self.token_file, self.tokens)
