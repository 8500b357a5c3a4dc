"""Pull progress: a total shown up front is what is read, never an id range."""

from __future__ import annotations

from collections import Counter

import pytest

from funnelkit.config import credentials_for
from funnelkit.connectors import get_connector
from funnelkit.connectors.base import PortalSettings, PullScope
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.run import start
from funnelkit.model import Vendor


class Recorder:
    def __init__(self) -> None:
        self.totals: dict[str, int | None] = {}
        self.rows: Counter[str] = Counter()
        self.finished: set[str] = set()

    def start(self, entity: str, total: int | None) -> None:
        self.totals[entity] = total

    def advance(self, entity: str, rows: int) -> None:
        self.rows[entity] += rows

    def finish(self, entity: str) -> None:
        self.finished.add(entity)


@pytest.mark.parametrize("vendor", [Vendor.BITRIX24, Vendor.AMOCRM], ids=lambda v: v.value)
def test_totals_match_what_is_read(vendor: Vendor) -> None:
    recorder = Recorder()
    with start(generate(vendor, deals=250, seed=9)) as running:
        settings = PortalSettings(vendor=vendor, url=running.url, rate_limit=200, burst=1000)
        connector = get_connector(settings, credentials_for("demo", settings, running.env("demo")))
        try:
            connector.pull(PullScope(), recorder)
        finally:
            connector.close()
    assert recorder.finished == set(recorder.totals)
    assert any(recorder.rows[e] > 0 for e in recorder.totals)
    for entity, total in recorder.totals.items():
        assert total is None or total == recorder.rows[entity], (entity, total, recorder.rows)
