"""Per-funnel metrics: conversion (strict and any order), key stage, time in stage, win rate."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable

import numpy as np

from funnelkit.index.history import INT_NULL, IntArray
from funnelkit.index.sorting import distinct, distinct_counts
from funnelkit.metrics.deals import DealTable, Floats, Mask, missing, running_sum, totals
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
    table: DealTable,
    rows: IntArray,
    visits: VisitTable,
    last_entry: IntArray,
    probabilities: dict[tuple[str, str], float],
) -> FunnelMetrics:
    """Every number of one funnel (`rows`: its deals' rows in `table`, in snapshot order)."""
    stages = {s.id: s for s in snapshot.structure.stages if s.funnel_id == funnel.id}
    order, failure = sequence(stages.values())
    flow = visits.flow(funnel.id, order, failure)
    currency = snapshot.structure.portal.currency
    reasons = {r.id: r.name for r in snapshot.structure.loss_reasons}
    stage_ids = table.stage_ids()
    where = [stages.get(sid) for sid in stage_ids]  # per stage code; last: no stage id
    kind = np.array([_SEMANTICS[w.semantics if w else Semantics.PROCESS] for w in where])
    stage = table.stage_codes[rows]
    semantics = kind[stage]
    amount = table.amount[rows]
    priced = ~np.isnan(amount)
    # currency key (`deal.currency or portal currency or "?"`) and same-currency flag, by code
    currencies = [*(table.currency_values or ()), None]
    labels = [c or currency or "?" for c in currencies]
    names = list(dict.fromkeys(labels))
    label = np.array([names.index(x) for x in labels], np.int64)[table.currency_codes[rows]]
    same = np.array([bool(c in (currency, None) and currency) for c in currencies], bool)
    same = same[table.currency_codes[rows]] & priced
    working = semantics == 0
    open_now: Counter[str] = Counter()
    for code, n in enumerate(np.bincount(stage[working], minlength=len(stage_ids)).tolist()):
        if n:
            open_now[stage_ids[code]] = n
    weighted: dict[str, float] = {}
    if probabilities:
        chance = np.array(
            [probabilities.get((funnel.id, sid), np.nan) for sid in stage_ids], np.float64
        )[stage]
        counted = working & ~np.isnan(chance) & priced
        weighted = totals(label[counted], names.__getitem__, amount[counted] * chance[counted])
    done = ~working
    closed_at = table.closed_at[rows]
    entry = last_entry[rows]
    fallback = np.where(entry == INT_NULL, table.created_at[rows], entry)
    ended = np.where(missing(closed_at), fallback, closed_at)
    cycle = np.maximum(ended - table.created_at[rows], 0)[done] / DAY
    won_rows, lost_rows = semantics == 1, semantics == 2
    won_value = totals(label[won_rows & priced], names.__getitem__, amount[won_rows & priced])
    return FunnelMetrics(
        funnel_id=funnel.id,
        name=funnel.name,
        kind=funnel.kind.value,
        deals=len(rows),
        open=sum(open_now.values()),
        stages=_stage_rows(order, failure, flow, open_now),
        key_stage=key_stage(order, flow.strict),
        won=int(won_rows.sum()),
        lost=int(lost_rows.sum()),
        win_rate=ratio(int(won_rows.sum()), int(done.sum())),
        win_rate_value=ratio(*_closed_value(amount, same, won_rows, lost_rows)),
        won_value=Money(by_currency=won_value),
        sales_cycle_days=spread(cycle),
        lost_by_reason=dict(_lost_by(table, rows, lost_rows, where, reasons, len(failure))),
        reentering_clients=_reentering(table, rows),
        weighted_pipeline=Money(by_currency=weighted) if probabilities else None,
    )


_SEMANTICS = {Semantics.PROCESS: 0, Semantics.SUCCESS: 1, Semantics.FAILURE: 2}


def _closed_value(amount: Floats, same: Mask, won: Mask, lost: Mask) -> tuple[float, float]:
    """(won amount, won + lost amount) in the portal currency, summed in deal order."""
    won_total = running_sum(amount[same & won])
    return won_total, won_total + running_sum(amount[same & lost])


def _lost_by(
    table: DealTable,
    rows: IntArray,
    lost: Mask,
    where: list[Stage | None],
    reasons: dict[str, str],
    failures: int,
) -> list[tuple[str, int]]:
    """Lost deals per reason, most first (ties: the reason met first)."""
    reason_ids = [*(table.reason_values or ()), None]
    chosen = rows[lost]
    width = len(where)
    reason = table.reason_codes[chosen] % len(reason_ids)
    pairs = reason * width + table.stage_codes[chosen] % width
    label: dict[int, str] = {}
    for p in distinct(pairs).tolist():
        rid, stage = reason_ids[p // width], where[p % width]
        if rid:
            label[p] = reasons.get(rid, rid)
        elif stage is not None and failures > 1:
            label[p] = stage.name
        else:
            label[p] = "(no reason)"
    return Counter(label[p] for p in pairs.tolist()).most_common()


def _reentering(table: DealTable, rows: IntArray) -> int:
    """Contacts with more than one deal in these rows (a contact counted once per deal)."""
    inside = np.zeros(table.count + 1, bool)
    inside[rows] = True
    mine = inside[table.contact_owner]
    owner, code = table.contact_owner[mine], table.contact_codes[mine] + 1
    width = int(code.max()) + 1 if len(code) else 1
    links_once = distinct(owner * width + code)
    _, counts = distinct_counts(links_once % width)
    return int(np.count_nonzero(counts > 1))
