"""`pull --since-snapshot` merges to exactly what a full pull reads, deletions included."""

from __future__ import annotations

import dataclasses

import pytest

from funnelkit.connectors.base import NullProgress, PullScope
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.state import PortalState
from funnelkit.errors import SnapshotError
from funnelkit.model import (
    Deal,
    EntityKind,
    Semantics,
    Snapshot,
    StageTransition,
    TransitionKind,
    Vendor,
)
from tests.connectors.bitrix24.portal import NOW, running
from tests.connectors.bitrix24.test_b24_pull import _rows, assert_equal_to_state
from tests.lookup import open_stages

LATER = NOW + 60


def _move(state: PortalState, deal: Deal, stage: str) -> None:
    semantics = state.stages[(deal.funnel_id, stage)].semantics
    closed = semantics is not Semantics.PROCESS
    state.deals[deal.id] = dataclasses.replace(
        deal, stage_id=stage, modified_at=LATER, closed=closed, closed_at=LATER if closed else None
    )
    number = max(int(t.id) for t in state.transitions) + 1
    state.transitions.append(StageTransition(
        id=str(number), deal_id=deal.id, funnel_id=deal.funnel_id, to_stage_id=stage, at=LATER,
        from_stage_id=deal.stage_id, from_funnel_id=deal.funnel_id, kind=TransitionKind.MOVED,
    ))  # fmt: skip


def _mutate(state: PortalState) -> set[str]:
    """Move a few deals and a lead, delete three deals and a lead, finish some tasks."""
    open_deals = [d for d in state.deals.values() if not d.closed]
    for deal in open_deals[:4]:
        _move(
            state,
            deal,
            next(s.id for s in open_stages(state, deal.funnel_id) if s.id != deal.stage_id),
        )
    lead = next(d.id for d in state.deals.values() if d.entity is EntityKind.LEAD)
    gone = {d.id for d in open_deals[10:13]} | {lead}
    for did in gone:
        del state.deals[did]
    state.transitions = [t for t in state.transitions if t.deal_id not in gone]
    state.activities = [a for a in state.activities if a.deal_id not in gone]
    for i, act in enumerate(state.activities):
        if not act.done and i % 17 == 0:
            state.activities[i] = dataclasses.replace(act, done=True, completed_at=LATER)
    return gone


def _same(a: Snapshot, b: Snapshot) -> None:
    for table in ("deals", "transitions", "activities", "contacts", "companies"):
        assert _rows(getattr(a, table)) == _rows(getattr(b, table)), table
        assert [r.id for r in getattr(a, table)] == [r.id for r in getattr(b, table)], table


def test_incremental_equals_full_pull_with_deletions() -> None:
    state = generate(Vendor.BITRIX24, 360, 2)
    with running(state) as portal:
        connector = portal.connector()
        old = connector.pull(PullScope(), NullProgress())
        connector.close()
    gone = _mutate(state)
    with running(state) as portal:
        connector = portal.connector()
        merged = connector.pull_incremental(old, NullProgress())
        connector.close()
        full_connector = portal.connector()
        full = full_connector.pull(PullScope(), NullProgress())
        full_connector.close()
    assert not gone & {d.id for d in merged.deals}
    assert_equal_to_state(merged, state)
    _same(merged, full)
    assert merged.manifest.scope.incremental_from == str(old.manifest.pulled_at)
    assert merged.manifest.cursors == full.manifest.cursors


def _incremental_share(deals: int) -> tuple[int, int]:
    state = generate(Vendor.BITRIX24, deals + deals // 50, 5)
    with running(state) as portal:
        connector = portal.connector()
        old = connector.pull(PullScope(), NullProgress())
        full = connector.requests
        connector.close()
    open_deals = [d for d in state.deals.values() if not d.closed and not d.id.startswith("L")]
    for deal in open_deals[: deals // 100]:  # 1 % of deals change stage
        _move(
            state,
            deal,
            next(s.id for s in open_stages(state, deal.funnel_id) if s.id != deal.stage_id),
        )
    with running(state) as portal:
        connector = portal.connector()
        merged = connector.pull_incremental(old, NullProgress())
        connector.close()
    assert_equal_to_state(merged, state)
    return connector.requests, full


def test_incremental_costs_a_constant_number_of_requests() -> None:
    incremental, full = _incremental_share(3000)
    assert incremental <= 8 < full


@pytest.mark.slow
def test_incremental_is_under_a_fifth_of_a_full_pull() -> None:
    incremental, full = _incremental_share(30_000)
    assert incremental <= 0.2 * full, (incremental, full)


def test_snapshot_of_another_portal_is_refused() -> None:
    state = generate(Vendor.BITRIX24, 12, 1)
    with running(state) as portal:
        connector = portal.connector()
        old = connector.pull(PullScope(), NullProgress())
        foreign = dataclasses.replace(
            old, manifest=old.manifest.model_copy(update={"domain": "other.bitrix24.ru"})
        )
        with pytest.raises(SnapshotError, match=r"other\.bitrix24\.ru"):
            connector.pull_incremental(foreign, NullProgress())
        connector.close()
