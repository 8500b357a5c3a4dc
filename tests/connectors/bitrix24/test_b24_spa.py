"""Smart processes end to end over HTTP: pull, audit, incremental pull (bitrix24.md §12)."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from funnelkit.audit import run_audit
from funnelkit.blueprint.export import export_blueprint
from funnelkit.blueprint.planner import PlanOptions, plan
from funnelkit.blueprint.schema import Blueprint
from funnelkit.connectors.base import NullProgress, PullScope
from funnelkit.connectors.bitrix24 import spa_changes
from funnelkit.emulator.generate.messy import generate
from funnelkit.metrics import compute_metrics
from funnelkit.model import (
    DataSet,
    EntityKind,
    FunnelKind,
    Snapshot,
    Vendor,
    spa_item_id,
    spa_item_number,
)
from funnelkit.yamlio import dump_yaml, parse_yaml
from tests.connectors.bitrix24.portal import NOW, running


def _pull(state: object, old: Snapshot | None = None) -> Snapshot:
    with running(state) as portal:  # type: ignore[arg-type]
        connector = portal.connector()
        try:
            if old is None:
                return connector.pull(PullScope(), NullProgress())
            return connector.pull_incremental(old, NullProgress())
        finally:
            connector.close()


def test_pull_holds_types_funnels_stages_and_items() -> None:
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    snap = _pull(state)
    processes = {p.entity_type_id: p.title for p in snap.structure.smart_processes}
    assert processes == {k: p.title for k, p in state.smart_processes.items()}
    spa = [f for f in snap.structure.funnels if f.kind is FunnelKind.SPA]
    per_type = sorted(sum(f.entity_type_id == k for f in spa) for k in processes)
    assert per_type == [1, 3]
    spa_ids = {f.id for f in spa}
    stages = {(s.funnel_id, s.id) for s in snap.structure.stages if s.funnel_id in spa_ids}
    assert stages == {k for k in state.stages if k[0] in spa_ids}
    items = {d.id: d for d in snap.deals if d.entity is EntityKind.ITEM}
    assert set(items) == set(state.items)
    for item_id, want in state.items.items():
        got = items[item_id]
        assert (got.funnel_id, got.stage_id, got.closed) == (
            want.funnel_id,
            want.stage_id,
            want.closed,
        )
    assert DataSet.STAGE_HISTORY in snap.manifest.spa_data


def test_audit_reports_spa_funnels_and_skips_history_rules_there() -> None:
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    snap = _pull(state)
    result = run_audit(snap, None, state.now)
    outcome = next(o for o in result.outcomes if o.code == "FK202")
    assert outcome.status == "ran"
    assert outcome.reason is not None and "smart-process" in outcome.reason
    assert "crm.stagehistory.list" in outcome.reason
    spa = {f.id for f in snap.structure.funnels if f.kind is FunnelKind.SPA}
    assert not [f for f in result.findings if f.code == "FK202" and f.subject.funnel_id in spa]
    stuck = {f.subject.id for f in result.findings if f.code == "FK201"}
    planted = {p.entity_id for p in state.planted if p.code == "FK201" and p.entity_id[0] == "T"}
    assert planted and planted <= stuck
    kinds = {m.funnel_id: m.kind for m in compute_metrics(snap, state.now).funnels}
    assert {fid for fid, kind in kinds.items() if kind == "spa"} == spa


@pytest.mark.parametrize("in_first_batch", [True, False])
def test_incremental_pull_picks_up_changed_and_deleted_items(
    in_first_batch: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not in_first_batch:  # many processes: their counts go in batches of their own
        monkeypatch.setattr(spa_changes, "FIRST_BATCH_COUNTS", 0)
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    old = _pull(state)
    open_items = [i for i in state.items.values() if not i.closed]
    changed, gone = open_items[0], open_items[1]
    won = next(
        s.id
        for (fid, _), s in state.stages.items()
        if fid == changed.funnel_id and s.semantics == "success"
    )
    state.items[changed.id] = dataclasses.replace(
        changed, stage_id=won, closed=True, closed_at=NOW, modified_at=NOW
    )
    del state.items[gone.id]
    new = _pull(state, old)
    items = {d.id: d for d in new.deals if d.entity is EntityKind.ITEM}
    assert items[changed.id].stage_id == won and items[changed.id].closed
    assert gone.id not in items
    assert set(items) == set(state.items)
    deals = [d.id for d in new.deals if d.entity is not EntityKind.ITEM]
    assert deals == [d.id for d in old.deals if d.entity is not EntityKind.ITEM]


def test_export_of_a_full_pull_plans_clean_with_smart_processes() -> None:
    """Export writes smart-process funnels with their process; plan then shows no changes
    and nothing unmanaged (the counts come from the snapshot's items here)."""
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    snap = _pull(state)
    data = export_blueprint(snap, "portal")
    names = {f.name for f in snap.structure.funnels if f.kind is FunnelKind.SPA}
    spa = [f for f in data["funnels"] if f.get("kind") == "spa"]
    assert {f["names"]["ru"] for f in spa} == names
    titles = {p.title for p in snap.structure.smart_processes}
    assert {f["process"]["title"] for f in spa} == titles
    bp = Blueprint.model_validate(parse_yaml(dump_yaml(data)).data)
    result = plan(snap, bp, options=PlanOptions())
    assert result.changes == () and result.unmanaged == () and result.refusals == ()
    deal_doc = {k: v for k, v in spa[0].items() if k not in ("kind", "process")}
    with pytest.raises(ValidationError):
        Blueprint.model_validate({**data, "funnels": [{**deal_doc, "kind": "spa"}]})


def test_incremental_pull_reads_changed_items_only() -> None:
    """Items are read by `>=updatedTime` (§7.3): a changed item comes back, unchanged ones are
    not re-read, so the pull takes fewer requests than a full one; the result is the same."""
    state = generate(Vendor.BITRIX24, 300, 5, now=NOW)
    base = next(i for i in state.items.values() if i.funnel_id.startswith("DT1038_"))
    top = max(spa_item_number(i) for i in state.items if i.startswith(f"T{1038:x}_"))
    for number in range(top + 1, top + 6001):  # whole, 1038 takes 3 batches of 2,500
        item_id = spa_item_id(1038, number)
        state.items[item_id] = dataclasses.replace(base, id=item_id, title=f"№{number}")
    changed = next(i for i in state.items.values() if i.funnel_id.startswith("DT1042_"))
    number = spa_item_number(changed.id)
    other = next(
        s.id
        for (fid, sid), s in state.stages.items()
        if fid == changed.funnel_id and sid != changed.stage_id and s.semantics == "process"
    )
    with running(state) as portal:
        connector = portal.connector()
        try:
            old = connector.pull(PullScope(), NullProgress())
            full = connector.requests
            connector.client.call(
                "crm.item.update",
                {"entityTypeId": 1042, "id": number, "fields": {"stageId": other}},
            )
            before = connector.requests
            new = connector.pull_incremental(old, NullProgress())
            incremental = connector.requests - before
            again = connector.pull(PullScope(), NullProgress())
        finally:
            connector.close()
    items = {d.id: d for d in new.deals if d.entity is EntityKind.ITEM}
    assert items[changed.id].stage_id == other
    # Re-read whole, the 6,000 unchanged items of 1038 alone take 3 batch requests (9 → 8).
    assert incremental + 3 <= full
    want = [(d.id, d.stage_id, d.modified_at) for d in again.deals if d.entity is EntityKind.ITEM]
    assert [(d.id, d.stage_id, d.modified_at) for d in new.deals if d.id in items] == want
