"""Stage visits per deal, computed once from the stage history and shared by every metric."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from funnelkit.model import Snapshot


@dataclass(frozen=True, slots=True)
class Visit:
    """A deal entering a stage at `at` and leaving at `left` (None: still there)."""

    funnel_id: str
    stage_id: str
    at: int
    left: int | None


def visits_by_deal(snapshot: Snapshot) -> dict[str, list[Visit]]:
    """Each deal's visits in time order; repeated entries of the same stage are sync noise."""
    rows: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for order, t in enumerate(snapshot.transitions):
        rows[t.deal_id].append((t.at, order, t.funnel_id, t.to_stage_id))
    result: dict[str, list[Visit]] = {}
    for deal_id, entries in rows.items():
        entries.sort()
        cleaned: list[tuple[int, str, str]] = []
        for at, _, funnel, stage in entries:
            if cleaned and cleaned[-1][1:] == (funnel, stage):
                continue  # cli-conventions.md §14.1: from-stage = to-stage rows are artefacts
            cleaned.append((at, funnel, stage))
        result[deal_id] = [
            Visit(funnel, stage, at, cleaned[i + 1][0] if i + 1 < len(cleaned) else None)
            for i, (at, funnel, stage) in enumerate(cleaned)
        ]
    return result


def fallback_visits(snapshot: Snapshot) -> dict[str, list[Visit]]:
    """Without history, each deal has one visit: its current stage since creation."""
    return {
        d.id: [Visit(d.funnel_id, d.stage_id, d.created_at, d.closed_at)] for d in snapshot.deals
    }
