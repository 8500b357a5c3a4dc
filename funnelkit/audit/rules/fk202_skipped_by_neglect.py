"""FK202 deals.skipped-by-neglect: deals dragged from an early stage straight to won."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext, StageKey
from funnelkit.audit.findings import Finding, Severity, Subject
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import share
from funnelkit.index.tables import decoded
from funnelkit.model import DataSet, Semantics


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

    def _early(
        self, ctx: AuditContext, funnel: str, src: StageKey | None, p: SkippedByNeglectParams
    ) -> bool:
        """Whether a closing move from `src` into won in `funnel` skipped from an early stage."""
        if src is None or src[0] != funnel or ctx.semantics(src) is not Semantics.PROCESS:
            return False
        n = ctx.process_count.get(funnel, 0)
        pos = ctx.position.get(src, 0)
        early = pos < max(1, math.ceil(n * p.early_fraction))
        return early and (n - 1 - pos) >= p.min_skipped

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        wins: dict[str, int] = defaultdict(int)
        skipped: dict[str, list[str]] = defaultdict(list)
        deals, h = ctx.deal_columns, ctx.hist
        won = np.flatnonzero(deals.in_semantics(Semantics.SUCCESS))
        tunings = {fid: params(fid) for fid in ctx.funnels}
        # the closing move of each won deal: where it came from and who made it
        last = h.last_rows(won)
        moved = last >= 0
        src = np.full(len(won), -1, np.int64)
        src[moved] = h.src[last[moved]]
        by_codes, by_values = h.column("by")
        mover = np.full(len(won), -1, np.int64)
        mover[moved] = by_codes[h.order[last[moved]]]
        by_names = [*(by_values or ()), None]
        owner = decoded(deals.column("responsible_id"))
        early: dict[tuple[int, int], bool] = {}
        for row, s_code, m_code in zip(won.tolist(), src.tolist(), mover.tolist(), strict=True):
            funnel = deals.keys[int(deals.key[row])][0]
            who = (by_names[m_code] or owner[row]) if s_code >= 0 else owner[row]
            pair = (int(deals.key[row]), s_code)
            if pair not in early:
                tuning = tunings.get(funnel, params())
                where = h.keys[s_code] if s_code >= 0 else None
                early[pair] = self._early(ctx, funnel, where, tuning)
            key = who or "?"
            wins[key] += 1
            if early[pair]:
                skipped[key].append(deals.ids[row])
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
