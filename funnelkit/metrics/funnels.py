"""Per-funnel metrics: conversion (strict and any order), key stage, time in stage, win rate."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable

from funnelkit.metrics.history import Flow, VisitTable
from funnelkit.metrics.results import FunnelMetrics, KeyStage, Money, StageMetrics
from funnelkit.metrics.stats import ratio, spread
from funnelkit.model import Deal, Funnel, Semantics, Snapshot, Stage
from funnelkit.model.timeutil import DAY

MIN_KEY_SAMPLE = 5  # a step entered by fewer deals says nothing about the funnel


def sequence(stages: Iterable[Stage]) -> tuple[list[Stage], list[Stage]]:
    """The forward sequence (process stages by sort, then success) and the failure stages."""
    ordered = sorted(stages, key=lambda s: (s.sort, s.id))
    process = [s for s in ordered if s.semantics is Semantics.PROCESS]
    success = [s for s in ordered if s.semantics is Semantics.SUCCESS]
    failure = [s for s in ordered if s.semantics is Semantics.FAILURE]
    return process + success, failure


def reason_of(deal: Deal, stage: Stage | None, reasons: dict[str, str], failures: int) -> str:
    """Why a deal was lost: its loss reason, else its failure stage where there are several."""
    if deal.loss_reason_id:
        return reasons.get(deal.loss_reason_id, deal.loss_reason_id)
    if stage is not None and failures > 1:
        return stage.name
    return "(no reason)"


def _stage_rows(
    order: list[Stage], failure: list[Stage], flow: Flow, open_now: Counter[str]
) -> list[StageMetrics]:
    rows = []
    entered, strict = flow.entered, flow.strict
    first_any = entered[order[0].id] if order else 0
    first_strict = strict[order[0].id] if order else 0
    for i, stage in enumerate(order + failure):
        in_sequence = i < len(order)
        nxt = order[i + 1] if in_sequence and i + 1 < len(order) else None
        latest = flow.latest.get(stage.id, ())
        cumulative = flow.cumulative.get(stage.id, ())
        rows.append(
            StageMetrics(
                stage_id=stage.id,
                name=stage.name,
                semantics=stage.semantics.value,
                open=open_now[stage.id],
                entered_any=entered[stage.id],
                entered_strict=strict[stage.id] if in_sequence else 0,
                next_step_strict=ratio(strict[nxt.id], strict[stage.id]) if nxt else None,
                next_step_any=ratio(flow.onward[stage.id], entered[stage.id]) if nxt else None,
                cumulative_strict=ratio(strict[stage.id], first_strict) if in_sequence else None,
                cumulative_any=ratio(flow.reached[stage.id], first_any) if in_sequence else None,
                latest_days=spread(latest),
                cumulative_days=spread(cumulative),
            )
        )
    return rows


def key_stage(order: list[Stage], strict: Counter[str]) -> KeyStage | None:
    """The step with the lowest strict next-step conversion among well-sampled steps."""
    best: KeyStage | None = None
    for here, nxt in itertools.pairwise(order):
        if strict[here.id] < MIN_KEY_SAMPLE:
            continue
        conversion = strict[nxt.id] / strict[here.id]
        if best is None or conversion < best.conversion:
            best = KeyStage(
                from_stage_id=here.id,
                to_stage_id=nxt.id,
                conversion=round(conversion, 4),
                entered=strict[here.id],
            )
    return best


def funnel_metrics(
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
