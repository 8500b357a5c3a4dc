"""A million-deal portal generates within the budget (issue 4: < 120 s on two cores)."""

from __future__ import annotations

import time

import pytest

from funnelkit.emulator.generator import generate
from funnelkit.model import Vendor


@pytest.mark.slow
@pytest.mark.parametrize("vendor", [Vendor.AMOCRM])
def test_million_deals_in_two_minutes(vendor: Vendor) -> None:
    start = time.perf_counter()
    portal = generate(vendor, 1_000_000, seed=1)
    elapsed = time.perf_counter() - start
    assert len(portal.deals) == 1_000_000
    assert 4_000_000 <= len(portal.transitions) <= 7_000_000
    assert 900_000 <= len(portal.activities) <= 1_600_000
    assert elapsed < 120, f"{elapsed:.0f} s"
