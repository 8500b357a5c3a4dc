"""A full pull over real HTTP from the Bitrix24 emulator equals the portal state."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from funnelkit.connectors.base import NullProgress, PullScope
from funnelkit.emulator.bitrix24 import Bitrix24App
from funnelkit.emulator.state import PortalState
from funnelkit.model import DataSet, DataState, Snapshot
from tests.connectors.bitrix24.portal import build_state, running


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


def assert_equal_to_state(snap: Snapshot, state: PortalState) -> None:
    """Every deal, history row, activity, task, contact, company, user, funnel and stage."""
    assert _rows(snap.deals) == _rows(state.deals.values())
    # Bitrix24 records no mover (§8): `by` is never pulled.
    assert _rows(snap.transitions, drop=("by",)) == _rows(state.transitions, drop=("by",))
    assert _rows(snap.activities) == _rows(state.activities)
    assert _rows(snap.contacts) == _rows(state.contacts.values())
    assert _rows(snap.companies) == _rows(state.companies.values())
    assert _models(snap.structure.users) == _models(state.users.values())
    assert _models(snap.structure.funnels) == _models(state.funnels.values())
    assert _models(snap.structure.stages) == _models(state.stages.values())
    assert _models(snap.structure.custom_fields) == _models(state.custom_fields)


def test_full_pull_equals_state() -> None:
    state = build_state(deals=300, leads=60)
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
    assert snap.manifest.counts["deals"] == 360
    assert "emulator-secret" not in snap.manifest.model_dump_json()


def _batches(rows: int) -> int:
    return max(1, math.ceil(rows / 2500))


def test_request_count_is_rows_over_2500_plus_constant() -> None:
    state = build_state(deals=6000, leads=120, seed=3)
    deals = sum(1 for d in state.deals if not d.startswith("L"))
    leads = len(state.deals) - deals
    lead_history = sum(1 for t in state.transitions if t.deal_id.startswith("L"))
    tasks = sum(1 for a in state.activities if a.id.startswith("T"))
    tables = [deals, leads, len(state.transitions) - lead_history, lead_history,
              len(state.activities) - tasks, tasks, len(state.contacts), len(state.companies),
              len(state.users)]  # fmt: skip
    minimum = sum(_batches(n) for n in tables)
    with running(state) as portal:
        connector = portal.connector()
        snap = connector.pull(PullScope(), NullProgress())
        connector.close()
        served = portal.server.requests
    assert len(snap.deals) == len(state.deals)
    assert served == connector.requests
    # structure: one batch + one for the other categories' stages; one batch of max ids.
    # Tables' last batches may share a request (jobs._pack), so the floor is pages / 50.
    pages = sum(math.ceil(n / 50) for n in tables)
    assert math.ceil(pages / 50) <= served <= math.ceil(minimum * 1.05) + 3, (served, minimum)


def test_scope_flags_narrow_the_pull() -> None:
    state = build_state(deals=120, leads=20, seed=4)
    since = sorted(t.at for t in state.transitions)[len(state.transitions) // 2]
    with running(state) as portal:
        connector = portal.connector()
        narrow = connector.pull(
            PullScope(funnels=("2",), history=False, tasks=False), NullProgress()
        )
        recent = connector.pull(PullScope(since=since), NullProgress())
        connector.close()
    assert {d.funnel_id for d in narrow.deals} == {"2"}
    assert len(narrow.deals) == sum(1 for d in state.deals.values() if d.funnel_id == "2")
    assert not narrow.transitions and not narrow.activities
    for dataset in (DataSet.STAGE_HISTORY, DataSet.TASKS, DataSet.LEADS):
        assert narrow.manifest.data[dataset].state is DataState.NOT_PULLED
    assert narrow.manifest.scope.funnels == ("2",)
    assert {t.id for t in recent.transitions} == {t.id for t in state.transitions if t.at >= since}
    assert (
        recent.manifest.earliest_event_at is not None and recent.manifest.earliest_event_at >= since
    )


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
    state = build_state(deals=80, leads=10, seed=6)
    progress = Recorder()
    with running(state) as portal:
        connector = portal.connector()
        connector.pull(PullScope(), progress)
        connector.close()
    started = {e for kind, e, _ in progress.events if kind == "start"}
    finished = {e for kind, e, _ in progress.events if kind == "finish"}
    assert started == finished >= {"deals", "leads", "deal_history", "tasks", "contacts"}
    rows = sum(n or 0 for kind, e, n in progress.events if kind == "advance" and e == "deals")
    assert rows == 80
    assert ("start", "deals", 80) in progress.events  # sized from the highest id


def test_keyset_pull_counts_no_rows_under_the_cost_model() -> None:
    state = build_state(deals=1500, leads=50, seed=10)
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
    assert counted <= 20
    assert "crm.item.list" in connector.client.operating  # `time.operating` is watched
