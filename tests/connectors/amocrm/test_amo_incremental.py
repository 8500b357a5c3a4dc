"""`pull --since-snapshot` on amoCRM: the merge equals a full pull, deletions included."""

from __future__ import annotations

import time
from dataclasses import replace

from funnelkit.connectors.base import NullProgress, PullScope
from funnelkit.emulator.generate.messy import generate
from funnelkit.model import (
    Activity,
    ActivityKind,
    Deal,
    MoveDeals,
    StageTransition,
    TransitionKind,
    Vendor,
)
from tests.connectors.amocrm.portal import running
from tests.lookup import busiest, main_funnel, next_number, open_stages

TABLES = (
    "deals",
    "transitions",
    "responsible_changes",
    "activities",
    "deadline_changes",
    "contacts",
    "companies",
)


def test_incremental_equals_full_with_moves_additions_and_deletions() -> None:
    state = generate(Vendor.AMOCRM, 300, 1)
    sales = main_funnel(state).id
    source = busiest(state, sales)
    target = next(x for x in open_stages(state, sales) if x.id != source.id)
    lead_id = str(next_number(state.deals))
    task_id = f"T{next_number(a.id for a in state.activities)}"
    with running(state) as run:
        old = run.connector.pull(PullScope(), NullProgress())
        full_cost = run.server.requests
        full_events = run.server.requests_by_path["/api/v4/events"]
        time.sleep(1.1)  # the changes below happen after the old pull's window
        moved = run.connector.apply_change(
            MoveDeals(
                funnel_key="sales",
                funnel_id=sales,
                stage_id=source.id,
                target_funnel_key="sales",
                target_funnel_id=sales,
                target_stage_key="meeting",
                target_stage_id=target.id,
            )
        )
        assert moved.moved > 0
        now = int(time.time())
        with state.lock:
            gone = next(iter(state.deals))
            del state.deals[gone]
            state.deals[lead_id] = Deal(
                id=lead_id,
                funnel_id=sales,
                stage_id=source.id,
                created_at=now,
                modified_at=now,
                currency="RUB",
                amount=5.0,
                title="Новая",
            )
            state.transitions.append(
                StageTransition(
                    id=str(next_number(t.id for t in state.transitions)),
                    deal_id=lead_id,
                    funnel_id=sales,
                    to_stage_id=source.id,
                    at=now,
                    kind=TransitionKind.CREATED,
                )
            )
            state.activities.append(
                Activity(
                    id=task_id,
                    kind=ActivityKind.TASK,
                    created_at=now,
                    deal_id=lead_id,
                    deadline=now + 3600,
                    subject="Новая задача",
                )
            )
        run.app.invalidate()
        before = run.server.requests
        merged = run.connector.pull_incremental(old, NullProgress())
        incremental_cost = run.server.requests - before
        events_cost = run.server.requests_by_path["/api/v4/events"] - full_events
        full = run.connector.pull(PullScope(), NullProgress())
    for table in TABLES:
        assert getattr(merged, table) == getattr(full, table), table
    assert merged.structure == full.structure
    assert gone not in {d.id for d in merged.deals} and lead_id in {d.id for d in merged.deals}
    # +1: the new lead's first row; -1: the deleted lead's, which was made from the lead
    assert len(merged.transitions) == len(old.transitions) + moved.moved + 1 - 1
    assert merged.manifest.scope.incremental_from == str(old.manifest.pulled_at)
    assert incremental_cost < full_cost and events_cost == 1, (incremental_cost, events_cost)
    assert full_events > 5


def test_deleted_events_drop_rows() -> None:
    from funnelkit.connectors.amocrm.incremental import _apply_deletions
    from funnelkit.connectors.amocrm.pull import Rows

    deal = Deal(id="1", funnel_id="1", stage_id="2", created_at=10, modified_at=20)
    task = Activity(id="T5", kind=ActivityKind.TASK, created_at=10)
    rows = Rows(deals={"1": deal, "2": replace(deal, id="2")}, tasks={"T5": task})
    _apply_deletions(
        rows,
        [
            ("lead_deleted", "1", 30),
            ("lead_deleted", "2", 5),  # older than the lead's last update: kept
            ("task_deleted", "5", 11),
        ],
    )
    assert set(rows.deals) == {"2"} and rows.tasks == {}


def test_snapshot_of_another_portal_is_refused() -> None:
    import pytest

    from funnelkit.errors import SnapshotError

    state = generate(Vendor.AMOCRM, 5, 1)
    with running(state) as run:
        old = run.connector.pull(PullScope(history=False), NullProgress())
        other = replace(old, manifest=old.manifest.model_copy(update={"domain": "other.amocrm.ru"}))
        with pytest.raises(SnapshotError):
            run.connector.pull_incremental(other, NullProgress())
