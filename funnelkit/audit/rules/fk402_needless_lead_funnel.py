"""FK402 funnels.needless-lead-funnel: a lead funnel that adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import share
from funnelkit.model import DataSet, FunnelKind, FunnelRole
from funnelkit.model.timeutil import DAY


class NeedlessLeadFunnelParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: int = Field(180, ge=30, le=3650, description="period the lead flow is measured")
    max_leads_per_month: float = Field(50, ge=1, le=100000, description="a small flow")
    same_person_share: float = Field(0.8, ge=0, le=1, description="leads whose owner also sells")


class NeedlessLeadFunnel(Rule):
    """A lead funnel kept where it adds nothing: few leads, and the same people qualify and sell.

    What it finds: lead funnels (Bitrix24 leads, or a lead-qualification role) with a small
    flow of leads, most handled by people who also hold the deals.
    Why it matters (articles 003, 004): a separate lead stage pays off with a big flow, many
    junk requests or a call centre; otherwise it only doubles the manager's work and splits
    the client's history.
    How it is detected: leads created in `window_days` per month, and the share of them
    whose responsible also owns deals in deal funnels.
    Configuration: window_days, max_leads_per_month, same_person_share.
    """

    Params = NeedlessLeadFunnelParams
    meta = RuleMeta(
        code="FK402",
        name="funnels.needless-lead-funnel",
        group="funnels",
        domain_item="9",
        severity=Severity.LOW,
        requires=frozenset({DataSet.DEALS}),
        title=Text(
            en="A separate lead funnel exists only where it pays off",
        ),
        rationale=Text(
            en="With few leads and one person who both qualifies and sells, a lead funnel "
            "only adds a conversion step and splits the client's history.",
        ),
        remedy=Text(
            en="Work with deals only: start new requests in the first stage of the deal "
            "funnel and qualify there.",
        ),
        messages={
            "default": Text(
                en="Lead funnel «{funnel}» gets {leads_per_month} leads a month and "
                "{same_person_share} are handled by people who also sell",
            )
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        lead_funnels = [
            fid
            for fid, f in sorted(ctx.funnels.items())
            if f.kind is FunnelKind.LEAD or ctx.role(fid) is FunnelRole.LEAD_QUALIFICATION
        ]
        deals = ctx.deal_columns
        owner_codes, owners = deals.column("responsible_id")
        # people who hold a deal outside the lead funnels (an empty id is nobody)
        flags = [f not in lead_funnels for f in deals.funnels] + [True]  # last: no funnel
        outside = np.array(flags, bool)[deals.funnel]
        named = np.array([*(bool(v) for v in owners or ()), False], bool)
        seller = np.zeros(len(owners or ()) + 1, bool)
        seller[owner_codes[outside & named[owner_codes]]] = True
        for fid in lead_funnels:
            p: NeedlessLeadFunnelParams = params(fid)
            cutoff = ctx.now - p.window_days * DAY
            leads = deals.in_funnel(fid) & ~(deals.created_at < cutoff)
            count = int(np.count_nonzero(leads))
            if not count:
                continue
            per_month = count / (p.window_days / 30)
            same = share(int(np.count_nonzero(seller[owner_codes[leads]])), count)
            if per_month <= p.max_leads_per_month and same >= p.same_person_share:
                yield self.finding(
                    ctx.funnel_subject(fid),
                    leads=count,
                    leads_per_month=round(per_month, 1),
                    same_person_share=round(same, 3),
                )
