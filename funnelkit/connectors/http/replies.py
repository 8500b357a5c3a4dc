"""Reading one HTTP reply: its JSON payload, or the failure it stands for.

A vendor's own error envelope is the connector's business (its `Checker`); this module
knows only what HTTP itself says: no body, a body that is not JSON, a status code.
"""

from __future__ import annotations

from typing import Any

import httpx

from funnelkit.connectors.http.failures import GARBLED, Transient
from funnelkit.connectors.pacing import retry_after_seconds
from funnelkit.errors import AuthError, ShapeError, VendorApiError

NO_BODY = object()
"""The parsed payload of a response that had no body (204, empty)."""

__all__ = ["NO_BODY", "check_status", "parse"]


def parse(vendor: str, method: str, response: httpx.Response) -> Any:
    """The reply's JSON payload, `NO_BODY`, or the error a non-JSON body stands for."""
    if response.status_code == 204 or not response.content:
        return NO_BODY
    try:
        return response.json()
    except ValueError:
        pass
    status = response.status_code
    if status == 429 or status >= 500:
        # An HTML body from a proxy under load (bitrix24.md §17.17): try again within the
        # budget (a read; a write may have happened, unless the limiter refused it).
        raise Transient(f"HTTP {status} with a non-JSON body", ambiguous=status not in (429, 503))
    if status < 400 and _looks_like_json(response):
        raise Transient(
            f"HTTP {status} with truncated or malformed JSON", ambiguous=True, kind=GARBLED
        )
    if status < 400:
        kind = response.headers.get("content-type", "").split(";")[0].strip() or "no type"
        raise ShapeError(
            f"{vendor} {method}: not a REST endpoint (HTTP {status} with a non-JSON body, {kind})",
            "The url points at a web page, not the vendor's API: check the url in the "
            "config (for an emulator, the address `funnelkit emulator serve` printed)",
            method=method,
        )
    raise _non_json_error(vendor, method, status)


def _non_json_error(vendor: str, method: str, status: int) -> Exception:
    where = f"{vendor} {method}"
    if status in (401, 403):
        return AuthError(
            f"{where}: access refused (HTTP {status}, non-JSON body)",
            "Check the webhook URL or token and that this machine may reach the portal",
            method=method,
        )
    if status == 404:
        return VendorApiError(
            f"{where}: not found (HTTP 404); the portal URL or method path is wrong",
            "Check the portal url in funnelkit.yaml and the webhook URL",
            method=method,
            status=status,
        )
    return VendorApiError(
        f"{where}: HTTP {status} with a non-JSON body",
        "Check the portal URL; the server did not answer like the vendor API",
        method=method,
        status=status,
    )


def check_status(vendor: str, method: str, response: httpx.Response, payload: Any) -> None:
    """Raise for an HTTP error status the vendor's own check let through."""
    status = response.status_code
    if status < 400:
        return
    where = f"{vendor} {method}"
    if status == 429:
        raise Transient(
            f"{where}: HTTP 429", retry_after_seconds(response, payload), rate_limited=True
        )
    if status >= 500:
        raise Transient(
            f"{where}: HTTP {status}",
            retry_after_seconds(response, payload),
            ambiguous=status != 503,  # 503 is the limiter refusing (bitrix24.md §5)
        )
    if status in (401, 403):
        raise AuthError(
            f"{where}: access refused (HTTP {status})",
            "Check the credentials and their scopes",
            method=method,
        )
    raise VendorApiError(
        f"{where}: HTTP {status}",
        "See the vendor's error in --debug output",
        method=method,
        status=status,
    )


def _looks_like_json(response: httpx.Response) -> bool:
    """A body meant as JSON (by its type or first byte) that failed to parse: cut off."""
    if "json" in response.headers.get("content-type", "").lower():
        return True
    return response.content.lstrip()[:1] in (b"{", b"[")
