"""Pulls stay whole when the portal pushes back (OPERATION_TIME_LIMIT) or changes under them."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from funnelkit.connectors import get_connector
from funnelkit.connectors.base import (
    Connector,
    Credentials,
    NullProgress,
    PortalSettings,
    PullScope,
)
from funnelkit.connectors.bitrix24.connector import Bitrix24Connector
from funnelkit.emulator.bitrix24 import Bitrix24App
from funnelkit.emulator.generate.messy import DEFAULT_NOW
from funnelkit.emulator.serving.clock import Clock
from funnelkit.emulator.serving.run import Running
from funnelkit.emulator.state import LEAD_PREFIX, EmulatorOptions
from funnelkit.model import Deal, EntityKind, Vendor
from tests.reliability.live import assert_same_rows, served


def _credentials(running: Running) -> Credentials:
    kind, value = running.secret_env
    secret = SecretStr(value)
    return Credentials(webhook=secret) if kind == "WEBHOOK" else Credentials(token=secret)


def _settings(running: Running, **extra: Any) -> PortalSettings:
    values: dict[str, Any] = {"vendor": running.state.vendor, "url": running.url}
    values["rate_limit"] = 200
    if running.state.vendor is Vendor.BITRIX24:
        values["burst"] = 1000
    return PortalSettings(**{**values, **extra})


def test_operation_time_limit_delays_the_bitrix24_pull_but_loses_nothing() -> None:
    # Simulated emulator time: the client "sleeps" by advancing it, so a 10-minute block is instant.
    clock = Clock(simulated=True, start=DEFAULT_NOW)
    options = EmulatorOptions(clock=clock)
    with served("time-limit", Vendor.BITRIX24, options=options) as running:
        creds = _credentials(running)
        clean_connector = get_connector(_settings(running), creds)
        clean = clean_connector.pull(PullScope(), NullProgress())
        clean_connector.close()
        vendor_app = running.server.app
        assert isinstance(vendor_app, Bitrix24App)
        options.cost_model = True
        vendor_app.cost.limit = 0.25  # the docs' 480 s, scaled down: a few pages per method
        slept: list[float] = []

        def sleep(seconds: float) -> None:
            slept.append(seconds)
            clock.advance(max(seconds, 0.0))

        connector = Bitrix24Connector(
            _settings(running, max_retry_seconds=1200), creds, sleep=sleep, wall=clock.now
        )
        limited = connector.pull(PullScope(), NullProgress())
        connector.close()
    assert sum(slept) >= 60, f"never waited for a method to unblock: {slept}"
    assert_same_rows(limited, clean)


class _Mutator:
    """A Progress that, once the first page of deals is in, changes the portal via its API."""

    def __init__(self, running: Running) -> None:
        self.running = running
        self.done = False
        numeric = [d for d in running.state.deals.values() if not d.id.startswith(LEAD_PREFIX)]
        ordered = sorted(numeric, key=lambda d: int(d.id))
        self.first, self.last = ordered[0], ordered[-1]
        stages = running.state.stages_of(self.last.funnel_id)
        self.new_stage = next(s.id for s in stages if s.id != self.last.stage_id)

    def start(self, entity: str, total: int | None) -> None:
        """Nothing to do."""

    def finish(self, entity: str) -> None:
        """Nothing to do."""

    def advance(self, entity: str, rows: int) -> None:
        if entity != "deals" or self.done:
            return
        self.done = True
        if self.running.state.vendor is Vendor.BITRIX24:
            self._bitrix24()
        else:
            self._amocrm()

    def _bitrix24(self) -> None:
        hook = self.running.secret_env[1]
        calls: list[tuple[str, dict[str, Any]]] = [
            ("crm.deal.update", {"id": self.last.id, "fields": {"STAGE_ID": self.new_stage}}),
            ("crm.deal.update", {"id": self.first.id, "fields": {"TITLE": "renamed mid-pull"}}),
            ("crm.deal.add", {"fields": {"TITLE": "born mid-pull", "CATEGORY_ID": "0"}}),
        ]
        for method, body in calls:
            answer = httpx.post(f"{hook}{method}.json", json=body)
            assert answer.status_code == 200 and "error" not in answer.json(), answer.text

    def _amocrm(self) -> None:
        headers = {"Authorization": f"Bearer {self.running.secret_env[1]}"}
        url = f"{self.running.url}/api/v4/leads"
        funnel = int(self.last.funnel_id)
        moves = [
            {"id": int(self.last.id), "pipeline_id": funnel, "status_id": int(self.new_stage)},
            {"id": int(self.first.id), "name": "renamed mid-pull"},
        ]
        httpx.patch(url, json=moves, headers=headers).raise_for_status()
        new = [{"name": "born mid-pull", "pipeline_id": funnel}]
        httpx.post(url, json=new, headers=headers).raise_for_status()


@pytest.mark.parametrize("vendor", [Vendor.BITRIX24, Vendor.AMOCRM], ids=lambda v: v.value)
def test_rows_changed_during_the_pull_are_neither_lost_nor_doubled(vendor: Vendor) -> None:
    with served("changed-mid-pull", vendor) as running:
        state = running.state
        mutator = _Mutator(running)
        before = set(state.deals)
        connector: Connector = get_connector(_settings(running), _credentials(running))
        snap = connector.pull(PullScope(), mutator)
        connector.close()
    assert mutator.done
    # Smart-process items share the deals table; this test is about the deals.
    ids = Counter(d.id for d in snap.deals if d.entity is not EntityKind.ITEM)
    assert [i for i, n in ids.items() if n > 1] == [], "deals read twice"
    assert set(ids) == set(state.deals), "deals lost or invented"
    assert len(set(state.deals) - before) == 1  # the one born mid-pull is in the snapshot
    moved: Deal = next(d for d in snap.deals if d.id == mutator.last.id)
    assert moved.stage_id == mutator.new_stage
    for table in ("transitions", "activities", "contacts"):
        rows = getattr(snap, table)
        assert len({r.id for r in rows}) == len(rows), f"{table}: rows read twice"
