"""Bearer tokens: the long-lived token, OAuth codes, access tokens and rotating refresh tokens."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs

from funnelkit.emulator.amocrm.hal import PROBLEM
from funnelkit.emulator.serving.server import Request, Response, json_response
from funnelkit.emulator.state import EmulatorOptions

CODE_TTL = 20 * 60  # amocrm.md §1.1: "The code expires after 20 minutes."
REFRESH_TTL = 90 * 86_400  # amocrm.md §1.1: refresh tokens live three months


def token_for(options: EmulatorOptions) -> str:
    """The long-lived token (amocrm.md §1.3) a private integration would paste in."""
    return options.secret


@dataclass
class _Refresh:
    user_id: str
    admin: bool
    expires: float
    parent: str | None
    alive: bool = True
    used: bool = False


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a valid token speaks for."""

    user_id: str
    admin: bool


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class TokenBook:
    """Every credential the emulated account has issued."""

    def __init__(self, options: EmulatorOptions, api_domain: str) -> None:
        self.options = options
        self.api_domain = api_domain
        self._lock = threading.Lock()
        self._codes: dict[str, tuple[float, str, bool]] = {}
        self._access: dict[str, tuple[float, str, bool]] = {}
        self._refresh: dict[str, _Refresh] = {}

    def now(self) -> float:
        """Time on the emulator's clock."""
        return self.options.clock.now()

    def issue_code(self, user_id: str | None = None, admin: bool = True) -> str:
        """An authorization code, as the consent screen would hand out (single use, 20 min)."""
        code = "def50200" + secrets.token_hex(48)  # amocrm.md §1.2: codes begin with def50200
        with self._lock:
            self._codes[code] = (self.now() + CODE_TTL, user_id or self.options.user_id, admin)
        return code

    def caller(self, header: str | None) -> Caller | None:
        """The caller of a Bearer header, or None (→ 401)."""
        if not header or not header.startswith("Bearer "):
            return None
        token = header[len("Bearer ") :].strip()
        if secrets.compare_digest(token, self.options.secret):
            # amocrm.md §1.3: a long-lived token carries administrator rights
            return Caller(self.options.user_id, True)
        with self._lock:
            found = self._access.get(token)
        if found is None or found[0] <= self.now():
            return None
        return Caller(found[1], found[2])

    def expire_tokens(self) -> None:
        """Every issued access token expires now; refresh tokens stay valid."""
        with self._lock:
            self._access = {t: (0.0, u, a) for t, (_, u, a) in self._access.items()}

    def _jwt(self, user_id: str, expires: float) -> str:
        # amocrm.md §1.2: access tokens are RS256 JWTs with an api_domain claim; the
        # signature here is random bytes, nobody can verify it anyway.
        header = {"typ": "JWT", "alg": "RS256", "jti": secrets.token_hex(16)}
        claims = {
            "aud": self.options.client_id,
            "jti": header["jti"],
            "iat": int(self.now()),
            "nbf": int(self.now()),
            "exp": int(expires),
            "sub": user_id,
            "api_domain": self.api_domain,
        }
        parts = [_b64(json.dumps(p, separators=(",", ":")).encode()) for p in (header, claims)]
        return ".".join([*parts, _b64(secrets.token_bytes(64))])

    def _pair(self, user_id: str, admin: bool, parent: str | None) -> dict[str, object]:
        ttl = self.options.access_token_ttl
        expires = self.now() + ttl
        access = self._jwt(user_id, expires)
        refresh = "def50200" + hashlib.sha256(secrets.token_bytes(32)).hexdigest() * 2
        self._access[access] = (expires, user_id, admin)
        self._refresh[refresh] = _Refresh(user_id, admin, self.now() + REFRESH_TTL, parent)
        return {
            "token_type": "Bearer",
            "expires_in": ttl,
            "server_time": int(self.now()),
            "access_token": access,
            "refresh_token": refresh,
        }

    def grant(self, request: Request) -> Response:
        """POST /oauth2/access_token for both grants (amocrm.md §1.2)."""
        body = _form_or_json(request)
        if body is None:
            return _oauth_error(400, "Request body is not valid")
        if body.get("client_id") != self.options.client_id or not secrets.compare_digest(
            str(body.get("client_secret", "")), self.options.client_secret
        ):
            return _oauth_error(401, "Client authentication failed")
        grant = body.get("grant_type")
        with self._lock:
            if grant == "authorization_code":
                return self._by_code(str(body.get("code", "")))
            if grant == "refresh_token":
                return self._by_refresh(str(body.get("refresh_token", "")))
        return _oauth_error(400, "The authorization grant type is not supported")

    def _by_code(self, code: str) -> Response:
        found = self._codes.pop(code, None)  # single use
        if found is None:
            return _oauth_error(400, "Authorization code has been revoked")
        if found[0] <= self.now():
            return _oauth_error(400, "Authorization code has expired")
        return json_response(200, self._pair(found[1], found[2], None))

    def _by_refresh(self, token: str) -> Response:
        entry = self._refresh.get(token)
        if entry is None:
            return _oauth_error(400, "Invalid refresh token")
        if not entry.alive or entry.expires <= self.now():
            return _oauth_error(401, "Token has been revoked")
        # amocrm.md §1.1 grace rule: RT_n stays valid until RT_n+1 is first used, then dies.
        if not entry.used and entry.parent is not None and entry.parent in self._refresh:
            self._refresh[entry.parent].alive = False
        entry.used = True
        return json_response(200, self._pair(entry.user_id, entry.admin, token))


def _form_or_json(request: Request) -> dict[str, object] | None:
    try:
        data = request.json()
    except ValueError:
        pairs = parse_qs(request.body.decode("utf-8", "replace"))
        data = {k: v[0] for k, v in pairs.items()}
    return data if isinstance(data, dict) else None


def _oauth_error(status: int, hint: str) -> Response:
    """amocrm.md §1.2: the OAuthProblemJson body seen in public issues (unverified type)."""
    body = {
        "hint": hint,
        "title": "Некорректный запрос",
        "type": "https://developers.amocrm.ru/v3/errors/OAuthProblemJson",
        "status": status,
        "detail": "В запросе отсутствует ряд параметров или параметры невалидны",
    }
    return json_response(status, body, PROBLEM)
