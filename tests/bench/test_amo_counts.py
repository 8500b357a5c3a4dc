"""The amoCRM request minimum of the pull benchmark matches what the emulator must serve."""

from __future__ import annotations

import math

from pydantic import SecretStr

from bench.amo_counts import amo_counts, amo_minimum
from funnelkit.connectors.amocrm import AmoCrmConnector
from funnelkit.connectors.base import Credentials, NullProgress, PortalSettings, PullScope
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.run import start
from funnelkit.emulator.state import EmulatorOptions
from funnelkit.model import Vendor

# One catch-up read each for leads, contacts, companies and tasks changed during the pull.
CATCH_UP = 4


def test_minimum_counts_every_list_the_api_serves() -> None:
    counts = {
        "leads": 501,
        "contacts": 0,
        "companies": 250,
        "tasks": 1,
        "users": 3,
        "events": 1001,
        "loss_reasons": 0,
        "fields_leads": 2,
        "fields_contacts": 0,
        "fields_companies": 0,
    }
    # account + pipelines; leads, companies, tasks, users; 11 event pages at 100 a page;
    # one request each for the lead fields and the four empty lists (a 204 says "none").
    assert amo_minimum(counts) == 2 + (3 + 1 + 1 + 1) + math.ceil(1001 / 100) + 1 + 4


def test_funnelkit_pull_is_the_minimum_plus_its_catch_up_reads() -> None:
    state = generate(Vendor.AMOCRM, deals=300, seed=5)
    counts = amo_counts(state)
    assert counts["events"] > counts["leads"]  # history dominates, at 100 a page
    with start(state, EmulatorOptions()) as running:
        _, token = running.secret_env
        settings = PortalSettings(vendor=Vendor.AMOCRM, url=running.url, rate_limit=1000)
        connector = AmoCrmConnector(settings, Credentials(token=SecretStr(token)))
        try:
            snapshot = connector.pull(PullScope(), NullProgress())
        finally:
            connector.close()
        assert running.server.requests == amo_minimum(counts) + CATCH_UP
        asked = running.server.requests_by_path["/api/v4/events"]
    assert asked == math.ceil(counts["events"] / 100)  # no lead_added pages
    assert len(snapshot.deals) == counts["leads"]
    created = [t for t in snapshot.transitions if t.from_stage_id is None]
    assert len(created) == counts["leads"]  # every lead's first row, made from the lead
