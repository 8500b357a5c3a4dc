"""Funnel metrics, shown beside the findings and never judged (cli-conventions.md §14).

`compute_metrics(snapshot, now)` is pure: the same snapshot and moment give the same
numbers. History is read once into stage visits per deal; without history, each deal
counts only where it stands now, and the report says so.
"""

from __future__ import annotations

import numpy as np

from funnelkit.metrics.deals import DealTable
from funnelkit.metrics.definitions import DEFINITIONS, definition
from funnelkit.metrics.funnels import funnel_metrics
from funnelkit.metrics.history import VisitTable
from funnelkit.metrics.people import client_metrics, lead_sources, manager_metrics
from funnelkit.metrics.results import (
    ClientMetrics,
    FunnelMetrics,
    ManagerMetrics,
    PortalMetrics,
    StageMetrics,
)
from funnelkit.model import DataSet, Snapshot

__all__ = [
    "DEFINITIONS",
    "ClientMetrics",
    "FunnelMetrics",
    "ManagerMetrics",
    "PortalMetrics",
    "StageMetrics",
    "compute_metrics",
    "definition",
]


def compute_metrics(
    snapshot: Snapshot,
    now: int,
    probabilities: dict[tuple[str, str], float] | None = None,
) -> PortalMetrics:
    """Every metric of a snapshot at moment `now` (epoch seconds)."""
    history = snapshot.manifest.has(DataSet.STAGE_HISTORY) and bool(snapshot.transitions)
    visits = VisitTable(snapshot, use_history=history)
    table = DealTable(snapshot)
    last_entry = visits.last_entry_rows(table.count)
    funnels = [
        funnel_metrics(
            snapshot,
            f,
            table,
            np.flatnonzero(table.in_funnel(f.id)),
            visits,
            last_entry,
            probabilities or {},
        )
        for f in sorted(snapshot.structure.funnels, key=lambda f: (f.sort, f.id))
    ]
    return PortalMetrics(
        currency=snapshot.structure.portal.currency,
        now=now,
        funnels=funnels,
        managers=manager_metrics(snapshot, table),
        clients=client_metrics(snapshot, now, table),
        lead_sources=lead_sources(snapshot, table),
        history_used=history,
    )
