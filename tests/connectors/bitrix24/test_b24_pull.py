"""A full pull over real HTTP from the Bitrix24 emulator equals the portal state."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from funnelkit.connectors.base import NullProgress, PullScope
from funnelkit.connectors.bitrix24.mapping import lead_funnel
from funnelkit.emulator.bitrix24 import Bitrix24App
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.state import PortalState
from funnelkit.model import (
    DataSet,
    DataState,
    Deal,
    EntityKind,
    Funnel,
    FunnelKind,
    Snapshot,
    Stage,
    User,
    Vendor,
)
from tests.connectors.bitrix24.portal import running
from tests.lookup import deal_funnels


def _rows(rows: Any, drop: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    out = {}
    for row in rows:
        data = dataclasses.asdict(row)
        for name in drop:
            data.pop(name)
        out[row.id] = data
    return out


def _models(items: Any) -> list[str]:
    return sorted(item.model_dump_json() for item in items)


def served(deal: Deal, state: PortalState) -> Deal:
    """A deal as a pull reads it: an empty amount reads 0 in the portal's currency, and
    product rows are not read (they are not part of a deal list answer; their own method,
    crm.deal.productrows.get, is not in vendor-api/bitrix24.md: unverified)."""
    return dataclasses.replace(
        deal, amount=deal.amount or 0.0, currency=deal.currency or state.currency, products=()
    )


def _served_user(user: User) -> User:
    # user.get gives department ids (`"UF_DEPARTMENT": [1]`, bitrix24.md §2.5); the generator
    # names its departments, and a name has no id to be served as.
    ids = tuple(d for d in user.departments if d.isdigit())
    return user.model_copy(update={"departments": ids})


def _served_funnel(funnel: Funnel) -> Funnel:
    # No REST method names the lead funnel: the connector calls it "Leads", sorted first.
    if funnel.kind is FunnelKind.LEAD:
        return lead_funnel()
    return funnel


def _served_stage(stage: Stage) -> Stage:
    # crm.status.list always carries a COLOR; the emulator gives an uncoloured stage the
    # portal's default blue.
    return stage.model_copy(update={"color": stage.color or "#39A8EF"})


def assert_equal_to_state(snap: Snapshot, state: PortalState) -> None:
    """Every deal, history row, activity, task, contact, company, user, funnel and stage."""
    items = [d for d in snap.deals if d.entity is EntityKind.ITEM]
    assert {d.id for d in items} == set(state.items)  # their fields: test_b24_spa.py
    deals = [d for d in snap.deals if d.entity is not EntityKind.ITEM]
    assert _rows(deals) == _rows(served(d, state) for d in state.deals.values())
    # Bitrix24 records no mover (§8): `by` is never pulled.
    assert _rows(snap.transitions, drop=("by",)) == _rows(state.transitions, drop=("by",))
    assert _rows(snap.activities) == _rows(state.activities)
    assert _rows(snap.contacts) == _rows(state.contacts.values())
    assert _rows(snap.companies) == _rows(state.companies.values())
    assert _models(snap.structure.users) == _models(map(_served_user, state.users.values()))
    assert _models(snap.structure.funnels) == _models(map(_served_funnel, state.funnels.values()))
    assert _models(snap.structure.stages) == _models(map(_served_stage, state.stages.values()))
    assert _models(snap.structure.custom_fields) == _models(state.custom_fields)


def test_full_pull_equals_state() -> None:
    state = generate(Vendor.BITRIX24, 360, 1)
    for t in state.transitions:
        assert t.by is None
    with running(state) as portal:
        connector = portal.connector()
        snap = connector.pull(PullScope(), NullProgress())
        connector.close()
    assert_equal_to_state(snap, state)
    data = snap.manifest.data
    assert data[DataSet.RESPONSIBLE_HISTORY].state is DataState.UNAVAILABLE
    assert "§" in (data[DataSet.STAGE_HISTORY_AUTHOR].reason or "")
    assert data[DataSet.DEALS].state is DataState.PULLED
    assert snap.manifest.counts["deals"] == len(state.deals) + len(state.items)
    assert len(state.deals) == 360
    assert "emulator-secret" not in snap.manifest.model_dump_json()


def _batches(rows: int) -> int:
    return max(1, math.ceil(rows / 2500))


def test_request_count_is_rows_over_2500_plus_constant() -> None:
    state = generate(Vendor.BITRIX24, 6120, 3)
    deals = sum(1 for d in state.deals if not d.startswith("L"))
    leads = len(state.deals) - deals
    lead_history = sum(1 for t in state.transitions if t.deal_id.startswith("L"))
    tasks = sum(1 for a in state.activities if a.id.startswith("T"))
    tables = [deals, leads, len(state.transitions) - lead_history, lead_history,
              len(state.activities) - tasks, tasks, len(state.contacts), len(state.companies),
              len(state.users)]  # fmt: skip
    kinds = [state.funnels[i.funnel_id].entity_type_id for i in state.items.values()]
    tables += [kinds.count(t) for t in state.smart_processes]  # one list per smart process
    minimum = sum(_batches(n) for n in tables)
    with running(state) as portal:
        connector = portal.connector()
        snap = connector.pull(PullScope(), NullProgress())
        connector.close()
        served = portal.server.requests
    assert len(snap.deals) == len(state.deals) + len(state.items)
    assert served == connector.requests
    # structure: one batch + one for the other categories' stages; one batch of max ids.
    # Tables' last batches may share a request (jobs._pack), so the floor is pages / 50.
    pages = sum(math.ceil(n / 50) for n in tables)
    assert math.ceil(pages / 50) <= served <= math.ceil(minimum * 1.05) + 3, (served, minimum)


def test_scope_flags_narrow_the_pull() -> None:
    state = generate(Vendor.BITRIX24, 140, 4)
    since = sorted(t.at for t in state.transitions)[len(state.transitions) // 2]
    chosen = deal_funnels(state)[1].id
    with running(state) as portal:
        connector = portal.connector()
        narrow = connector.pull(
            PullScope(funnels=(chosen,), history=False, tasks=False), NullProgress()
        )
        recent = connector.pull(PullScope(since=since), NullProgress())
        connector.close()
    assert {d.funnel_id for d in narrow.deals if d.entity is not EntityKind.ITEM} == {chosen}
    assert sum(d.entity is not EntityKind.ITEM for d in narrow.deals) == sum(
        1 for d in state.deals.values() if d.funnel_id == chosen
    )
    assert not narrow.transitions and not narrow.activities
    for dataset in (DataSet.STAGE_HISTORY, DataSet.TASKS, DataSet.LEADS):
        assert narrow.manifest.data[dataset].state is DataState.NOT_PULLED
    assert narrow.manifest.scope.funnels == (chosen,)
    assert {t.id for t in recent.transitions} == {t.id for t in state.transitions if t.at >= since}
    assert (
        recent.manifest.earliest_event_at is not None and recent.manifest.earliest_event_at >= since
    )


def test_funnel_scope_leaves_smart_process_items_out() -> None:
    state = generate(Vendor.BITRIX24, 140, 4)
    chosen = deal_funnels(state)[1].id
    with running(state) as portal:
        connector = portal.connector()
        narrow = connector.pull(PullScope(funnels=(chosen,)), NullProgress())
        spa_funnel = next(f for f in state.funnels.values() if f.entity_type_id is not None)
        items = connector.pull(PullScope(funnels=(spa_funnel.id,)), NullProgress())
        connector.close()
    assert {d.funnel_id for d in narrow.deals} == {chosen}
    assert {d.funnel_id for d in items.deals} == {spa_funnel.id}


class Recorder:
    """A Progress that remembers what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, int | None]] = []

    def start(self, entity: str, total: int | None) -> None:
        self.events.append(("start", entity, total))

    def advance(self, entity: str, rows: int) -> None:
        self.events.append(("advance", entity, rows))

    def finish(self, entity: str) -> None:
        self.events.append(("finish", entity, None))


def test_progress_is_reported_per_entity() -> None:
    state = generate(Vendor.BITRIX24, 90, 6)
    progress = Recorder()
    with running(state) as portal:
        connector = portal.connector()
        connector.pull(PullScope(), progress)
        connector.close()
    started = {e for kind, e, _ in progress.events if kind == "start"}
    finished = {e for kind, e, _ in progress.events if kind == "finish"}
    assert started == finished >= {"deals", "leads", "deal_history", "tasks", "contacts"}
    rows = sum(n or 0 for kind, e, n in progress.events if kind == "advance" and e == "deals")
    deals = sum(1 for d in state.deals.values() if d.entity is EntityKind.DEAL)
    assert rows == deals
    assert ("start", "deals", deals) in progress.events  # sized from the highest id


def test_keyset_pull_counts_no_rows_under_the_cost_model() -> None:
    state = generate(Vendor.BITRIX24, 1550, 10)
    with running(state, cost_model=True) as portal:
        portal.options.clock.simulated = True  # modelled server time passes without waiting
        connector = portal.connector()
        snap = connector.pull(PullScope(), NullProgress())
        connector.close()
        app = portal.server.app
        assert isinstance(app, Bitrix24App)
        counted = app.rows_counted
    assert_equal_to_state(snap, state)
    # §3: only the small structure lists are counted; no table is paged with `start` offsets.
    structure = len(state.funnels) + len(state.stages) + len(state.smart_processes)
    assert counted <= structure < len(state.deals)
    assert "crm.item.list" in connector.client.operating  # `time.operating` is watched
