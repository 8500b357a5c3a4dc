"""FK302 tasks.postponed: tasks whose deadline is pushed again and again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity, Subject
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.index.tables import texts
from funnelkit.model import Activity, ActivityKind, DataSet, Deal
from funnelkit.model.lazy import take
from funnelkit.model.timeutil import DAY


class PostponedTasksParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_postponements: int = Field(
        3, ge=2, le=100, description="pushes to a later date that count as again and again"
    )
    since_days: int = Field(180, ge=1, le=3650, description="only tasks postponed in this window")


class PostponedTasks(Rule):
    """Tasks whose deadline is moved later again and again.

    What it finds: tasks postponed `min_postponements` times or more.
    Why it matters (article 001): the manager who moves the call to «tomorrow» every day is
    not working the deal; the task list looks tidy while the client waits.
    How it is detected: the task deadline history (amoCRM `task_deadline_changed` events).
    Bitrix24 keeps no such history, so there the rule is skipped with that reason.
    Configuration: min_postponements, since_days.
    """

    Params = PostponedTasksParams
    meta = RuleMeta(
        code="FK302",
        name="tasks.postponed",
        group="tasks",
        domain_item="001",
        severity=Severity.LOW,
        requires=frozenset({DataSet.TASKS, DataSet.DEADLINE_HISTORY}),
        title=Text(
            en="Tasks are done on time, not postponed again and again",
        ),
        rationale=Text(
            en="A task moved to «tomorrow» every day keeps the task list clean while the "
            "client waits and the deal goes cold.",
        ),
        remedy=Text(
            en="Review repeatedly postponed tasks with the manager: act on the deal or close it.",
        ),
        messages={
            "default": Text(
                en="Task {subject} was postponed {postponements} times (by {days_pushed} days "
                "in total)",
            )
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        p: PostponedTasksParams = params()
        cutoff = ctx.now - p.since_days * DAY
        pushes: dict[str, list[int]] = defaultdict(list)
        for ch in ctx.snapshot.deadline_changes:
            if (
                ch.old_deadline is not None
                and ch.new_deadline is not None
                and ch.at >= cutoff
                and ch.new_deadline > ch.old_deadline
            ):
                pushes[ch.task_id].append(ch.new_deadline - ch.old_deadline)
        tasks = {a.id: a for a in _tasks(ctx, set(pushes)) if a.kind is ActivityKind.TASK}
        deals = _deals(ctx, {t.deal_id for t in tasks.values() if t.deal_id})
        for task_id in sorted(pushes):
            moved = pushes[task_id]
            if len(moved) < p.min_postponements:
                continue
            task = tasks.get(task_id)
            deal = deals.get(task.deal_id or "") if task else None
            base = ctx.deal_subject(deal) if deal else None
            subject = Subject(
                "task",
                task_id,
                task.subject if task else "",
                base.funnel_id if base else None,
                base.funnel_name if base else None,
                base.stage_id if base else None,
                base.stage_name if base else None,
            )
            yield self.finding(
                subject,
                related=[deal.id] if deal else [],
                postponements=len(moved),
                days_pushed=round(sum(moved) / DAY, 1),
            )


def _tasks(ctx: AuditContext, wanted: set[str]) -> list[Activity]:
    """The activities with these ids, in table order (only they become objects)."""
    rows = ctx.snapshot.activities
    if not wanted or not len(rows):
        return []
    codes, values = texts(rows, "id")
    hits = np.array([v in wanted for v in values or ()] + [False], bool)
    return take(rows, np.flatnonzero(hits[codes]).tolist())


def _deals(ctx: AuditContext, wanted: set[str]) -> dict[str, Deal]:
    """The deals with these ids, by id."""
    columns = ctx.deal_columns
    found = sorted(columns.row_of[d] for d in wanted if d in columns.row_of)
    return {d.id: d for d in columns.deals(found)}
