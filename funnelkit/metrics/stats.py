"""Small numeric helpers shared by the metrics."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from funnelkit.metrics.results import Spread


def ratio(part: float, whole: float) -> float | None:
    """part ÷ whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def spread(days: Sequence[float] | npt.NDArray[np.float64]) -> Spread:
    """Median and p90 of durations in days (linear interpolation between ranks)."""
    if len(days) == 0:
        return Spread()
    median, p90 = np.percentile(np.asarray(days, dtype=np.float64), [50, 90])
    return Spread(n=len(days), median=round(float(median), 2), p90=round(float(p90), 2))
