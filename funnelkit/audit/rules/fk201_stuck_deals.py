"""FK201 deals.stuck: open deals far beyond their stage's limit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext, StageKey
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import percentile
from funnelkit.model import DataSet
from funnelkit.model.timeutil import DAY


class StuckDealsParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_days: float = Field(
        60, ge=1, le=3650, description="limit when no SLA and too little history"
    )
    percentile: float = Field(
        90, ge=50, le=99.9, description="portal dwell percentile used as limit"
    )
    floor_days: float = Field(14, ge=0, le=365, description="a learned limit is never below this")
    min_samples: int = Field(
        20, ge=5, le=10000, description="completed visits needed to learn a limit"
    )
    critical_days: float = Field(365, ge=30, le=3650, description="at or above this: high severity")


class StuckDeals(Rule):
    """Open deals sitting in one stage far longer than that stage should take.

    What it finds: open deals whose time in their current stage exceeds the stage's limit.
    How it is detected: the clock is time in the current stage, from stage history; without
    history it is the deal's age (said in the evidence). The limit is the blueprint's SLA, else
    the config's, else the portal's own p90 of completed visits (never below `floor_days`),
    else `max_days`.
    Configuration: max_days, percentile, floor_days, min_samples, critical_days.
    """

    Params = StuckDealsParams
    meta = RuleMeta(
        code="FK201",
        name="deals.stuck",
        group="deals",
        domain_item="1",
        severity=Severity.MEDIUM,
        requires=frozenset({DataSet.DEALS}),
        title=Text(
            en="Open deals move on before their stage's time limit",
        ),
        rationale=Text(
            en="A deal that sits for months in one stage is usually lost, yet still counts "
            "as pipeline and hides what managers really work on.",
        ),
        remedy=Text(
            en="Go through the list with each manager: advance the deal, close it as lost "
            "with a reason, or give it a task with a date.",
        ),
        messages={
            "default": Text(
                en="Deal «{subject}» has been in «{stage}» for {days} days (limit {limit_days}, "
                "from {limit_source}; clock: {clock})",
                ru="Сделка «{subject}» находится на этапе «{stage}» {days} дн. (лимит "
                "{limit_days}, источник: {limit_source}; отсчёт: {clock})",
                uk="Угода «{subject}» перебуває на етапі «{stage}» {days} дн. (ліміт "
                "{limit_days}, джерело: {limit_source}; відлік: {clock})",
            )
        },
    )

    def _limit(self, ctx: AuditContext, key: StageKey, p: StuckDealsParams) -> tuple[float, str]:
        sla = ctx.stage_sla_days.get(key[0], {}).get(key[1])
        if sla is not None:
            return sla, ctx.sla_source
        samples = ctx.dwell(key)
        if len(samples) >= p.min_samples:
            learned = percentile(samples, p.percentile) / DAY
            return max(learned, p.floor_days), f"portal p{p.percentile:g}"
        return p.max_days, "default"

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        limits: dict[StageKey, tuple[float, str]] = {}
        for deal in ctx.open_deals:
            p: StuckDealsParams = params(deal.funnel_id)
            key = (deal.funnel_id, deal.stage_id)
            if key not in limits:
                limits[key] = self._limit(ctx, key, p)
            limit, source = limits[key]
            entered = ctx.stage_entry(deal)
            clock = "time in stage"
            if entered is None:
                entered, clock = deal.created_at, "deal age (no stage history)"
            days = (ctx.now - entered) / DAY
            if days <= limit:
                continue
            sev = Severity.HIGH if days >= p.critical_days else None
            yield self.finding(
                ctx.deal_subject(deal),
                severity=sev,
                days=round(days, 1),
                limit_days=round(limit, 1),
                limit_source=source,
                clock=clock,
            )
