"""`emulator serve --empty`: a portal holding only what its vendor will not let go."""

from __future__ import annotations

from collections import Counter

import pytest

from funnelkit.cli.emulator import VendorName, build_portal
from funnelkit.emulator.generate.empty import empty_portal
from funnelkit.emulator.generate.truth import state_to_snapshot
from funnelkit.model import FunnelKind, Semantics, Snapshot, Vendor
from tests.blueprint.portal import amo_pipeline, fresh, snapshot


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


def _stage_ids_clash(snap: Snapshot) -> list[str]:
    """Stage keys given twice; on amoCRM status ids are account-wide (amocrm.md §5.1), so
    any id but the shared 142/143 given twice."""
    keys = [s.key for s in snap.structure.stages]
    clashes = [f"{f}/{s}" for (f, s), n in Counter(keys).items() if n > 1]
    if snap.manifest.vendor is Vendor.AMOCRM:
        ids = [s.id for s in snap.structure.stages if s.id not in ("142", "143")]
        clashes += [i for i, n in Counter(ids).items() if n > 1]
    return clashes


@pytest.mark.parametrize("vendor", list(Vendor))
def test_fresh_portals_give_every_stage_its_own_id(vendor: Vendor) -> None:
    assert _stage_ids_clash(fresh(vendor)) == []
    assert _stage_ids_clash(state_to_snapshot(empty_portal(vendor))) == []


def test_a_pipeline_numbered_like_the_fresh_one_keeps_unsorted_apart() -> None:
    # pipeline 100 with statuses from 1000 once gave its unsorted status id 1000 as well
    made = snapshot(Vendor.AMOCRM, [amo_pipeline("100", "Воронка", ["A", "B"], first_id=1000)])
    assert _stage_ids_clash(made) == []
    assert _stage_ids_clash(snapshot(Vendor.AMOCRM, [amo_pipeline("7", "X", ["A"])] * 2)) != []
