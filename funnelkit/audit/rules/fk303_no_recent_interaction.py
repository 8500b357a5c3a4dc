"""FK303 tasks.no-recent-interaction: clients with no call, message or meeting for too long."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.index.history import INT_NULL
from funnelkit.index.tables import numbers
from funnelkit.model import DataSet
from funnelkit.model.phrase import Phrase
from funnelkit.model.timeutil import DAY


class NoRecentInteractionParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_days: float = Field(30, ge=1, le=3650, description="longest allowed silence, in days")


class NoRecentInteraction(Rule):
    """Open deals whose client has heard nothing from the company for too long.

    What it finds: open deals with no call, e-mail, message or meeting (on the deal or its
    contacts) within `max_days`, and no newer last-activity time from the vendor.
    Why it matters (article 003, "control of the last interaction"): silence is how clients
    are lost; a task list can look fine while nobody talks to the client.
    How it is detected: activities, plus the vendor's last-activity time where it keeps one.
    Needs either data set; skipped with the reason when neither was pulled.
    Configuration: max_days (per funnel too).
    """

    Params = NoRecentInteractionParams
    meta = RuleMeta(
        code="FK303",
        name="tasks.no-recent-interaction",
        group="tasks",
        domain_item="15",
        severity=Severity.MEDIUM,
        requires=frozenset({DataSet.DEALS}),
        title=Text(
            en="Every open client hears from you within the allowed period",
        ),
        rationale=Text(
            en="Clients are lost in silence; the last interaction date shows who has been "
            "forgotten long before the deal is closed as lost.",
        ),
        remedy=Text(
            en="Agree a contact rhythm per stage and check the last-interaction report weekly.",
        ),
        messages={
            "default": Text(
                en="No interaction with the client of deal «{subject}» for {days} days (allowed "
                "{limit_days})",
            )
        },
        phrases={"unmet": "needs activities or last_activity_time, neither was pulled: {why}"},
    )

    def unmet(self, ctx: AuditContext) -> Phrase | None:
        base = super().unmet(ctx)
        m = ctx.snapshot.manifest
        if base is None and not (m.has(DataSet.ACTIVITIES) or m.has(DataSet.LAST_ACTIVITY_TIME)):
            why = m.status(DataSet.ACTIVITIES).reason
            text = Phrase(why, "reason.why") if why else Phrase("not pulled", "reason.state")
            return self.phrase("unmet", why=text)
        return base

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        deals = ctx.deal_columns
        limit = ctx.now - deals.per_funnel(lambda f: params(f).max_days * DAY)
        seen = numbers(ctx.snapshot.deals, "last_activity_at")
        last = np.maximum(np.where(seen == INT_NULL, 0, seen), ctx.latest_interaction)
        last = np.where(last == 0, deals.created_at, last)
        quiet = deals.open & ~(deals.created_at >= limit) & (last < limit)
        chosen = np.flatnonzero(quiet)
        for row, deal in zip(chosen.tolist(), deals.deals(chosen), strict=True):
            p: NoRecentInteractionParams = params(deal.funnel_id)
            yield self.finding(
                ctx.deal_subject(deal),
                related=deal.contact_ids,
                days=round((ctx.now - int(last[row])) / DAY, 1),
                limit_days=p.max_days,
            )
