"""Bitrix24's envelopes: errors → funnelkit errors (bitrix24.md §2.3, §2.4, §17.10), and the
success and batch shapes every answer is checked against before use (§2.1, §4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.connectors.http import Transient, retry_after_seconds
from funnelkit.connectors.shape import validate
from funnelkit.errors import (
    AuthError,
    ConnectorError,
    RateLimitError,
    ShapeError,
    VendorApiError,
)

VENDOR = "bitrix24"

# §1.2 / B.8: a wrong webhook code shows up as any of these, with 401 or 403.
_AUTH_CODES = {"NO_AUTH_FOUND", "INVALID_CREDENTIALS", "INVALID_TOKEN", "WRONG_AUTH_TYPE"}


class ExpiredToken(AuthError):
    """`expired_token` (401): an OAuth access token to refresh once (§1.2)."""


class OperationTimeLimit(RateLimitError):
    """429 OPERATION_TIME_LIMIT: this method is blocked until `reset_at` (§5.2)."""

    def __init__(self, message: str, hint: str | None, *, method: str, reset_at: float | None):
        super().__init__(message, hint, method=method)
        self.reset_at = reset_at


def error_of(payload: Any) -> tuple[str, str] | None:
    """(code, description) when the payload is an error envelope; `error` may be "", 0 or text."""
    if not isinstance(payload, dict) or "error" not in payload or "result" in payload:
        return None
    code = payload.get("error")
    description = payload.get("error_description") or ""
    return ("" if code is None else str(code)), str(description)


_WRONG_CREDENTIALS = (
    "The webhook URL or access token is wrong, revoked or expired; create a new incoming "
    "webhook (or re-authorise the app) and update the environment variable"
)
_NO_SCOPE = (
    "Give the webhook the scopes crm, user and task (and a user with CRM admin rights for "
    "writes); REST needs a commercial plan and https"
)
# Vendor codes with their own advice (§1.2, §2.3); everything else is a VendorApiError.
_AUTH_HINTS = {
    **dict.fromkeys(_AUTH_CODES, _WRONG_CREDENTIALS),
    **dict.fromkeys(
        ("INSUFFICIENT_SCOPE", "USER_ACCESS_ERROR", "ACCESS_DENIED", "INVALID_REQUEST"), _NO_SCOPE
    ),
}
_VENDOR_HINTS = {
    "ERROR_METHOD_NOT_FOUND": "Check the webhook URL: it must look like "
    "https://PORTAL/rest/USER_ID/CODE/",
    "PORTAL_DELETED": "The portal no longer exists; check its URL",
}


def to_error(method: str, code: str, description: str, status: int | None) -> ConnectorError:
    """The funnelkit error for one Bitrix24 error envelope (top level or a batch command)."""
    upper = code.upper()
    text = f"{VENDOR} {method}: {code or 'error'}" + (f" ({description})" if description else "")
    if upper == "EXPIRED_TOKEN":
        return ExpiredToken(text, "Refresh the OAuth token", method=method)
    if upper in _AUTH_HINTS:
        return AuthError(text, _AUTH_HINTS[upper], method=method)
    if upper == "OPERATION_TIME_LIMIT":
        hint = "Wait until the method unblocks (about 10 minutes)"
        return OperationTimeLimit(text, hint, method=method, reset_at=None)
    hint = _VENDOR_HINTS.get(upper, "The portal refused the request; see the vendor's message")
    return VendorApiError(text, hint, method=method, code=code, status=status)


def check(method: str, response: httpx.Response, payload: Any) -> None:
    """ApiClient checker: retry rate limits and 5xx, raise the mapped error otherwise."""
    found = error_of(payload)
    if found is None:
        return
    code, description = found
    upper = code.upper()
    if upper == "OPERATION_TIME_LIMIT":
        # §5.2 at the top level: the whole request was refused. Back off within the retry
        # budget; a batch command refused this way pauses only its method (jobs.py).
        raise Transient(
            f"{VENDOR} {method}: {code}", retry_after_seconds(response, payload), rate_limited=True
        )
    if upper in ("QUERY_LIMIT_EXCEEDED", "OVERLOAD_LIMIT"):
        # §5.1: the leaky bucket overflowed; back off and try again.
        raise Transient(
            f"{VENDOR} {method}: {code}",
            retry_after_seconds(response, payload),
            rate_limited=True,
        )
    if response.status_code >= 500 and upper not in ("PORTAL_DELETED",):
        raise Transient(f"{VENDOR} {method}: HTTP {response.status_code} {code}", ambiguous=True)
    raise to_error(method, code, description, response.status_code)


# -- the success envelope and the batch answer (§2.1, §4) -------------------------------------

# Empty PHP maps serialise as `[]` (§2.5), so every batch sub-map may be a list.
_Map = dict[str, Any] | list[Any]


class Envelope(BaseModel):
    """`{"result": …, "time": {…}}`; list methods add `total` and `next` (§2.1, §3)."""

    model_config = ConfigDict(extra="allow")

    result: Any
    total: int | None = None
    next: int | None = None
    time: dict[str, Any] | None = None


class BatchBody(BaseModel):
    """The `result` of `batch`: per-command results, errors, totals, next starts, times (§4)."""

    model_config = ConfigDict(extra="allow")

    result: _Map
    result_error: _Map = Field(default_factory=list)
    result_total: dict[str, int] | list[int] = Field(default_factory=list)
    result_next: dict[str, int] | list[int] = Field(default_factory=list)
    result_time: _Map = Field(default_factory=list)


def envelope(method: str, payload: Any) -> dict[str, Any]:
    """The payload of a successful call, checked to be a Bitrix24 envelope."""
    validate(Envelope, payload, f"{VENDOR} {method}", method)
    return dict(payload)


def batch_body(payload: dict[str, Any]) -> BatchBody:
    """The checked inner body of a `batch` answer."""
    return validate(BatchBody, payload.get("result"), f"{VENDOR} batch: `result`", "batch")


def missing_commands(
    commands: Mapping[str, str], answered: set[str], failed: set[str]
) -> ShapeError | None:
    """A batch answer must account for every command (§4): a result or an error each.

    Commands after a reported failure may be absent: `halt=1` stops there by the docs, and
    a portal refusing a method for its limits may stop too. That failure is raised or waited
    out by the caller, so nothing goes missing silently; an absence before it is an error.
    """
    names = list(commands)
    first_failed = min((names.index(n) for n in failed if n in commands), default=len(names))
    missing = [n for n in names[:first_failed] if n not in answered]
    if not missing:
        return None
    first = missing[0]
    method = commands[first].split("?", 1)[0].strip() or "batch"
    return ShapeError(
        f"{VENDOR} batch: {len(missing)} of {len(commands)} commands missing from the answer "
        f"(first: {first}, {method})",
        method=method,
    )
