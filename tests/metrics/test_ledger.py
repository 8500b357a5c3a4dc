"""The deal ledger read from columns gives what the report's per-deal loops gave."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from funnelkit.metrics.ledger import deal_ledger
from funnelkit.model import Semantics, Snapshot, Vendor
from funnelkit.store import load_snapshot, save_snapshot

messy = pytest.importorskip("funnelkit.emulator.generate.messy")
truth = pytest.importorskip("funnelkit.emulator.generate.truth")


def _varied(snapshot: Snapshot) -> Snapshot:
    """Deals without currency, amount or manager, and one in a stage the structure lacks."""
    deals = []
    for i, d in enumerate(snapshot.deals):
        if i % 7 == 0:
            d = replace(d, currency=None)
        if i % 11 == 0:
            d = replace(d, amount=None)
        if i % 13 == 0:
            d = replace(d, responsible_id=None)
        if i == 5:  # open, in a stage the structure does not list: counts as open
            d = replace(d, stage_id="GONE", closed=False)
        deals.append(d)
    return replace(snapshot, deals=deals, memo={})


@pytest.mark.parametrize("vendor", [Vendor.AMOCRM, Vendor.BITRIX24])
@pytest.mark.parametrize("packed", [False, True])
def test_ledger_matches_the_deal_loops(vendor: Vendor, packed: bool, tmp_path: Path) -> None:
    snapshot = _varied(truth.state_to_snapshot(messy.generate(vendor, 600, 3)))
    if packed:
        snapshot = load_snapshot(save_snapshot(snapshot, tmp_path / "p.zip"))
    ledger = deal_ledger(snapshot)
    cur = snapshot.structure.portal.currency or "?"
    deals = list(snapshot.deals)
    priced = [d for d in deals if d.amount and not d.closed]
    settled = {
        (s.funnel_id, s.id)
        for s in snapshot.structure.stages
        if s.semantics is not Semantics.PROCESS
    }
    assert ledger.ids == [d.id for d in deals]
    assert ledger.contact_ids == [c.id for c in snapshot.contacts]
    assert list(ledger.amounts.items()) == [(d.id, (d.currency or cur, d.amount)) for d in priced]
    assert ledger.funnel_of == {d.id: d.funnel_id for d in priced}
    assert ledger.holder == {d.id: d.responsible_id or "" for d in deals}
    expected = Counter(d.responsible_id or "" for d in deals if not d.closed)
    assert list(ledger.open_by.items()) == list(expected.items())
    assert ledger.open_count == sum(
        1 for d in deals if not d.closed and (d.funnel_id, d.stage_id) not in settled
    )
    assert priced and ledger.open_count and len(expected) > 1


def test_forgotten_history_index_is_built_again_alike() -> None:
    from funnelkit.index.history import history_index

    snapshot = truth.state_to_snapshot(messy.generate(Vendor.AMOCRM, 200, 2))
    first = history_index(snapshot)
    assert history_index(snapshot) is first  # shared while kept
    snapshot.forget_derived()
    again = history_index(snapshot)
    assert again is not first
    assert again.keys == first.keys
    assert again.all_deal.tolist() == first.all_deal.tolist()
    assert again.at.tolist() == first.at.tolist()
