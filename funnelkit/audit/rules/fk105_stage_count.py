"""FK105 stages.count: funnels with too many or too few working stages for their role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.model import DataSet, FunnelRole

# Roles whose stages are reasons or list segments rather than steps: no upper bound.
_UNBOUNDED = {FunnelRole.REFUSALS, FunnelRole.LISTS, FunnelRole.OTHER}
# Short by design: a qualification or client-base funnel has few key moments.
_SHORT = {
    FunnelRole.LEAD_QUALIFICATION,
    FunnelRole.CLIENT_BASE,
    FunnelRole.REFUSALS,
    FunnelRole.LISTS,
    FunnelRole.OTHER,
    FunnelRole.WARRANTY,
}


class StageCountParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_stages: int = Field(3, ge=1, le=20, description="fewest working stages of a sales funnel")
    min_stages_short: int = Field(1, ge=1, le=20, description="fewest for short-by-design roles")
    max_stages: int = Field(10, ge=3, le=50, description="most working stages before clutter")


class StageCount(Rule):
    """Funnels with too many or too few working (process) stages for their role.

    What it finds: a sales funnel with one or two working stages, or any step funnel with
    more than `max_stages`.
    Why it matters (article 001): only key moments get a stage; too few hide where deals
    are, too many scatter them.
    How it is detected: structure only — the count of process stages, judged against the
    funnel's role (refusal and list funnels have no upper bound; qualification and client
    base funnels may be short).
    Configuration: min_stages, min_stages_short, max_stages (per funnel too).
    """

    Params = StageCountParams
    meta = RuleMeta(
        code="FK105",
        name="stages.count",
        group="stages",
        domain_item="8",
        severity=Severity.LOW,
        requires=frozenset({DataSet.STRUCTURE}),
        title=Text(
            en="Each funnel has a sensible number of working stages for its role",
        ),
        rationale=Text(
            en="With too few stages you cannot see where deals stall; with too many, "
            "managers stop moving deals through them.",
        ),
        remedy=Text(
            en="Keep one stage per key moment of the sale; merge or split the rest.",
        ),
        messages={
            "many": Text(
                en="Funnel «{funnel}» has {stages} working stages (at most {limit} expected "
                "for role {role})",
            ),
            "few": Text(
                en="Funnel «{funnel}» has only {stages} working stages (at least {limit} "
                "expected for role {role})",
            ),
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        for fid in sorted(ctx.funnels):
            p: StageCountParams = params(fid)
            role = ctx.role(fid)
            n = len(ctx.process_stages(fid))
            low = p.min_stages_short if role in _SHORT else p.min_stages
            subject = ctx.funnel_subject(fid)
            if role not in _UNBOUNDED and n > p.max_stages:
                yield self.finding(subject, "many", stages=n, limit=p.max_stages, role=role.value)
            elif n < low:
                yield self.finding(subject, "few", stages=n, limit=low, role=role.value)
