"""`emulator serve --empty`: a portal holding only what its vendor will not let go."""

from __future__ import annotations

import pytest

from funnelkit.cli.emulator import VendorName, build_portal
from funnelkit.model import FunnelKind, Semantics, Vendor


@pytest.mark.parametrize("vendor", list(VendorName))
def test_empty_portal_has_only_the_vendor_defaults(vendor: VendorName) -> None:
    state = build_portal(vendor, empty=True)
    assert state.vendor is Vendor(vendor.value)
    assert state.deals == {} and state.contacts == {} and state.activities == []
    defaults = [f for f in state.funnels.values() if f.is_default]
    assert len(defaults) == 1
    semantics = {s.semantics for s in state.stages_of(defaults[0].id)}
    assert semantics == {Semantics.PROCESS, Semantics.SUCCESS, Semantics.FAILURE}
    if vendor is VendorName.AMOCRM:
        assert len(state.funnels) == 1  # amocrm.md §5.2: the last pipeline stays
        ids = {s.id for s in state.stages_of(defaults[0].id)}
        assert {"142", "143"} <= ids
    else:
        kinds = sorted(f.kind.value for f in state.funnels.values())
        assert kinds == sorted([FunnelKind.DEAL.value, FunnelKind.LEAD.value])
