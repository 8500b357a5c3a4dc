"""FK202 deals.skipped-by-neglect: deals dragged from an early stage straight to won."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity, Subject
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import share
from funnelkit.model import DataSet, Deal, Semantics, StageTransition


class SkippedByNeglectParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    early_fraction: float = Field(0.34, gt=0, le=0.8, description="first share of stages = early")
    min_skipped: int = Field(2, ge=1, le=20, description="stages jumped over to count")
    min_deals: int = Field(3, ge=1, le=1000, description="skipped wins a manager needs")
    min_share: float = Field(0.25, ge=0, le=1, description="share of the manager's wins")


class SkippedByNeglect(Rule):
    """Managers who close deals by dragging them from an early stage straight to won.

    What it finds: per manager, won deals whose last move jumped from one of the first
    stages directly to the success stage, skipping the rest.
    Why it matters (article 001): a client may really jump ahead, but when a manager does
    this routinely the funnel was not kept up to date, and time-in-stage and conversion
    statistics are fiction.
    How it is detected: stage history — the move into won, where it came from, and who made
    it (amoCRM records the mover; on Bitrix24 the deal's responsible stands in). A manager is
    reported when such wins are at least `min_deals` and `min_share` of their wins.
    Configuration: early_fraction, min_skipped, min_deals, min_share.
    """

    Params = SkippedByNeglectParams
    meta = RuleMeta(
        code="FK202",
        name="deals.skipped-by-neglect",
        group="deals",
        domain_item="7",
        severity=Severity.MEDIUM,
        requires=frozenset({DataSet.DEALS, DataSet.STAGE_HISTORY}),
        title=Text(
            en="Managers move deals through the stages as the sale happens",
        ),
        rationale=Text(
            en="When deals jump from the first stage to won at the very end, the funnel "
            "shows nothing of how they were sold, and stage statistics are fiction.",
        ),
        remedy=Text(
            en="Review these deals with the manager and agree to move each deal to the "
            "stage that matches reality when it happens.",
        ),
        messages={
            "default": Text(
                en="{subject} dragged {deals} won deals straight from an early stage to won "
                "({skip_share} of their wins)",
            )
        },
        phrases={"unknown_user": "manager {id}"},
    )

    def _skipped(
        self,
        ctx: AuditContext,
        deal: Deal,
        last: StageTransition | None,
        p: SkippedByNeglectParams,
    ) -> tuple[str | None, bool]:
        """(who closed it, whether the closing move skipped from an early stage)."""
        if last is None or last.from_stage_id is None:
            return deal.responsible_id, False
        who = last.by or deal.responsible_id
        n = ctx.process_count.get(deal.funnel_id, 0)
        src = (last.from_funnel_id or last.funnel_id, last.from_stage_id)
        if src[0] != deal.funnel_id or ctx.semantics(src) is not Semantics.PROCESS:
            return who, False
        pos = ctx.position.get(src, 0)
        early = pos < max(1, math.ceil(n * p.early_fraction))
        return who, early and (n - 1 - pos) >= p.min_skipped

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        wins: dict[str, int] = defaultdict(int)
        skipped: dict[str, list[str]] = defaultdict(list)
        won = ctx.deals_in(Semantics.SUCCESS)
        tunings = {fid: params(fid) for fid in ctx.funnels}
        for deal, last in zip(won, ctx.hist.last_of([d.id for d in won]), strict=True):
            who, bad = self._skipped(ctx, deal, last, tunings.get(deal.funnel_id, params()))
            key = who or "?"
            wins[key] += 1
            if bad:
                skipped[key].append(deal.id)
        p: SkippedByNeglectParams = params()
        for who in sorted(skipped):
            ids = skipped[who]
            ratio = share(len(ids), wins[who])
            if len(ids) >= p.min_deals and ratio >= p.min_share:
                user = ctx.users.get(who)
                name = user.name if user else self.phrase("unknown_user", id=who)
                yield self.finding(
                    Subject("user", who, name),
                    related=ids,
                    deals=len(ids),
                    wins=wins[who],
                    skip_share=round(ratio, 3),
                )
