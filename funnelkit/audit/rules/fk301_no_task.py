"""FK301 tasks.none-or-overdue: open deals with no open task, or only overdue ones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.model import DataSet
from funnelkit.model.timeutil import DAY


class NoTaskOrOverdueParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    grace_days: float = Field(1, ge=0, le=60, description="new deals get this long to get a task")
    overdue_days: float = Field(0, ge=0, le=60, description="a task is overdue after this")


class NoTaskOrOverdue(Rule):
    """Open deals with no open task, or with only overdue tasks.

    What it finds: every open deal whose next step is not planned in the CRM.
    Why it matters (articles 001, 003): a deal without a dated next action is a deal no one
    works on; an overdue-only deal is the same, just older.
    How it is detected: open tasks per deal (tasks data); deals younger than `grace_days`
    are left alone.
    Configuration: grace_days, overdue_days.
    """

    Params = NoTaskOrOverdueParams
    meta = RuleMeta(
        code="FK301",
        name="tasks.none-or-overdue",
        group="tasks",
        domain_item="15",
        severity=Severity.MEDIUM,
        requires=frozenset({DataSet.DEALS, DataSet.TASKS}),
        title=Text(
            en="Every open deal has a planned, not overdue, next task",
        ),
        rationale=Text(
            en="An open deal without a dated next step is forgotten; the client hears "
            "nothing and buys elsewhere.",
        ),
        remedy=Text(
            en="Require a dated task on every open deal and review overdue tasks daily.",
        ),
        messages={
            "none": Text(
                en="Deal «{subject}» in «{stage}» has no open task",
            ),
            "overdue": Text(
                en="Deal «{subject}» in «{stage}» has only overdue tasks ({overdue_tasks}, "
                "{days_overdue} days late)",
            ),
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        deals, tasks = ctx.deal_columns, ctx.open_tasks
        grace = deals.per_funnel(lambda f: params(f).grace_days * DAY)
        limit = ctx.now - deals.per_funnel(lambda f: params(f).overdue_days * DAY)
        judged = deals.open & ~(ctx.now - deals.created_at < grace)
        count = tasks.per_deal
        stale = count == tasks.count_before(limit, deals.count)
        latest = tasks.latest(deals.count)
        chosen = np.flatnonzero(judged & ((count == 0) | stale))
        for row, deal in zip(chosen.tolist(), deals.deals(chosen), strict=True):
            n = int(count[row])
            if not n:
                yield self.finding(ctx.deal_subject(deal), "none", open_tasks=0)
            else:
                yield self.finding(
                    ctx.deal_subject(deal),
                    "overdue",
                    open_tasks=n,
                    overdue_tasks=n,
                    days_overdue=round((ctx.now - int(latest[row])) / DAY, 1),
                )
