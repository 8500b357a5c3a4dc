"""Pulls through injected faults and the vendor's 429s still equal the state; progress reports."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from funnelkit.connectors.amocrm import AmoCrmConnector
from funnelkit.connectors.base import Credentials, NullProgress, PullScope
from funnelkit.emulator.amocrm import AmoCrmApp, token_for
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.faults import FaultPlan
from funnelkit.emulator.serving.server import EmulatorServer
from funnelkit.emulator.state import EmulatorOptions
from funnelkit.model import Vendor
from tests.connectors.amocrm.portal import running, settings_for
from tests.connectors.amocrm.test_amo_pull import assert_equals_state
from tests.lookup import main_funnel, open_stages


class Recorder:
    """A Progress that remembers what it was told."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int | None]] = []

    def start(self, entity: str, total: int | None) -> None:
        self.calls.append(("start", entity, total))

    def advance(self, entity: str, rows: int) -> None:
        self.calls.append(("advance", entity, rows))

    def finish(self, entity: str) -> None:
        self.calls.append(("finish", entity, None))


def test_progress_reports_every_entity_once() -> None:
    state = generate(Vendor.AMOCRM, 40, 1)
    progress = Recorder()
    with running(state) as run:
        run.connector.pull(PullScope(), progress)
    started = [e for op, e, _ in progress.calls if op == "start"]
    finished = [e for op, e, _ in progress.calls if op == "finish"]
    assert sorted(started) == sorted(set(started)) == sorted(finished)
    assert {"deals", "events", "tasks", "contacts"} <= set(started)
    advanced = sum(n or 0 for op, e, n in progress.calls if op == "advance" and e == "deals")
    assert advanced >= len(state.deals)


def test_pull_through_faults_equals_state() -> None:
    state = generate(Vendor.AMOCRM, 120, 1)
    options = EmulatorOptions()
    app = AmoCrmApp(state, options)
    faults = FaultPlan(rate=0.15, kinds=("503", "429", "reset", "truncate"), seed=3)
    with EmulatorServer(app, faults=faults) as server:
        creds = Credentials(token=SecretStr(token_for(options)))
        connector = AmoCrmConnector(settings_for(server.url), creds)
        snap = connector.pull(PullScope(), NullProgress())
        retries = connector.client.api.retries
        connector.close()
    assert sum(faults.injected.values()) > 0 and retries >= sum(faults.injected.values())
    assert_equals_state(snap, state)


def test_vendor_429s_are_waited_out() -> None:
    state = generate(Vendor.AMOCRM, 10, 1)
    options = EmulatorOptions(rate_limit=True)
    with running(state, options, rate_limit=40.0) as run:
        snap = run.connector.pull(PullScope(), NullProgress())
        assert run.connector.client.api.retries > 0
    assert_equals_state(snap, state)


class MutateOnce(Recorder):
    """On the first page of leads, move a lead on a later page and add a new one."""

    def __init__(self, url: str, token: str, lead_id: int, funnel: str, stage: str) -> None:
        super().__init__()
        self.url, self.token, self.lead_id = url, token, lead_id
        self.funnel, self.stage = int(funnel), int(stage)
        self.done = False

    def advance(self, entity: str, rows: int) -> None:
        super().advance(entity, rows)
        if entity != "deals" or self.done:
            return
        self.done = True
        headers = {"Authorization": f"Bearer {self.token}"}
        move = [{"id": self.lead_id, "pipeline_id": self.funnel, "status_id": 142}]
        httpx.patch(f"{self.url}/api/v4/leads", json=move, headers=headers).raise_for_status()
        new = [
            {"name": "Пока идёт", "price": 700, "pipeline_id": self.funnel, "status_id": self.stage}
        ]
        httpx.post(f"{self.url}/api/v4/leads", json=new, headers=headers).raise_for_status()


def test_rows_changing_during_the_pull_are_neither_lost_nor_doubled() -> None:
    state = generate(Vendor.AMOCRM, 600, 1)
    options = EmulatorOptions()
    last = max(state.deals, key=int)
    with running(state, options) as run:
        sales = main_funnel(state).id
        stage = open_stages(state, sales)[0].id
        progress = MutateOnce(run.server.url, token_for(options), int(last), sales, stage)
        snap = run.connector.pull(PullScope(), progress)
    assert progress.done
    assert list(snap.deals) == sorted(state.deals.values(), key=lambda d: int(d.id))
    assert len(snap.deals) == 601 and next(d for d in snap.deals if d.id == last).stage_id == "142"
