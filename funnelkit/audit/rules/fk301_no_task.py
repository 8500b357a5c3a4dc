"""FK301 tasks.none-or-overdue: open deals with no open task, or only overdue ones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
        for deal in ctx.open_deals:
            p: NoTaskOrOverdueParams = params(deal.funnel_id)
            if ctx.now - deal.created_at < p.grace_days * DAY:
                continue
            deadlines = ctx.open_task_deadlines.get(deal.id, [])
            limit = ctx.now - p.overdue_days * DAY
            if not deadlines:
                yield self.finding(ctx.deal_subject(deal), "none", open_tasks=0)
            elif all(d is not None and d < limit for d in deadlines):
                latest = max(d for d in deadlines if d is not None)
                yield self.finding(
                    ctx.deal_subject(deal),
                    "overdue",
                    open_tasks=len(deadlines),
                    overdue_tasks=len(deadlines),
                    days_overdue=round((ctx.now - latest) / DAY, 1),
                )
