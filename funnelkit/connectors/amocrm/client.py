"""amoCRM/Kommo `/api/v4` calls on the account's own host: auth, paging, vendor errors."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from funnelkit.connectors.amocrm import shape
from funnelkit.connectors.amocrm.discovery import check_host
from funnelkit.connectors.amocrm.tokens import TokenSource, file_lock, from_grant
from funnelkit.connectors.base import Credentials, PortalSettings
from funnelkit.connectors.http import ApiClient, connect_timeout
from funnelkit.errors import AuthError, ConnectorError, VendorApiError

VENDOR = "amoCRM"
# amocrm.md §4: "not more than 7 requests per second" per IP.
DEFAULT_RATE = 7.0
TOKEN_PATH = "/oauth2/access_token"

Params = dict[str, Any]


class Unauthorized(ConnectorError):
    """A 401: the caller may refresh once and repeat the request."""


class IpBlockedError(ConnectorError):
    """amocrm.md §4: after repeated 429s every request gets nginx's HTML 403 page."""


def _ip_block(response: httpx.Response) -> None:
    """Stop at once on the HTML 403 of an IP/account block; retrying deepens the block."""
    if response.status_code != 403:
        return
    response.read()
    kind = response.headers.get("content-type", "")
    if "json" in kind:
        return
    raise IpBlockedError(
        f"{VENDOR} refused the request with its HTML 403 page: the IP address or account is "
        "blocked after repeated rate-limit violations (amocrm.md §4)",
        "Stop every integration calling from this IP, ask amoCRM support to lift the block "
        "(give the IP, subdomain and account id), then lower rate_limit in funnelkit.yaml",
        method=response.request.url.path,
    )


def _problem(payload: Any) -> str:
    """A short summary of a problem+json body (§2); `detail` is localised, codes are not."""
    if not isinstance(payload, dict):
        return ""
    rows = []
    for item in payload.get("validation-errors") or []:
        for err in item.get("errors") or []:
            rows.append(f"{err.get('path')}: {err.get('code')} ({err.get('detail')})")
    if rows:
        return "; ".join(rows[:5])
    parts = [payload.get("detail") or payload.get("title"), payload.get("hint")]
    return " ".join(f"{p}." if i == 0 and parts[1] else str(p) for i, p in enumerate(parts) if p)


class AmoCrmClient:
    """One account's API session. `request` is the only way out to the network."""

    def __init__(
        self,
        settings: PortalSettings,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        secret = credentials.token.get_secret_value() if credentials.token else None
        self.tokens = TokenSource(
            token=secret,
            token_file=credentials.token_file or settings.token_file if secret is None else None,
            client_id=credentials.client_id.get_secret_value() if credentials.client_id else None,
            client_secret=(
                credentials.client_secret.get_secret_value() if credentials.client_secret else None
            ),
        )
        self.base = settings.url.rstrip("/")
        pair = self.tokens.pair
        check_host(
            self.base,
            pair.access_token if pair else secret,
            pair.refresh_token if pair else None,
            transport,
        )
        http = httpx.Client(
            base_url=self.base,
            transport=transport,
            timeout=connect_timeout(settings.timeout),
            event_hooks={"response": [_ip_block]},
        )
        self.api = ApiClient(
            http,
            vendor=VENDOR,
            rate=settings.rate_limit or DEFAULT_RATE,
            # A burst of one spaces requests evenly, so the vendor's 7/s window never fills.
            burst=settings.burst or 1,
            max_retry_seconds=settings.max_retry_seconds,
            secrets=self.tokens.secrets(),
            check=self._check,
            sleep=sleep,
        )

    @property
    def requests(self) -> int:
        """Requests sent so far (retries included)."""
        return self.api.requests

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self.api.client.close()

    def request(
        self, http_method: str, path: str, *, params: Params | None = None, body: Any = None
    ) -> Any:
        """One API call; a 401 refreshes an OAuth token once (§1.5) and repeats the call."""
        if self.tokens.needs_refresh():
            self.refresh()
        try:
            return self._send(http_method, path, params, body)
        except Unauthorized as exc:
            if not self.tokens.refreshable:
                raise AuthError(
                    f"{VENDOR} {http_method} {path}: the token was refused (HTTP 401)",
                    "The long-lived token is wrong, expired or revoked: generate a new one "
                    "and set FUNNELKIT_<PORTAL>_TOKEN",
                    method=exc.method,
                ) from None
        self.refresh()
        try:
            return self._send(http_method, path, params, body)
        except Unauthorized:
            raise AuthError(
                f"{VENDOR} {http_method} {path}: a freshly refreshed token was refused (HTTP 401)",
                "The integration was probably disabled; re-authorise it and write a new token file",
                method=f"{http_method} {path}",
            ) from None

    def _send(self, http_method: str, path: str, params: Params | None, body: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens.access()}"}
        return self.api.call(
            f"{http_method} {path}",
            path,
            http_method=http_method,
            params=params,
            json=body,
            headers=headers,
        )

    def refresh(self) -> None:
        """Rotate the OAuth pair; the new one is on disk before it is ever used (§1.1)."""
        token_file = self.tokens.token_file
        if token_file is None or not self.tokens.refreshable:
            return
        with file_lock(token_file):
            if self.tokens.adopt_from_file():
                self._remember_secrets()
                return
            body = self.tokens.grant_body()
            try:
                answer = self.api.call("oauth2/access_token", TOKEN_PATH, json=body)
            except (Unauthorized, VendorApiError, AuthError) as exc:
                raise AuthError(
                    f"{VENDOR} refused to refresh the OAuth token: {exc}",
                    "The refresh token was revoked, already used or unused for 3 months "
                    "(amocrm.md §1.1): re-authorise the integration and write a new token file",
                    method="oauth2/access_token",
                ) from None
            assert self.tokens.pair is not None
            pair = from_grant(answer or {}, self.tokens.pair, time.time())
            self.api.add_secret(pair.access_token)
            self.api.add_secret(pair.refresh_token)
            self.tokens.store(pair)

    def _remember_secrets(self) -> None:
        for secret in self.tokens.secrets():
            self.api.add_secret(secret)

    def _check(self, method: str, response: httpx.Response, payload: Any) -> None:
        """Vendor errors with their meaning (§2); 429/5xx fall through to the retrying layer."""
        status = response.status_code
        if status < 400 or status == 429 or status >= 500:
            return
        detail = self.api.redact(_problem(payload))
        where = f"{VENDOR} {method}"
        if status == 401:
            raise Unauthorized(f"{where}: unauthorised", method=method)
        if status == 403:
            raise AuthError(
                f"{where}: forbidden (HTTP 403): {detail}",
                "Pipeline and status writes need an account administrator's token (amocrm.md §5.2)",
                method=method,
            )
        if status == 402:
            raise VendorApiError(
                f"{where}: the account is not paid (HTTP 402)",
                "Renew the amoCRM subscription, then try again",
                method=method,
                status=status,
            )
        raise VendorApiError(
            f"{where}: HTTP {status}: {detail}",
            "The request was refused as invalid; see the field paths above",
            method=method,
            status=status,
            code=str(status),
        )

    def get(self, path: str, params: Params | None = None) -> Any:
        """A GET; None for a 204 (empty list or missing id, §2)."""
        return self.request("GET", path, params=params)

    def pages(
        self, path: str, key: str, params: Params, limit: int
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page of a list, following `_links.next` until it is absent or a 204 (§3).

        The next page number is read from the link, but the URL is ours: `_links` may carry
        a shard host (amocrm.md §1.4).
        """
        page = 1
        while True:
            payload = self.get(path, {**params, "limit": limit, "page": page})
            if payload is None:  # 204: past the end, or an empty list (§2, §3)
                return
            items, checked = shape.page(f"GET {path}", payload, key)
            yield items
            following = _next_page(checked)
            if following is None or not items:
                return
            page = following if following > page else page + 1


def _next_page(checked: shape.Page) -> int | None:
    href = checked.links.next.href if checked.links and checked.links.next else None
    if not href:
        return None
    values = parse_qs(urlsplit(str(href)).query).get("page")
    try:
        return int(values[0]) if values else None
    except ValueError:
        return None
