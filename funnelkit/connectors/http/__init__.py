"""The HTTP layer both connectors share: pacing, retries, JSON parsing, error mapping, redaction.

- `client`: `ApiClient`, which sends each request, paces it and retries by failure kind;
- `failures`: the kinds of failure and how long each is worth retrying (`Transient`);
- `replies`: what an HTTP reply's body and status say, before any vendor envelope.
"""

from __future__ import annotations

from funnelkit.connectors.http.client import ApiClient, Checker, connect_timeout
from funnelkit.connectors.http.failures import Transient, is_write
from funnelkit.connectors.http.replies import NO_BODY
from funnelkit.connectors.pacing import ClientBucket, retry_after_seconds

__all__ = [
    "NO_BODY",
    "ApiClient",
    "Checker",
    "ClientBucket",
    "Transient",
    "connect_timeout",
    "is_write",
    "retry_after_seconds",
]
