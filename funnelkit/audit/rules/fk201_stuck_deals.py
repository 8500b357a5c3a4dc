"""FK201 deals.stuck: open deals far beyond their stage's limit."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext, StageKey
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import percentile
from funnelkit.model import DataSet, FunnelRole
from funnelkit.model.phrase import Phrase
from funnelkit.model.timeutil import DAY

# Funnels where a deal waits by design: a client-base deal lives as long as the client
# does (articles 000, 003: the base is kept warm for years), a warm-up deal waits for the
# client to be ready again. Their question is the contact rhythm (FK303), not the stay.
WAITING_ROLES = frozenset({FunnelRole.CLIENT_BASE, FunnelRole.REFUSALS})


class StuckDealsParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_days: float = Field(
        60, ge=1, le=3650, description="limit when no SLA and too little history"
    )
    # "Far beyond", as article 000 puts it (deals a year in one stage), not "the slowest
    # tenth": a portal's own p90 flags a tenth of every stage by construction. Twice the
    # time in which nine deals in ten leave the stage is past its whole normal tail (for a
    # log-normal stay with σ≈0.6 that is 4.3 medians, about one visit in 150), and it holds
    # for a two-humped stage too, where a multiple of the median would flag the slow hump.
    # The floor keeps a stage that usually takes a day from calling a deal that waits a
    # fortnight for the client's answer stuck: under a month nobody calls that lost.
    multiple: float = Field(
        2, ge=1.2, le=50, description="a learned limit is this many times the stage's p90 stay"
    )
    floor_days: float = Field(30, ge=0, le=365, description="a learned limit is never below this")
    min_samples: int = Field(
        20, ge=5, le=10000, description="completed visits needed to learn a limit"
    )
    critical_days: float = Field(365, ge=30, le=3650, description="at or above this: high severity")


def _p90_upper(samples: Any) -> float:
    """A p90 we are 95 % sure is not below the stage's true one (binomial order statistic).

    Thirty visits put the sample p90 anywhere between the true p80 and p97; a limit built on
    an underestimate would call a normal slow stay stuck. Rank 0.9·n + 1.645·√(0.09·n) of
    the sorted stays bounds it from above; with thousands of visits it is the plain p90.
    """
    ordered = np.sort(np.asarray(samples, dtype=np.float64))
    n = len(ordered)
    rank = math.ceil(0.9 * n + 1.645 * math.sqrt(0.09 * n))
    return float(ordered[min(n, rank) - 1])


class StuckDeals(Rule):
    """Open deals sitting in one stage far longer than that stage should take.

    What it finds: open deals whose time in their current stage exceeds the stage's limit.
    How it is detected: the clock is time in the current stage, from stage history; without
    history it is the deal's age (said in the evidence). The limit is the blueprint's SLA, else
    the config's, else `multiple` times the stage's p90 completed visit (far beyond its normal
    tail), never below `floor_days`, else `max_days`; the evidence says which and how.
    Configuration: max_days, multiple, floor_days, min_samples, critical_days.
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
            )
        },
        phrases={
            "sla": "the stage's SLA of {sla} d ({source})",
            "learned": (
                "{multiple} × the {p90} d within which 9 in 10 of this stage's stays end "
                "(upper bound from {visits} completed visit; median {median} d)",
                "{multiple} × the {p90} d within which 9 in 10 of this stage's stays end "
                "(upper bound from {visits} completed visits; median {median} d)",
            ),
            "floor": "{how}, raised to the {floor}-day floor",
            "default": (
                "max_days {max_days}: fewer than {min_samples} completed visit to learn from",
                "max_days {max_days}: fewer than {min_samples} completed visits to learn from",
            ),
        },
    )

    def _limit(
        self, ctx: AuditContext, key: StageKey, p: StuckDealsParams
    ) -> tuple[float, str, Phrase]:
        """(limit in days, its source, how it was derived) for one stage."""
        sla = ctx.stage_sla_days.get(key[0], {}).get(key[1])
        if sla is not None:
            return sla, ctx.sla_source, self.phrase("sla", sla=float(sla), source=ctx.sla_source)
        samples = ctx.dwell(key)
        if len(samples) >= p.min_samples:
            p90 = _p90_upper(samples) / DAY
            learned = p.multiple * p90
            how = self.phrase(
                "learned",
                counter="visits",
                multiple=float(p.multiple),
                p90=round(p90, 1),
                visits=len(samples),
                median=round(percentile(samples, 50) / DAY, 1),
            )
            source = "portal typical stay"
            if learned < p.floor_days:
                return p.floor_days, source, self.phrase("floor", how=how, floor=p.floor_days)
            return learned, source, how
        why = self.phrase(
            "default", counter="min_samples", max_days=float(p.max_days), min_samples=p.min_samples
        )
        return p.max_days, "default", why

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        deals = ctx.deal_columns
        waiting = deals.per_funnel(lambda f: float(ctx.role(f or "") in WAITING_ROLES)) > 0
        judged = deals.open & ~waiting
        limits: dict[int, tuple[float, str, Phrase]] = {}
        for code in deals.key[judged].tolist():  # first-seen order, as the deals come
            if code not in limits:
                key = deals.keys[code]
                limits[code] = self._limit(ctx, key, params(key[0]))
        limit = np.full(len(deals.keys) + 1, np.inf)
        for code, (days, _, _) in limits.items():
            limit[code] = days
        entries = ctx.stage_entries
        timed = entries >= 0
        entered = np.where(timed, entries, deals.created_at)
        late = judged & ((ctx.now - entered) / DAY > limit[deals.key])
        chosen = np.flatnonzero(late)
        for row, deal in zip(chosen.tolist(), deals.deals(chosen), strict=True):
            p: StuckDealsParams = params(deal.funnel_id)
            days_limit, source, how = limits[int(deals.key[row])]
            clock = "time in stage" if timed[row] else "deal age (no stage history)"
            days = (ctx.now - int(entered[row])) / DAY
            sev = Severity.HIGH if days >= p.critical_days else None
            yield self.finding(
                ctx.deal_subject(deal),
                severity=sev,
                days=round(days, 1),
                limit_days=round(days_limit, 1),
                limit_source=source,
                limit_how=how,
                clock=clock,
            )
