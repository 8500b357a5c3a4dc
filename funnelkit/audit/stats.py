"""Shared statistics: per-stage flows from history, percentiles, dwell-time shape."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from funnelkit.model import StageTransition

StageKey = tuple[str, str]
CREATED: StageKey = ("", "")  # the "from" of a deal's first row


@dataclass
class StageFlows:
    """What history says about each stage: completed dwell times, where deals came from and went.

    `dwell` holds completed visits only (entry → next move): open visits would bias
    the distribution toward today's backlog (ClosingDealz excludes them too,
    cli-conventions.md §14.1).
    """

    dwell: dict[StageKey, list[int]] = field(default_factory=dict)
    arrivals: dict[StageKey, dict[StageKey, int]] = field(default_factory=dict)
    exits: dict[StageKey, dict[StageKey, int]] = field(default_factory=dict)
    passes: dict[StageKey, int] = field(default_factory=dict)
    deals_per_funnel: dict[str, int] = field(default_factory=dict)


def build_flows(history: Mapping[str, Sequence[StageTransition]]) -> StageFlows:
    """One pass over every deal's ordered transitions."""
    flows = StageFlows()
    dwell, arrivals, exits, passes = flows.dwell, flows.arrivals, flows.exits, flows.passes
    per_funnel = flows.deals_per_funnel
    for rows in history.values():
        seen: set[StageKey] = set()
        funnels: set[str] = set()
        for i, t in enumerate(rows):
            key = (t.funnel_id, t.to_stage_id)
            src = (
                CREATED
                if t.from_stage_id is None
                else (t.from_funnel_id or t.funnel_id, t.from_stage_id)
            )
            if src == key:
                continue  # a sync artefact, not a move (cli-conventions.md §14.1)
            arr = arrivals.setdefault(key, {})
            arr[src] = arr.get(src, 0) + 1
            if key not in seen:
                seen.add(key)
                passes[key] = passes.get(key, 0) + 1
            funnels.add(t.funnel_id)
            if i + 1 < len(rows):
                nxt = rows[i + 1]
                dwell.setdefault(key, []).append(nxt.at - t.at)
                out = exits.setdefault(key, {})
                dst = (nxt.funnel_id, nxt.to_stage_id)
                out[dst] = out.get(dst, 0) + 1
        for f in funnels:
            per_funnel[f] = per_funnel.get(f, 0) + 1
    return flows


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def bimodality(values: Sequence[float]) -> float:
    """Sarle's bimodality coefficient of log dwell times; above ~0.555 suggests two humps.

    Log scale because dwell times are skewed; a fixed-length task glued to an
    open-ended wait shows as a short hump plus a long one.
    """
    n = len(values)
    if n < 4:
        return math.nan
    xs = [math.log1p(max(v, 0)) for v in values]
    mean = sum(xs) / n
    m2 = sum((x - mean) ** 2 for x in xs) / n
    if m2 == 0:
        return 0.0
    m3 = sum((x - mean) ** 3 for x in xs) / n
    m4 = sum((x - mean) ** 4 for x in xs) / n
    skew, kurt = m3 / m2**1.5, m4 / m2**2 - 3
    return float((skew**2 + 1) / (kurt + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def share(part: int | float, whole: int | float) -> float:
    return float(part) / whole if whole else 0.0
