"""Manager, client and lead-source metrics over deal columns agree with the per-deal
loops they replaced (kept below as the reference)."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from funnelkit.metrics import people
from funnelkit.metrics.funnels import reason_of
from funnelkit.metrics.results import ClientMetrics, ManagerMetrics, Money, SourceConversion
from funnelkit.metrics.stats import ratio
from funnelkit.model import EntityKind, Semantics, Snapshot, Vendor
from funnelkit.model.timeutil import DAY
from funnelkit.store import load_snapshot, save_snapshot

messy = pytest.importorskip("funnelkit.emulator.generate.messy")
truth = pytest.importorskip("funnelkit.emulator.generate.truth")
TOP_CLIENTS = people.TOP_CLIENTS


def _managers(snapshot: Snapshot) -> list[ManagerMetrics]:
    """Conversion, win rate, losses and neglected deals per responsible manager."""
    stages, failures = people._stage_index(snapshot)
    reasons = {r.id: r.name for r in snapshot.structure.loss_reasons}
    names = {u.id: u.name for u in snapshot.structure.users}
    with_open_task = people._with_open_task(snapshot)
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    lost_by: dict[str, Counter[str]] = defaultdict(Counter)
    for deal in snapshot.deals:
        user = deal.responsible_id or "?"
        stage = stages.get((deal.funnel_id, deal.stage_id))
        semantics = stage.semantics if stage else Semantics.PROCESS
        tally[user]["deals"] += 1
        if semantics is Semantics.PROCESS:
            tally[user]["open"] += 1
            if deal.id not in with_open_task:
                tally[user]["open_without_task"] += 1
        elif semantics is Semantics.SUCCESS:
            tally[user]["won"] += 1
        else:
            tally[user]["lost"] += 1
            lost_by[user][reason_of(deal, stage, reasons, failures[deal.funnel_id])] += 1
    return [
        ManagerMetrics(
            user_id=user,
            name=names.get(user, user),
            deals=t["deals"],
            open=t["open"],
            won=t["won"],
            lost=t["lost"],
            win_rate=ratio(t["won"], t["won"] + t["lost"]),
            conversion=ratio(t["won"], t["deals"]),
            lost_by_reason=dict(lost_by[user].most_common()),
            open_without_task=t["open_without_task"],
        )
        for user, t in sorted(tally.items(), key=lambda item: (-item[1]["deals"], item[0]))
    ]


def _clients(snapshot: Snapshot, now: int) -> list[ClientMetrics]:
    """LTV (won amounts per currency) and days since the last interaction, top clients first."""
    stages, _ = people._stage_index(snapshot)
    home = snapshot.structure.portal.currency or "?"
    ltv: dict[tuple[str, str], float] = defaultdict(float)
    won: Counter[str] = Counter()
    for deal in snapshot.deals:
        stage = stages.get((deal.funnel_id, deal.stage_id))
        if stage is None or stage.semantics is not Semantics.SUCCESS:
            continue
        for contact in deal.contact_ids:
            won[contact] += 1
            if deal.amount is not None:
                ltv[contact, deal.currency or home] += deal.amount
    ranked = heapq.nsmallest(TOP_CLIENTS, won, key=lambda c: (-ltv.get((c, home), 0.0), -won[c], c))
    last = people._last_interaction(snapshot, set(ranked))
    currencies = sorted({cur for _, cur in ltv})
    names = people._names(snapshot, set(ranked))
    return [
        ClientMetrics(
            contact_id=c,
            name=names.get(c, c),
            won_deals=won[c],
            ltv=Money(by_currency={cur: ltv[c, cur] for cur in currencies if (c, cur) in ltv}),
            days_since_interaction=round((now - last[c]) / DAY, 1) if c in last else None,
        )
        for c in ranked
    ]


def _sources(snapshot: Snapshot) -> list[SourceConversion]:
    """Bitrix24 leads by source: how many became deals (success semantics of the lead funnel)."""
    stages, _ = people._stage_index(snapshot)
    leads: Counter[str] = Counter()
    converted: Counter[str] = Counter()
    for deal in snapshot.deals:
        if deal.entity is not EntityKind.LEAD:
            continue
        source = deal.source or "(none)"
        leads[source] += 1
        stage = stages.get((deal.funnel_id, deal.stage_id))
        if stage is not None and stage.semantics is Semantics.SUCCESS:
            converted[source] += 1
    return [
        SourceConversion(source=s, leads=n, converted=converted[s], rate=ratio(converted[s], n))
        for s, n in leads.most_common()
    ]


def _varied(snapshot: Snapshot) -> Snapshot:
    """Deals without responsible or source, in other currencies, without amount, as leads."""
    deals = []
    for i, d in enumerate(snapshot.deals):
        if i % 5 == 0:
            d = replace(d, responsible_id=None, source=None)
        elif i % 7 == 0:
            d = replace(d, currency="USD", entity=EntityKind.LEAD, source="web")
        elif i % 11 == 0:
            d = replace(d, amount=None, responsible_id="", entity=EntityKind.LEAD)
        elif i % 13 == 0:
            d = replace(d, loss_reason_id="unknown-reason")
        deals.append(d)
    return replace(snapshot, deals=deals, memo={})


@pytest.mark.parametrize("vendor", [Vendor.AMOCRM, Vendor.BITRIX24])
@pytest.mark.parametrize("packed", [False, True])
def test_people_metrics_match_the_deal_loops(vendor: Vendor, packed: bool, tmp_path: Path) -> None:
    state = messy.generate(vendor, 900, 6)
    snapshot = _varied(truth.state_to_snapshot(state))
    if packed:
        snapshot = load_snapshot(save_snapshot(snapshot, tmp_path / "p.zip"))
    managers = people.manager_metrics(snapshot)
    assert managers == _managers(snapshot)
    assert [list(m.lost_by_reason) for m in managers] == [
        list(m.lost_by_reason) for m in _managers(snapshot)
    ]
    assert people.client_metrics(snapshot, state.now) == _clients(snapshot, state.now)
    sources = people.lead_sources(snapshot)
    assert sources == _sources(snapshot)
    assert sources and managers
