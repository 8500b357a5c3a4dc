"""Small numeric helpers shared by the metrics."""

from __future__ import annotations

import math
from collections.abc import Sequence

from funnelkit.metrics.results import Spread


def ratio(part: float, whole: float) -> float | None:
    """part ÷ whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated quantile of already sorted values."""
    position = (len(sorted_values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    weight = position - low
    return sorted_values[low] * (1 - weight) + sorted_values[high] * weight


def spread(days: list[float]) -> Spread:
    """Median and p90 of durations in days."""
    if not days:
        return Spread()
    days.sort()
    return Spread(
        n=len(days), median=round(quantile(days, 0.5), 2), p90=round(quantile(days, 0.9), 2)
    )
