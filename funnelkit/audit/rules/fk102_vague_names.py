"""FK102 stages.vague-name: stage names that state neither the situation nor the task."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.model import DataSet, FunnelRole


class VagueNamesParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_confidence: float = Field(0.5, ge=0, le=1, description="analyser confidence to report")


class VagueNames(Rule):
    """Stage names that do not say where the deal is and what the manager must do.

    What it finds: names such as «Клиент обдумывает условия» or «В работе».
    Why it matters (article 001): a good name states the situation and the manager's next
    task («КП отправлено, получить обратную связь»), so anyone opening the funnel knows
    what to do with each deal.
    How it is detected: the stage-name analyser's `vague` label (wording and position).
    Refusal funnels are exempt: their stages name reasons, not steps.
    Configuration: min_confidence.
    """

    Params = VagueNamesParams
    meta = RuleMeta(
        code="FK102",
        name="stages.vague-name",
        group="stages",
        domain_item="3",
        severity=Severity.LOW,
        requires=frozenset({DataSet.STRUCTURE}),
        title=Text(
            en="Stage names state the situation and the manager's task",
        ),
        rationale=Text(
            en="A vague stage name leaves each manager to guess what to do next, so deals "
            "in it are handled differently by everyone.",
        ),
        remedy=Text(
            en="Rename the stage so it says what has happened and what the manager does "
            "now, e.g. «Proposal sent — get feedback».",
        ),
        messages={
            "default": Text(
                en="Stage «{stage}» in «{funnel}» has a vague name ({reason})",
            )
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        for fid in sorted(ctx.funnels):
            if ctx.role(fid) is FunnelRole.REFUSALS or ctx.designed(fid):
                # a blueprint states each stage's task next to its name (schema `task`),
                # so a name it chose never leaves the manager guessing what to do
                continue
            p: VagueNamesParams = params(fid)
            for stage in ctx.process_stages(fid):
                v = ctx.name_label(stage.key, "vague")
                # A parking name («Клиент думает») does state a situation: whether the stage
                # should exist is FK101's question, and one stage, one problem.
                parked = ctx.name_label(stage.key, "dump") is not None
                if v is not None and not parked and v.confidence >= p.min_confidence:
                    yield self.finding(
                        ctx.stage_subject(stage.key),
                        reason=v.reason,
                        confidence=round(v.confidence, 2),
                    )
