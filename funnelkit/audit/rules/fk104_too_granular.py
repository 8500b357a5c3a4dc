"""FK104 stages.too-granular: elementary steps and numbered repeats as stages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import share
from funnelkit.model import DataSet, FunnelRole


class TooGranularStagesParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rare_share: float = Field(0.05, ge=0, le=1, description="pass-through share counted as rare")


class TooGranularStages(Rule):
    """Stages for elementary steps or numbered repeats («Недозвон 1/2/3»).

    What it finds: stages the name analyser labels `too-granular`.
    Why it matters (article 001): only key moments deserve a stage; numbered repeats
    multiply columns, scatter deals and hide the real conversion.
    How it is detected: names (numbered siblings, elementary actions), with the share of the
    funnel's deals that ever passed through the stage as behavioural evidence (few pass a
    «Недозвон 3»).
    Configuration: rare_share.
    """

    Params = TooGranularStagesParams
    meta = RuleMeta(
        code="FK104",
        name="stages.too-granular",
        group="stages",
        domain_item="8",
        severity=Severity.LOW,
        requires=frozenset({DataSet.STRUCTURE}),
        title=Text(
            en="Only key moments of the sale get a stage",
        ),
        rationale=Text(
            en="Numbered repeats and elementary steps as stages clutter the funnel and "
            "split deals across columns that say nothing new.",
        ),
        remedy=Text(
            en="Merge the repeats into one stage; count attempts with tasks or a field.",
        ),
        messages={
            "default": Text(
                en="Stage «{stage}» in «{funnel}» is too granular ({reason}; {pass_share} of "
                "the funnel's deals pass through it)",
            )
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        history = ctx.snapshot.manifest.has(DataSet.STAGE_HISTORY)
        for fid in sorted(ctx.funnels):
            if ctx.role(fid) is FunnelRole.REFUSALS:
                continue
            p: TooGranularStagesParams = params(fid)
            total = ctx.flows.deals_per_funnel.get(fid, 0) if history else 0
            for stage in ctx.process_stages(fid):
                v = ctx.name_label(stage.key, "too-granular")
                if v is None:
                    continue
                passed = ctx.flows.passes.get(stage.key, 0) if history else 0
                pass_share = round(share(passed, total), 3)
                yield self.finding(
                    ctx.stage_subject(stage.key),
                    reason=v.reason,
                    pass_share=pass_share,
                    rare=bool(total) and pass_share < p.rare_share,
                    deals_through=passed,
                )
