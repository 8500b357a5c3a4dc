"""What went wrong with one request, sorted by how long it is worth trying again.

The retry table of interface.md in data: a connection that cannot be made and a garbled
answer get a few quick retries, an overloaded portal gets the portal's whole
`max_retry_seconds`. `Transient` carries the kind; `ApiClient` decides from it.
"""

from __future__ import annotations

CONNECT = "connect"
GARBLED = "garbled"
OVERLOAD = "overload"
# kind → (retries, seconds); overload uses the portal's max_retry_seconds instead.
QUICK: dict[str, tuple[int, float]] = {CONNECT: (2, 15.0), GARBLED: (3, 30.0)}
QUICK_WAIT_MAX = 2.0


class Transient(Exception):
    """A failure worth another attempt; `retry_after` is the vendor's own advice in seconds."""

    def __init__(
        self,
        reason: str,
        retry_after: float | None = None,
        *,
        rate_limited: bool = False,
        ambiguous: bool = False,
        kind: str = OVERLOAD,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.rate_limited = rate_limited
        self.kind = kind
        # True when the request may have reached the portal and been carried out (the reply
        # was lost or cut off): safe to repeat a read, never a write.
        self.ambiguous = ambiguous


_WRITE_VERBS = frozenset({"add", "update", "delete", "set", "move"})


def is_write(method: str, http_method: str) -> bool:
    """Whether a call changes the portal (bitrix24.md: `crm.*.add|update|delete`; REST verbs)."""
    if "oauth" in method.lower():
        return False  # token refreshes: amocrm.md §1.1 keeps the old pair valid until used
    if http_method.upper() in ("PATCH", "PUT", "DELETE") or method.upper().startswith("POST "):
        return True
    return method.rsplit(".", 1)[-1].lower() in _WRITE_VERBS


def connect_hint(text: str) -> str:
    """One line telling the user what a connection failure most likely means."""
    low = text.lower()
    if "refused" in low:
        return "nothing answers at that address: check the url and port in the config"
    if any(s in low for s in ("name or service", "nodename", "getaddrinfo", "resolve", "dns")):
        return "the host name does not resolve: check the url in the config (a typo?)"
    if any(s in low for s in ("ssl", "tls", "certificate", "handshake")):
        return "the TLS handshake failed: check http:// versus https:// and the certificate"
    if "timed out" in low or "timeout" in low:
        return "the address does not answer: check the url, the port and any firewall"
    return "check the url in the config and that this machine can reach it"
