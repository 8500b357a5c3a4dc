"""Fixtures of the reliability suite (helpers live in live.py)."""

from __future__ import annotations

import pytest

from funnelkit.model import Vendor
from tests.reliability.live import VENDORS


@pytest.fixture(params=VENDORS, ids=lambda v: v.value)
def vendor(request: pytest.FixtureRequest) -> Vendor:
    """Each vendor in turn: a test taking `vendor` runs once per emulator."""
    value: Vendor = request.param
    return value
