"""FK405 funnels.handoff-by-reassignment: deals passed on by changing the responsible."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import share
from funnelkit.index.tables import numbers
from funnelkit.model import DataSet, Semantics
from funnelkit.model.timeutil import DAY


class HandoffByReassignmentParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_share: float = Field(0.3, ge=0, le=1, description="deals reassigned mid-funnel")
    min_deals: int = Field(5, ge=1, le=100000, description="deals needed to judge a funnel")
    settle_days: float = Field(
        1, ge=0, le=30, description="changes this soon after creation are routing"
    )


class HandoffByReassignment(Rule):
    """Deals passed between departments by changing the responsible inside one funnel.

    What it finds: funnels where a large share of deals change responsible mid-way.
    Why it matters (article 001): per-manager analytics break when the closer inherits deals
    someone else opened; the cure is a funnel per department linked by tunnels.
    How it is detected: amoCRM keeps responsible-change events: deals reassigned after
    `settle_days` while in a working stage past the first. Bitrix24 keeps no such history
    (the rule says so in its evidence), so it uses a proxy: a large share of the deals in the
    late half of the stages is held by people who hold no early-stage deal and did not
    create the deal (creator ≠ responsible).
    Configuration: min_share, min_deals, settle_days.
    """

    Params = HandoffByReassignmentParams
    meta = RuleMeta(
        code="FK405",
        name="funnels.handoff-by-reassignment",
        group="funnels",
        domain_item="5",
        severity=Severity.MEDIUM,
        requires=frozenset({DataSet.DEALS}),
        title=Text(
            en="Departments hand deals on through linked funnels, not by reassigning",
        ),
        rationale=Text(
            en="When a deal changes owner mid-funnel, no manager's numbers are their own: "
            "the closer inherits the opener's work.",
        ),
        remedy=Text(
            en="Give each department its own funnel and pass deals on with a tunnel at the "
            "hand-off stage.",
        ),
        messages={
            "history": Text(
                en="Funnel «{funnel}»: {reassigned_share} of deals change responsible "
                "mid-funnel (mostly at «{handoff_stage}»)",
            ),
            "proxy": Text(
                en="Funnel «{funnel}»: {handed_share} of late-stage deals are held by people "
                "who hold no early deal and did not create them (no responsible history on "
                "this vendor; judged by who holds which stages)",
            ),
        },
        phrases={
            "history": "responsible history",
            "proxy": "proxy: no responsible history on this vendor",
        },
    )

    def _from_history(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        deals = ctx.deal_columns
        settle = deals.per_funnel(
            lambda f: params(f).settle_days * DAY if f in ctx.funnels else 0.0
        )
        moved: dict[str, set[str]] = {}
        where: dict[str, Counter[str]] = {}
        changes = ctx.snapshot.responsible_changes
        row = deals.rows_in(changes, "deal_id")
        known = row >= 0
        late = np.zeros(len(row), bool)
        at = numbers(changes, "at")
        late[known] = at[known] - deals.created_at[row[known]] >= settle[row[known]]
        picked = np.flatnonzero(late)
        codes = ctx.hist.stage_codes_at(row[picked], at[picked])
        keys = ctx.hist.keys
        # per stage key, once: a working stage past the first (last slot: no stage, code -1)
        counted = [
            ctx.semantics(k) is Semantics.PROCESS and ctx.position.get(k, 0) >= 1 for k in keys
        ]
        ok = np.array([*counted, False], bool)[codes]
        names = [ctx.stages[k].name if c else "" for k, c in zip(keys, counted, strict=True)]
        ids = deals.ids
        for r, code in zip(row[picked][ok].tolist(), codes[ok].tolist(), strict=True):
            fid = keys[code][0]
            moved.setdefault(fid, set()).add(ids[r])
            tally = where.get(fid)
            if tally is None:
                tally = where[fid] = Counter()
            tally[names[code]] += 1
        for fid in sorted(moved):
            p: HandoffByReassignmentParams = params(fid)
            total = deals.funnel_counts().get(fid, 0)
            ratio = share(len(moved[fid]), total)
            if len(moved[fid]) >= p.min_deals and ratio >= p.min_share:
                yield self.finding(
                    ctx.funnel_subject(fid),
                    "history",
                    related=sorted(moved[fid]),
                    reassigned_share=round(ratio, 3),
                    deals=len(moved[fid]),
                    handoff_stage=where[fid].most_common(1)[0][0],
                    method=self.phrase("history"),
                )

    def _proxy(self, ctx: AuditContext, fid: str, p: HandoffByReassignmentParams) -> Finding | None:
        """Bitrix24 proxy: late-stage deals held by people who hold no early deal and did not
        create them — the trace a reassigning hand-off leaves without history."""
        stages = ctx.process_stages(fid)
        if len(stages) < 4:
            return None
        early = {s.id for s in stages[: len(stages) // 2]}
        mine = [d for d in ctx.deals_by_funnel.get(fid, []) if d.responsible_id]
        deals = [d for d in mine if ctx.semantics((fid, d.stage_id)) is Semantics.PROCESS]
        early_people = {d.responsible_id for d in deals if d.stage_id in early}
        # Won deals passed every late stage and keep the closer as responsible: on a small
        # portal the open late-stage deals alone are too few to show the pattern.
        won = [d for d in mine if ctx.semantics((fid, d.stage_id)) is Semantics.SUCCESS]
        late = [d for d in deals if d.stage_id not in early] + won
        handed = [
            d
            for d in late
            if d.responsible_id not in early_people and d.creator_id not in (None, d.responsible_id)
        ]
        ratio = share(len(handed), len(late))
        if len(handed) < p.min_deals or ratio < p.min_share:
            return None
        return self.finding(
            ctx.funnel_subject(fid),
            "proxy",
            related=sorted(d.id for d in handed),
            handed_share=round(ratio, 3),
            late_only_people=len({d.responsible_id for d in handed}),
            method=self.phrase("proxy"),
        )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        if ctx.snapshot.manifest.has(DataSet.RESPONSIBLE_HISTORY):
            yield from self._from_history(ctx, params)
            return
        for fid in sorted(ctx.funnels):
            found = self._proxy(ctx, fid, params(fid))
            if found is not None:
                yield found
