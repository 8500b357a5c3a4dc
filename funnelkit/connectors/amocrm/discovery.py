"""The account's own host: refuse the vendor's common domain, and name the right one if we can."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from funnelkit.errors import ConfigError

# amocrm.md §1.4: "All requests must not be made on the common domain … but on the exact
# address of your account".
COMMON_HOSTS = frozenset(
    {"amocrm.ru", "www.amocrm.ru", "amocrm.com", "www.amocrm.com", "kommo.com", "www.kommo.com"}
)


def jwt_claim(token: str, name: str) -> Any:
    """A claim of a JWT access token, read without verifying it (only a hint: §1.2)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    padded = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        return json.loads(base64.urlsafe_b64decode(padded)).get(name)
    except (ValueError, AttributeError):
        return None


def lookup_subdomain(
    access_token: str, refresh_token: str | None, transport: httpx.BaseTransport | None = None
) -> str | None:
    """The account's address via the token's `api_domain` (§1.4, PHP SDK example), or None."""
    api_domain = jwt_claim(access_token, "api_domain")
    if not isinstance(api_domain, str) or not refresh_token:
        return None
    try:
        with httpx.Client(transport=transport, timeout=15) as http:
            answer = http.get(
                f"https://{api_domain}/oauth2/account/current/subdomain",
                headers={"X-Refresh-Token": refresh_token},
            )
        data = answer.json() if answer.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        return None
    sub, domain = data.get("subdomain"), data.get("domain")
    if not isinstance(sub, str) or not isinstance(domain, str) or not sub or not domain:
        return None
    # unverified: whether `domain` already includes the subdomain; accept either form.
    return f"https://{domain}" if domain.startswith(f"{sub}.") else f"https://{sub}.{domain}"


def check_host(
    url: str,
    access_token: str | None,
    refresh_token: str | None,
    transport: httpx.BaseTransport | None = None,
) -> None:
    """Refuse the vendor's common domain; the hint names the account's address when the
    token says where to ask."""
    host = (urlsplit(url).hostname or "").lower()
    if host not in COMMON_HOSTS:
        return
    found = lookup_subdomain(access_token, refresh_token, transport) if access_token else None
    hint = (
        f"set url: {found} in funnelkit.yaml"
        if found
        else "set url to the account's own address, e.g. https://<subdomain>.amocrm.ru or "
        "https://<subdomain>.kommo.com"
    )
    raise ConfigError(
        f"portal url {url} is amoCRM's common domain; the API answers only on the account's "
        "own host (amocrm.md §1.4)",
        hint,
    )
