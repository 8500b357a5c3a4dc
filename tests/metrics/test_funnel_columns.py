"""The per-funnel metrics over deal columns agree with the per-deal loop they replaced.

`_by_objects` is that loop, kept here as the reference: deal counts, money per currency
(summed in deal order, keys in first-seen order), cycle, loss reasons and re-entering
clients must come out identical, probabilities and mixed currencies included.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from funnelkit.metrics.deals import DealTable
from funnelkit.metrics.funnels import _stage_rows, funnel_metrics, key_stage, reason_of, sequence
from funnelkit.metrics.history import VisitTable
from funnelkit.metrics.results import FunnelMetrics, Money
from funnelkit.metrics.stats import ratio, spread
from funnelkit.model import Deal, Funnel, Semantics, Snapshot, Vendor
from funnelkit.model.timeutil import DAY
from funnelkit.store import load_snapshot, save_snapshot

messy = pytest.importorskip("funnelkit.emulator.generate.messy")
truth = pytest.importorskip("funnelkit.emulator.generate.truth")


def _by_objects(
    snapshot: Snapshot,
    funnel: Funnel,
    deals: list[Deal],
    visits: VisitTable,
    last_entry: dict[str, int],
    probabilities: dict[tuple[str, str], float],
) -> FunnelMetrics:
    """Every number of one funnel."""
    stages = {s.id: s for s in snapshot.structure.stages if s.funnel_id == funnel.id}
    order, failure = sequence(stages.values())
    flow = visits.flow(funnel.id, order, failure)
    currency = snapshot.structure.portal.currency
    reasons = {r.id: r.name for r in snapshot.structure.loss_reasons}
    open_now: Counter[str] = Counter()
    won = lost = 0
    won_value: dict[str, float] = defaultdict(float)
    closed_value = {"won": 0.0, "lost": 0.0}
    cycle: list[float] = []
    lost_by: Counter[str] = Counter()
    weighted: dict[str, float] = defaultdict(float)
    clients: Counter[str] = Counter()
    for deal in deals:
        where = stages.get(deal.stage_id)
        semantics = where.semantics if where else Semantics.PROCESS
        same_currency = deal.amount is not None and deal.currency in (currency, None) and currency
        for contact in set(deal.contact_ids):
            clients[contact] += 1
        if semantics is Semantics.PROCESS:
            open_now[deal.stage_id] += 1
            probability = probabilities.get((funnel.id, deal.stage_id))
            if probability is not None and deal.amount is not None:
                weighted[deal.currency or currency or "?"] += deal.amount * probability
            continue
        closed_at = deal.closed_at or last_entry.get(deal.id, deal.created_at)
        cycle.append(max(closed_at - deal.created_at, 0) / DAY)
        if semantics is Semantics.SUCCESS:
            won += 1
            if deal.amount is not None:
                won_value[deal.currency or currency or "?"] += deal.amount
            if same_currency and deal.amount is not None:
                closed_value["won"] += deal.amount
        else:
            lost += 1
            lost_by[reason_of(deal, where, reasons, len(failure))] += 1
            if same_currency and deal.amount is not None:
                closed_value["lost"] += deal.amount
    return FunnelMetrics(
        funnel_id=funnel.id,
        name=funnel.name,
        kind=funnel.kind.value,
        deals=len(deals),
        open=sum(open_now.values()),
        stages=_stage_rows(order, failure, flow, open_now),
        key_stage=key_stage(order, flow.strict),
        won=won,
        lost=lost,
        win_rate=ratio(won, won + lost),
        win_rate_value=ratio(closed_value["won"], closed_value["won"] + closed_value["lost"]),
        won_value=Money(by_currency=dict(won_value)),
        sales_cycle_days=spread(cycle),
        lost_by_reason=dict(lost_by.most_common()),
        reentering_clients=sum(1 for count in clients.values() if count > 1),
        weighted_pipeline=Money(by_currency=dict(weighted)) if probabilities else None,
    )


def _mixed(snapshot: Snapshot) -> Snapshot:
    """Some deals in a foreign currency, some without currency or amount, some won with a
    loss reason id the structure does not know: every branch of the money and reason code."""
    deals = []
    for i, d in enumerate(snapshot.deals):
        if i % 7 == 0:
            d = replace(d, currency="USD")
        elif i % 11 == 0:
            d = replace(d, currency=None)
        elif i % 13 == 0:
            d = replace(d, amount=None)
        elif i % 17 == 0:
            d = replace(d, loss_reason_id="gone-reason", closed_at=None)
        deals.append(d)
    return replace(snapshot, deals=deals, memo={})


@pytest.mark.parametrize("vendor", [Vendor.AMOCRM, Vendor.BITRIX24])
@pytest.mark.parametrize("packed", [False, True])
def test_funnel_metrics_match_the_deal_loop(vendor: Vendor, packed: bool, tmp_path: Path) -> None:
    state = messy.generate(vendor, 900, 4)
    snapshot = _mixed(truth.state_to_snapshot(state))
    if packed:
        snapshot = load_snapshot(save_snapshot(snapshot, tmp_path / "m.zip"))
    probabilities = {
        s.key: 0.1 + (i % 9) / 10 for i, s in enumerate(snapshot.structure.stages) if i % 3
    }
    for history in (True, False):
        visits = VisitTable(snapshot, use_history=history)
        table = DealTable(snapshot)
        rows_entry = visits.last_entry_rows(table.count)
        by_id = visits.last_entry()
        per: dict[str, list[Deal]] = defaultdict(list)
        for d in snapshot.deals:
            per[d.funnel_id].append(d)
        for f in snapshot.structure.funnels:
            rows = np.flatnonzero(table.in_funnel(f.id))
            for chances in (probabilities, {}):
                got = funnel_metrics(snapshot, f, table, rows, visits, rows_entry, chances)
                want = _by_objects(snapshot, f, per[f.id], visits, by_id, chances)
                assert got == want
                assert list(got.won_value.by_currency) == list(want.won_value.by_currency)
                assert list(got.lost_by_reason) == list(want.lost_by_reason)
