"""Per-manager and per-client metrics, and lead conversion by source."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from funnelkit.index.history import INT_NULL, IntArray
from funnelkit.index.sorting import distinct
from funnelkit.index.tables import decoded, numbers, texts
from funnelkit.metrics.funnels import reason_of
from funnelkit.metrics.results import ClientMetrics, ManagerMetrics, Money, SourceConversion
from funnelkit.metrics.stats import ratio
from funnelkit.model import ActivityKind, EntityKind, Semantics, Snapshot, Stage
from funnelkit.model.timeutil import DAY

INTERACTIONS = {ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING, ActivityKind.MESSAGE}
TOP_CLIENTS = 100


def _stage_index(snapshot: Snapshot) -> tuple[dict[tuple[str, str], Stage], Counter[str]]:
    stages = {s.key: s for s in snapshot.structure.stages}
    failures = Counter(s.funnel_id for s in stages.values() if s.semantics is Semantics.FAILURE)
    return stages, failures


def manager_metrics(snapshot: Snapshot) -> list[ManagerMetrics]:
    """Conversion, win rate, losses and neglected deals per responsible manager."""
    stages, failures = _stage_index(snapshot)
    reasons = {r.id: r.name for r in snapshot.structure.loss_reasons}
    names = {u.id: u.name for u in snapshot.structure.users}
    with_open_task = _with_open_task(snapshot)
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


def client_metrics(snapshot: Snapshot, now: int) -> list[ClientMetrics]:
    """LTV (won amounts per currency) and days since the last interaction, top clients first."""
    stages, _ = _stage_index(snapshot)
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
    last = _last_interaction(snapshot, set(ranked))
    currencies = sorted({cur for _, cur in ltv})
    names = _names(snapshot, set(ranked))
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


def _with_open_task(snapshot: Snapshot) -> set[str | None]:
    """Ids of the deals with an open task, read from the activity columns."""
    rows = snapshot.activities
    kinds, kind_values = texts(rows, "kind")
    task = np.array([*(v == ActivityKind.TASK for v in kind_values or ()), False], bool)
    codes, values = texts(rows, "deal_id")
    chosen = codes[task[kinds] & (numbers(rows, "done") != 1)]
    named = [*(values or ()), None]
    return {named[c] for c in distinct(chosen).tolist()}


def _rows_named(rows: Sequence[object], name: str, wanted: set[str]) -> tuple[IntArray, list[str]]:
    """The rows whose `name` column is one of `wanted`, and that value for each."""
    codes, values = texts(rows, name)
    hit = np.array([*(v in wanted for v in values or ()), False], bool)
    chosen = np.flatnonzero(hit[codes])
    listed = list(values or ())
    return chosen, [listed[c] for c in codes[chosen].tolist()]


def _names(snapshot: Snapshot, wanted: set[str]) -> dict[str, str]:
    """Contact id → name for the wanted contacts (a repeated id: its last row)."""
    rows = snapshot.contacts
    chosen, ids = _rows_named(rows, "id", wanted)
    names = decoded(texts(rows, "name"))
    return {c: names[r] or "" for r, c in zip(chosen.tolist(), ids, strict=True)}


def _last_interaction(snapshot: Snapshot, wanted: set[str]) -> dict[str, int]:
    """The latest call / e-mail / meeting / message or recorded activity of each wanted contact."""
    last: dict[str, int] = {}

    def touch(contact: str, when: int | None) -> None:
        if when and contact in wanted and when > last.get(contact, 0):
            last[contact] = when

    deal_contacts: dict[str, tuple[str, ...]] = {}
    for deal in snapshot.deals:
        if wanted.intersection(deal.contact_ids):
            deal_contacts[deal.id] = deal.contact_ids
            for contact in deal.contact_ids:
                touch(contact, deal.last_activity_at)
    rows = snapshot.activities
    kinds, kind_values = texts(rows, "kind")
    talk = np.array([*(v in INTERACTIONS for v in kind_values or ()), False], bool)[kinds]
    done = numbers(rows, "completed_at")
    at = np.where((done == INT_NULL) | (done == 0), numbers(rows, "created_at"), done)
    on_deal, deal_ids = _rows_named(rows, "deal_id", set(deal_contacts))
    for row, deal_id in zip(on_deal.tolist(), deal_ids, strict=True):
        if talk[row]:
            for contact in deal_contacts[deal_id]:
                touch(contact, int(at[row]))
    on_person, people = _rows_named(rows, "contact_id", wanted)
    for row, contact in zip(on_person.tolist(), people, strict=True):
        if talk[row]:
            touch(contact, int(at[row]))
    chosen, ids = _rows_named(snapshot.contacts, "id", wanted)
    seen = numbers(snapshot.contacts, "last_activity_at")
    for row, contact in zip(chosen.tolist(), ids, strict=True):
        touch(contact, None if seen[row] == INT_NULL else int(seen[row]))
    return last


def lead_sources(snapshot: Snapshot) -> list[SourceConversion]:
    """Bitrix24 leads by source: how many became deals (success semantics of the lead funnel)."""
    stages, _ = _stage_index(snapshot)
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
