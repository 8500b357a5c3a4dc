"""Time in the model is whole seconds since the Unix epoch, UTC.

Integers keep five million history rows small and make dwell-time arithmetic
plain subtraction; these helpers convert at the edges.
"""

from __future__ import annotations

from datetime import UTC, datetime

DAY = 86_400


def to_epoch(value: datetime) -> int:
    """Seconds since the epoch; naive datetimes are taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def from_epoch(seconds: int) -> datetime:
    """An aware UTC datetime."""
    return datetime.fromtimestamp(seconds, tz=UTC)


def iso(seconds: int | None) -> str | None:
    """ISO 8601 in UTC, or None."""
    return None if seconds is None else from_epoch(seconds).isoformat().replace("+00:00", "Z")


def parse_iso(text: str) -> int:
    """Parse an ISO 8601 timestamp or date (vendors send offsets; dates mean midnight UTC)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return to_epoch(value)


def days(seconds: float) -> float:
    """Seconds as days."""
    return seconds / DAY
