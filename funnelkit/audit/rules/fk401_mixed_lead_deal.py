"""FK401 funnels.mixed-lead-deal: sales stages inside a lead / qualification funnel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.model import DataSet, FunnelKind, FunnelRole


class MixedLeadDealParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_stages: int = Field(1, ge=1, le=20, description="sales stages needed to report")


class MixedLeadDeal(Rule):
    """A lead (qualification) funnel that also holds sales stages.

    What it finds: offer, invoice, contract or payment stages inside the Bitrix24 lead
    funnel or any funnel whose role is lead qualification.
    Why it matters (article 004): the lead funnel measures marketing (is the request worth
    working?); with sales steps in it, lead conversion becomes "proposal to invoice" and
    neither marketing nor sales can be judged.
    How it is detected: the name analyser's `sales-stage-in-lead-funnel` label on the
    stages of lead funnels.
    Configuration: min_stages.
    """

    Params = MixedLeadDealParams
    meta = RuleMeta(
        code="FK401",
        name="funnels.mixed-lead-deal",
        group="funnels",
        domain_item="9",
        severity=Severity.HIGH,
        requires=frozenset({DataSet.STRUCTURE}),
        title=Text(
            en="Lead funnels only qualify requests; selling happens in deal funnels",
        ),
        rationale=Text(
            en="Sales stages inside the lead funnel turn marketing conversion into a sales "
            "figure: you no longer know whether the lead was bad or the selling was.",
        ),
        remedy=Text(
            en="Leave only qualification stages in the lead funnel and move offer, invoice, "
            "contract and payment into a deal funnel.",
        ),
        messages={
            "default": Text(
                en="Lead funnel «{funnel}» contains {count} sales stages: {stages}",
            )
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        for fid in sorted(ctx.funnels):
            f = ctx.funnels[fid]
            if f.kind is not FunnelKind.LEAD and ctx.role(fid) is not FunnelRole.LEAD_QUALIFICATION:
                continue
            sales = [
                s
                for s in ctx.process_stages(fid)
                if ctx.name_label(s.key, "sales-stage-in-lead-funnel") is not None
            ]
            if len(sales) >= params(fid).min_stages:
                yield self.finding(
                    ctx.funnel_subject(fid),
                    related=[f"{fid}/{s.id}" for s in sales],
                    count=len(sales),
                    stages=", ".join(f"«{s.name}»" for s in sales),
                )
