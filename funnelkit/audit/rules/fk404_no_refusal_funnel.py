"""FK404 funnels.no-refusal-funnel: no refusal / warm-up funnel where refusals exist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity, Subject
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.model import DataSet, FunnelRole, Semantics


class NoRefusalFunnelParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_lost: int = Field(10, ge=1, le=100000, description="lost deals that make it matter")


class NoRefusalFunnel(Rule):
    """A portal with lost deals but no refusal / warm-up funnel.

    What it finds: no funnel has the `refusals` role (blueprint, config or name guess),
    while at least `min_lost` deals were lost.
    Why it matters (articles 000, 002, 003): over 90 % of leads refuse; a refusal funnel
    with one stage per reason keeps them for warm-up and revival instead of losing them.
    How it is detected: structure (roles) plus the number of lost deals.
    Configuration: min_lost.
    """

    Params = NoRefusalFunnelParams
    meta = RuleMeta(
        code="FK404",
        name="funnels.no-refusal-funnel",
        group="funnels",
        domain_item="11",
        severity=Severity.MEDIUM,
        requires=frozenset({DataSet.STRUCTURE, DataSet.DEALS}),
        title=Text(
            en="Refused clients go to a refusal / warm-up funnel",
        ),
        rationale=Text(
            en="Most leads refuse; without a funnel for refusals they are simply lost "
            "instead of being warmed up and sold to later.",
        ),
        remedy=Text(
            en="Add a refusal funnel with a stage per reason and a tunnel from each lost "
            "stage into it; revive deals back into primary sales.",
        ),
        messages={
            "default": Text(
                en="Portal has {lost} lost deals but no refusal / warm-up funnel",
            )
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        if any(ctx.role(fid) is FunnelRole.REFUSALS for fid in ctx.funnels):
            return
        lost = int(np.count_nonzero(ctx.deal_columns.in_semantics(Semantics.FAILURE)))
        if lost >= params().min_lost:
            domain = ctx.snapshot.manifest.domain
            yield self.finding(Subject("portal", domain, domain), lost=lost)
