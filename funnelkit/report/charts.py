"""Geometry of the funnel charts drawn as inline SVG in the HTML report."""

from __future__ import annotations

from typing import Any

from funnelkit.metrics.results import FunnelMetrics

WIDTH = 640
BAR_HEIGHT = 34
GAP = 22
LABEL_WIDTH = 0


def funnel_chart(funnel: FunnelMetrics) -> dict[str, Any]:
    """Centred bars, one per stage of the forward sequence, width by deals that reached it."""
    sequence = [s for s in funnel.stages if s.semantics != "failure"]
    top = max((s.entered_any for s in sequence), default=0) or 1
    bars = []
    y = 0
    for i, stage in enumerate(sequence):
        reached = stage.entered_any
        width = max(WIDTH * reached / top, 6)
        nxt = stage.next_step_strict if i + 1 < len(sequence) else None
        bars.append(
            {
                "x": (WIDTH - width) / 2,
                "y": y,
                "width": width,
                "name": stage.name,
                "reached": reached,
                "open": stage.open,
                "success": stage.semantics == "success",
                "days": stage.latest_days.median,
                "next": nxt,
                "next_y": y + BAR_HEIGHT + GAP / 2 + 4,
            }
        )
        y += BAR_HEIGHT + GAP
    return {
        "width": WIDTH,
        "height": max(y - GAP, BAR_HEIGHT),
        "bars": bars,
        "bar_height": BAR_HEIGHT,
    }
