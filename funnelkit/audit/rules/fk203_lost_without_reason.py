"""FK203 deals.lost-without-reason: lost deals that record no reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.index.history import INT_NULL
from funnelkit.model import DataSet, Deal, FunnelKind, FunnelRole, Semantics, Stage, Vendor
from funnelkit.model.timeutil import DAY


class LostWithoutReasonParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    since_days: int = Field(3650, ge=1, le=36500, description="only deals lost in this window")


def _generic_failure(stages: list[Stage]) -> Stage | None:
    """Bitrix24's catch-all failure stage: the system one, else the first by sort.

    bitrix24.md §6.3: LOSE is a SYSTEM failure stage; §13: Bitrix24 has no loss-reason
    entity, so extra failure-semantics stages are the portal's reasons.
    """
    failures = [s for s in stages if s.semantics is Semantics.FAILURE]
    if len(failures) < 2:
        return None  # no reason stages exist, so the generic one is all there is
    system = [s for s in failures if s.system or s.id.upper().endswith("LOSE")]
    return (system or failures)[0]


class LostWithoutReason(Rule):
    """Lost deals with no reason recorded.

    What it finds: on amoCRM, lost deals with an empty loss reason; on Bitrix24, deals in the
    generic failure stage of a funnel that has reason stages besides it, and every lost deal
    of a funnel that has none (its refusals are not captured at all).
    Why it matters (articles 000, 002, 003): most leads refuse; without a reason per refusal
    there is nothing to learn from and no next action (warm-up, another offer).
    How it is detected: deals (recently closed, `since_days`) and their loss reason or
    failure stage.
    Configuration: since_days.
    """

    Params = LostWithoutReasonParams
    meta = RuleMeta(
        code="FK203",
        name="deals.lost-without-reason",
        group="deals",
        domain_item="11",
        severity=Severity.MEDIUM,
        requires=frozenset({DataSet.DEALS}),
        title=Text(
            en="Every lost deal records why it was lost",
        ),
        rationale=Text(
            en="Most leads refuse. Without a reason on each lost deal you cannot see what "
            "to fix or whom to warm up again.",
        ),
        remedy=Text(
            en="Make the loss reason mandatory (amoCRM loss reasons, Bitrix24 one failure "
            "stage per reason) and fill in the missing ones.",
        ),
        messages={
            "empty": Text(
                en="Deal «{subject}» in «{funnel}» was lost without a reason",
            ),
            "generic": Text(
                en="Deal «{subject}» was lost in the generic stage «{stage}» although "
                "«{funnel}» has {reasons} reason stages",
            ),
        },
        phrases={"uncaptured": "the funnel has no reason stages: refusals are not captured"},
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        for fid in sorted(ctx.funnels):
            p: LostWithoutReasonParams = params(fid)
            cutoff = ctx.now - p.since_days * DAY
            stages = ctx.ordered.get(fid, [])
            generic = _generic_failure(stages) if ctx.vendor is Vendor.BITRIX24 else None
            lost = {s.id for s in stages if s.semantics is Semantics.FAILURE}
            reasons = len(lost) - 1
            # Bitrix24 keeps no loss-reason entity (§13): a funnel whose only failure stage
            # is the generic one captures no refusal reason at all, so each of its lost
            # deals is lost without a reason — the very finding, not a reason to stay silent.
            # A lead funnel's junk stage is the outcome of qualification ("not our client",
            # article 004), not a refusal whose reason is lost: those funnels are exempt.
            qualifying = (
                ctx.funnels[fid].kind is FunnelKind.LEAD
                or ctx.role(fid) is FunnelRole.LEAD_QUALIFICATION
            )
            uncaptured = ctx.vendor is Vendor.BITRIX24 and reasons == 0 and not qualifying
            # only these deals can be reported: build objects for them alone
            amo = ctx.vendor is Vendor.AMOCRM
            generic_only = {generic.id} if generic is not None else set()
            wanted = lost if amo or uncaptured else generic_only
            for deal in _recent_lost(ctx, fid, wanted, cutoff, unreasoned=amo):
                if ctx.vendor is Vendor.AMOCRM and not deal.loss_reason_id:
                    yield self.finding(ctx.deal_subject(deal), "empty")
                elif generic is not None and deal.stage_id == generic.id:
                    yield self.finding(ctx.deal_subject(deal), "generic", reasons=reasons)
                elif uncaptured:
                    yield self.finding(
                        ctx.deal_subject(deal),
                        "empty",
                        reasons=0,
                        why=self.phrase("uncaptured"),
                    )


def _recent_lost(
    ctx: AuditContext, fid: str, lost: set[str], cutoff: float, *, unreasoned: bool
) -> list[Deal]:
    """The funnel's deals in these lost stages, closed (else modified, else created) since
    cutoff; with `unreasoned`, only those without a loss reason."""
    deals = ctx.deal_columns
    if not lost:
        return []
    here = deals.key_mask([f == fid and s in lost for f, s in deals.keys])
    if unreasoned:
        codes, values = deals.column("loss_reason_id")
        here &= np.array([*(not v for v in values or ()), True], bool)[codes]
    when = deals.created_at
    for later in (deals.modified_at, deals.closed_at):  # `closed_at or modified_at or …`
        when = np.where((later == INT_NULL) | (later == 0), when, later)
    return deals.deals(np.flatnonzero(here & ~(when < cutoff)))
