"""Shared statistics: per-stage flows from history, percentiles, dwell-time shape."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from funnelkit.index.history import HistoryIndex
from funnelkit.index.sorting import distinct, distinct_counts, group_starts

StageKey = tuple[str, str]
CREATED: StageKey = ("", "")  # the "from" of a deal's first row
Samples = npt.NDArray[np.int64] | Sequence[float]


@dataclass
class StageFlows:
    """What history says about each stage: completed dwell times, where deals came from and went.

    `dwell` holds completed visits only (entry → next move): open visits would bias
    the distribution toward today's backlog (ClosingDealz excludes them too,
    cli-conventions.md §14.1).
    """

    dwell: dict[StageKey, npt.NDArray[np.int64]] = field(default_factory=dict)
    arrivals: dict[StageKey, dict[StageKey, int]] = field(default_factory=dict)
    exits: dict[StageKey, dict[StageKey, int]] = field(default_factory=dict)
    passes: dict[StageKey, int] = field(default_factory=dict)
    deals_per_funnel: dict[str, int] = field(default_factory=dict)


def _pair_counts(
    h: HistoryIndex, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], base: int
) -> list[tuple[int, int, int]]:
    """(a, b, count) of every distinct pair; stage pairs are few, so a bincount suffices."""
    if not len(a):
        return []
    if base * base > 4_000_000:  # thousands of stages: count by sorting instead
        values, totals = distinct_counts(a * base + b)
        return [
            (int(v // base), int(v % base), int(c)) for v, c in zip(values, totals, strict=True)
        ]
    counts = np.bincount(a * base + b, minlength=base * base)
    values = np.flatnonzero(counts)
    return [(int(v // base), int(v % base), int(counts[v])) for v in values]


def build_flows(h: HistoryIndex) -> StageFlows:
    """Every per-stage statistic in a handful of vectorised passes."""
    flows = StageFlows()
    k = len(h.keys) + 1
    nxt = np.flatnonzero(h.deal[1:] == h.deal[:-1])
    k_from, k_to = h.key[nxt], h.key[nxt + 1]
    dwell = h.at[nxt + 1] - h.at[nxt]
    if len(nxt):
        order = np.argsort(k_from, kind="stable")
        first = group_starts(k_from[order])
        codes = k_from[order][first]
        for code, chunk in zip(codes, np.split(dwell[order], first[1:]), strict=True):
            flows.dwell[h.keys[int(code)]] = chunk
    for a, b, n in _pair_counts(h, k_from, k_to, k):
        flows.exits.setdefault(h.keys[a], {})[h.keys[b]] = n
    for a, b, n in _pair_counts(h, h.key, h.src + 1, k):
        flows.arrivals.setdefault(h.keys[a], {})[CREATED if b == 0 else h.keys[b - 1]] = n
    visits = distinct(h.deal * k + h.key)
    for code, n in enumerate(np.bincount(visits % k, minlength=k)[: len(h.keys)]):
        if n:
            flows.passes[h.keys[code]] = int(n)
    funnels = distinct(h.deal * k + h.funnel_of_key[h.key]) % k
    for code, n in enumerate(np.bincount(funnels)):
        if n:
            flows.deals_per_funnel[h.funnel_name(code)] = int(n)
    return flows


def percentile(values: Samples, q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation; NaN for no values."""
    if len(values) == 0:
        return math.nan
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def median(values: Samples) -> float:
    return percentile(values, 50)


def bimodality(values: Samples) -> float:
    """Sarle's bimodality coefficient of log dwell times; above ~0.555 suggests two humps.

    Log scale because dwell times are skewed; a fixed-length task glued to an
    open-ended wait shows as a short hump plus a long one.
    """
    n = len(values)
    if n < 4:
        return math.nan
    xs = np.log1p(np.maximum(np.asarray(values, dtype=np.float64), 0))
    dev = xs - xs.mean()
    m2 = float(np.mean(dev**2))
    if m2 == 0:
        return 0.0
    skew = float(np.mean(dev**3)) / m2**1.5
    kurt = float(np.mean(dev**4)) / m2**2 - 3
    return float((skew**2 + 1) / (kurt + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def share(part: int | float, whole: int | float) -> float:
    return float(part) / whole if whole else 0.0
