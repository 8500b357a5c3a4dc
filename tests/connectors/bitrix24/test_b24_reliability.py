"""Faults and the vendor's rate limit: retried pages never lose or repeat a row."""

from __future__ import annotations

import logging

import pytest

from funnelkit.connectors.base import NullProgress, PullScope
from funnelkit.emulator.generate.messy import generate
from funnelkit.emulator.serving.faults import FaultPlan
from funnelkit.model import Vendor
from tests.connectors.bitrix24.portal import running
from tests.connectors.bitrix24.test_b24_pull import assert_equal_to_state


def test_pull_survives_injected_faults() -> None:
    # Big enough for a dozen requests: tables' last batches share requests (jobs._pack).
    state = generate(Vendor.BITRIX24, 3100, 7)
    faults = FaultPlan(rate=0.3, kinds=("503", "reset", "truncate"), seed=11)
    with running(state, faults=faults) as portal:
        connector = portal.connector()
        snap = connector.pull(PullScope(), NullProgress())
        connector.close()
    assert sum(faults.injected.values()) >= 3, faults.injected
    assert connector.api.retries >= 3
    assert_equal_to_state(snap, state)


def test_pull_obeys_the_portal_bucket() -> None:
    state = generate(Vendor.BITRIX24, 110, 8)
    # Emulator time runs 4x faster, so the portal drains 8 requests/s: the client, pacing
    # itself at 100/s with a huge burst, overflows the portal's bucket of 50 and must back off.
    with running(state, scale=4.0, rate_limit=True) as portal:
        portal.settings = portal.settings.model_copy(update={"max_retry_seconds": 60})
        connector = portal.connector()
        for _ in range(40):  # 3 requests a pull: the tables share one batch
            snap = connector.pull(PullScope(), NullProgress())
            assert_equal_to_state(snap, state)
        connector.close()
    assert connector.api.retries > 0


def test_client_pacing_matching_the_portal_never_trips_it() -> None:
    state = generate(Vendor.BITRIX24, 110, 9)
    with running(state, scale=4.0, rate_limit=True) as portal:
        # The portal drains 8/s with a bucket of 50; the client paces itself the same way.
        portal.settings = portal.settings.model_copy(update={"rate_limit": 7.5, "burst": 48})
        connector = portal.connector()
        for _ in range(40):  # 3 requests a pull: the tables share one batch
            connector.pull(PullScope(), NullProgress())
        connector.close()
    assert connector.api.retries == 0
    assert connector.api.bucket.waited > 0


def test_logs_never_carry_the_webhook_code(caplog: pytest.LogCaptureFixture) -> None:
    state = generate(Vendor.BITRIX24, 45, 12)
    faults = FaultPlan(rate=0.3, kinds=("503", "reset"), seed=3)
    caplog.set_level(logging.DEBUG)  # httpx logs every request URL at INFO
    with running(state, faults=faults) as portal:
        connector = portal.connector()
        connector.pull(PullScope(), NullProgress())
        connector.close()
    assert "retry" in caplog.text and "HTTP Request" in caplog.text
    assert portal.options.secret not in caplog.text
