"""A full pull of the amoCRM emulator over real HTTP equals the state it serves."""

from __future__ import annotations

import math
from dataclasses import replace

import httpx

from funnelkit.connectors.base import NullProgress, PullScope
from funnelkit.emulator.amocrm import token_for
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.state import EmulatorOptions, PortalState
from funnelkit.model import DataSet, DataState, Semantics, Snapshot, TunnelSource, Vendor
from tests.connectors.amocrm.portal import expected_history, running
from tests.lookup import deal_funnels, main_funnel, open_stages, stage_of


def assert_equals_state(snap: Snapshot, state: PortalState) -> None:
    """Row for row, after the two things the emulator does not serve back as stored.

    It serves no interaction texts (calls, notes) and gives an uncoloured status amoCRM's
    default colour, so those two fields are taken from the state before comparing.
    """
    assert list(snap.deals) == sorted(state.deals.values(), key=lambda d: int(d.id))
    assert list(snap.transitions) == expected_history(state)
    assert list(snap.responsible_changes) == sorted(
        state.responsible_changes, key=lambda c: int(c.id)
    )
    assert list(snap.deadline_changes) == sorted(state.deadline_changes, key=lambda c: int(c.id))
    texts = {a.id: a.subject for a in state.activities}
    got = [replace(a, subject=texts.get(a.id, "")) for a in snap.activities]
    assert sorted(got, key=lambda a: a.id) == sorted(state.activities, key=lambda a: a.id)
    assert list(snap.contacts) == sorted(state.contacts.values(), key=lambda c: int(c.id))
    assert list(snap.companies) == sorted(state.companies.values(), key=lambda c: int(c.id))
    s = snap.structure
    colours = {x.key: x.color for x in state.stages.values()}
    stages = [x.model_copy(update={"color": colours[x.key]}) for x in s.stages]
    assert sorted(stages, key=lambda x: x.key) == sorted(state.stages.values(), key=lambda x: x.key)
    assert sorted(s.funnels, key=lambda f: f.id) == sorted(
        state.funnels.values(), key=lambda f: f.id
    )
    assert sorted(s.users, key=lambda u: u.id) == sorted(state.users.values(), key=lambda u: u.id)
    assert sorted(s.loss_reasons, key=lambda r: r.id) == sorted(
        state.loss_reasons.values(), key=lambda r: r.id
    )
    assert sorted(s.custom_fields, key=lambda f: f.id) == sorted(
        state.custom_fields, key=lambda f: f.id
    )


def test_full_pull_equals_state_row_for_row() -> None:
    state = generate(Vendor.AMOCRM, 620, 1)
    # A generated portal copies deals between funnels but never moves one: move a lost deal
    # into another funnel over the API, so the pull has a tunnel to observe.
    main = main_funnel(state).id
    lost = stage_of(state, main, Semantics.FAILURE).id
    deal = next(d for d in state.deals.values() if (d.funnel_id, d.stage_id) == (main, lost))
    other = deal_funnels(state)[1].id
    target = open_stages(state, other)[0].id
    options = EmulatorOptions()
    with running(state, options) as run:
        move = [{"id": int(deal.id), "pipeline_id": int(other), "status_id": int(target)}]
        headers = {"Authorization": f"Bearer {token_for(options)}"}
        httpx.patch(f"{run.server.url}/api/v4/leads", json=move, headers=headers).raise_for_status()
        snap = run.connector.pull(PullScope(), NullProgress())
    assert_equals_state(snap, state)
    m = snap.manifest
    assert m.domain.startswith("127.0.0.1:") and snap.structure.portal.currency == "RUB"
    assert m.earliest_event_at == min(t.at for t in state.transitions)
    assert m.has(DataSet.STAGE_HISTORY_AUTHOR) and m.has(DataSet.TUNNELS)
    assert m.status(DataSet.LEADS).state is DataState.UNAVAILABLE
    assert m.limits.deleting_stage_moves_deals_to_first and not m.limits.funnel_with_deals_deletable
    assert m.counts["deals"] == len(state.deals)
    tunnels = snap.structure.tunnels
    assert {(t.from_funnel_id, t.from_stage_id, t.to_funnel_id) for t in tunnels} == {
        (main, lost, other)
    }
    assert all(t.source is TunnelSource.OBSERVED for t in tunnels)


def test_request_count_is_near_the_minimum() -> None:
    state = generate(Vendor.AMOCRM, 1500, 1)
    with running(state) as run:
        run.connector.pull(PullScope(), NullProgress())
        used = run.server.requests
    events = len(state.transitions) + len(state.responsible_changes) + len(state.deadline_changes)
    events += sum(1 for a in state.activities if not a.id.startswith("T"))
    tasks = sum(1 for a in state.activities if a.id.startswith("T"))
    pages = (
        math.ceil(len(state.deals) / 250)
        + math.ceil(events / 100)
        + math.ceil(tasks / 250)
        + math.ceil(len(state.contacts) / 250)
        + math.ceil(len(state.companies) / 250)
    )
    # Structure: account, users, pipelines, loss reasons, three field lists. Then one
    # catch-up read each for leads, contacts, companies and tasks changed during the pull.
    fixed = 7 + 4
    assert used <= math.ceil(pages * 1.05) + fixed, (used, pages, fixed)


def test_scope_flags() -> None:
    state = generate(Vendor.AMOCRM, 60, 1)
    chosen = next(
        f for f in deal_funnels(state)[1:] if any(d.funnel_id == f.id for d in state.deals.values())
    )
    with running(state) as run:
        snap = run.connector.pull(
            PullScope(funnels=(chosen.name,), history=False, tasks=False), NullProgress()
        )
    assert snap.deals and all(d.funnel_id == chosen.id for d in snap.deals)
    assert len(snap.deals) == sum(1 for d in state.deals.values() if d.funnel_id == chosen.id)
    assert snap.transitions == () and snap.activities == () and snap.structure.tunnels == ()
    assert snap.manifest.status(DataSet.STAGE_HISTORY).state is DataState.NOT_PULLED
    assert snap.manifest.status(DataSet.TASKS).reason == "--no-tasks"


def test_since_narrows_history_and_tasks_only() -> None:
    state = generate(Vendor.AMOCRM, 60, 1)
    cut = sorted(t.at for t in state.transitions)[len(state.transitions) // 2]
    with running(state) as run:
        snap = run.connector.pull(PullScope(since=cut), NullProgress())
    assert len(snap.deals) == len(state.deals) and len(snap.contacts) == len(state.contacts)
    want = {t.id for t in state.transitions if t.at >= cut and t.from_stage_id is not None}
    assert want and want <= {t.id for t in snap.transitions}
    assert all(t.at >= cut for t in snap.transitions)
    assert snap.manifest.scope.since == cut and (snap.manifest.earliest_event_at or 0) >= cut
