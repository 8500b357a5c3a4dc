"""The Bitrix24 response envelope: `result` + `time`, the error shape and its HTTP statuses."""

from __future__ import annotations

import time
from typing import Any

from funnelkit.emulator.serving.server import Response, json_response


class B24Error(Exception):
    """A vendor error: `{"error": code, "error_description": text}` with an HTTP status.

    bitrix24.md §2.4: `error` may be a code, an empty string (legacy CRM methods),
    the number 0 (crm.category / crm.stagehistory) or a message.
    """

    def __init__(self, code: str | int, description: str, status: int = 400) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.status = status

    def payload(self) -> dict[str, Any]:
        """The error body."""
        return {"error": self.code, "error_description": self.description}


# bitrix24.md §2.3 system errors, as documented (B.1/B.2 for the exact texts observed).
def query_limit() -> B24Error:
    """Leaky bucket overflow (§5.1)."""
    return B24Error("QUERY_LIMIT_EXCEEDED", "Too many requests", 503)


def operation_time_limit() -> B24Error:
    """Per-method operating time over the limit (§5.2; text with the period as in B.2)."""
    return B24Error("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.", 429)


def method_not_found() -> B24Error:
    """Unknown method (§2.3 'seen in the wild'; status 404 as b24pysdk maps it, unverified)."""
    return B24Error("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)


def legacy(description: str) -> B24Error:
    """Legacy CRM methods: empty code, message in the description, HTTP 400 (§2.4)."""
    return B24Error("", description, 400)


def iso_time(ts: float) -> str:
    """`2024-08-29T10:34:19+00:00`: the vendor's datetime format, rendered in UTC."""
    t = time.gmtime(int(ts))  # several times faster than datetime.strftime, and pages print many
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
        f"T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}+00:00"
    )


def time_block(
    start: float, finish: float, processing: float, operating: float | None, reset_at: int | None
) -> dict[str, Any]:
    """The `time` object with all eight keys (bitrix24.md §2.2, Appendix A.4).

    An outer batch block carries no operating keys (A.2, B.3): `operating=None`.
    """
    block: dict[str, Any] = {
        "start": start,
        "finish": finish,
        "duration": finish - start,
        "processing": processing,
        "date_start": iso_time(start),
        "date_finish": iso_time(finish),
    }
    if operating is None:
        return block
    if reset_at is not None:
        block["operating_reset_at"] = reset_at
    block["operating"] = operating
    return block


def error_response(error: B24Error) -> Response:
    """An error as the vendor sends it."""
    return json_response(error.status, error.payload())
