"""Who is calling: incoming-webhook paths and OAuth tokens with expiry and rotation.

bitrix24.md §1.1: `/rest/{user_id}/{secret}/{method}[.json]`; a wrong secret is
answered 401 INVALID_CREDENTIALS (observed, B.8). §1.2: `auth=` token in the query
or body at `/rest/{method}`; an expired token gives 401 `expired_token`, an unknown
one 401 `NO_AUTH_FOUND`. The vendor's token server is oauth.bitrix.info; the
emulator serves it on its own host at `/oauth/token/` (GET or POST, same
parameters), so `server_endpoint` points back at the emulator. Refresh tokens
rotate: an old one is `invalid_grant` once used.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from funnelkit.emulator.bitrix24.envelope import B24Error
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.state import EmulatorOptions

REFRESH_TTL = 180 * 86_400  # §1.2: refresh tokens live 180 days


@dataclass
class _Token:
    user_id: str
    expires: float


@dataclass
class Auth:
    """Issued tokens and the checks every REST call goes through."""

    options: EmulatorOptions
    access: dict[str, _Token] = field(default_factory=dict)
    refresh: dict[str, _Token] = field(default_factory=dict)
    codes: dict[str, _Token] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def clock(self) -> Clock:
        """The emulator's clock (token lifetimes run on it)."""
        return self.options.clock

    def webhook(self, user_id: str, secret: str) -> str:
        """The caller of a webhook path, or 401."""
        if user_id != self.options.user_id or not secrets.compare_digest(
            secret.encode(), self.options.secret.encode()
        ):
            raise B24Error("INVALID_CREDENTIALS", "Invalid request credentials", 401)
        return user_id

    def token(self, value: Any) -> str:
        """The caller of an OAuth call, or 401 (`expired_token` once the hour is up)."""
        if not isinstance(value, str) or not value:
            raise B24Error("NO_AUTH_FOUND", "Wrong authorization data", 401)
        with self._lock:
            found = self.access.get(value)
        if found is None:
            raise B24Error("NO_AUTH_FOUND", "Wrong authorization data", 401)
        if found.expires <= self.clock.now():
            raise B24Error("expired_token", "The access token provided has expired", 401)
        return found.user_id

    def issue_code(self) -> str:
        """An authorization code (the redirect step of §1.2), valid 30 seconds."""
        code = secrets.token_hex(16)
        with self._lock:
            self.codes[code] = _Token(self.options.user_id, self.clock.now() + 30)
        return code

    def issue(self, user_id: str | None = None) -> tuple[str, str]:
        """A fresh (access_token, refresh_token) pair."""
        now = self.clock.now()
        access, refresh = secrets.token_hex(16), secrets.token_hex(16)
        owner = user_id or self.options.user_id
        with self._lock:
            self.access[access] = _Token(owner, now + self.options.access_token_ttl)
            self.refresh[refresh] = _Token(owner, now + REFRESH_TTL)
        return access, refresh

    def expire_all(self) -> None:
        """Every access token expires now (fault 'expire')."""
        now = self.clock.now()
        with self._lock:
            for token in self.access.values():
                token.expires = min(token.expires, now)

    def grant(self, params: dict[str, Any], base_url: str) -> dict[str, Any]:
        """The `/oauth/token/` answer (A.6/A.7), or an OAuth error."""
        if (
            params.get("client_id") != self.options.client_id
            or params.get("client_secret") != self.options.client_secret
        ):
            raise B24Error("invalid_client", "Invalid client credentials", 401)
        kind = params.get("grant_type")
        store = {"refresh_token": self.refresh, "authorization_code": self.codes}.get(str(kind))
        if store is None:
            raise B24Error("invalid_request", "Unsupported grant_type", 400)
        presented = str(params.get("refresh_token" if kind == "refresh_token" else "code", ""))
        with self._lock:
            found = store.pop(presented, None)  # single use: rotation
        if found is None or found.expires <= self.clock.now():
            raise B24Error("invalid_grant", "Invalid grant", 400)
        access, refresh = self.issue(found.user_id)
        return {
            "access_token": access,
            "client_endpoint": f"{base_url}/rest/",
            "domain": base_url.split("://", 1)[-1],
            "expires": int(self.clock.now() + self.options.access_token_ttl),
            "expires_in": self.options.access_token_ttl,
            "member_id": "emulator0000000000000000000000000",
            "refresh_token": refresh,
            "scope": "crm,task,user",
            "server_endpoint": f"{base_url}/rest/",
            "status": "L",
            "user_id": int(found.user_id) if found.user_id.isdigit() else found.user_id,
        }
