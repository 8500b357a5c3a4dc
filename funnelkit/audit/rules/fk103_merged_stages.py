"""FK103 stages.merged: a fixed-duration task glued to an open-ended wait in one stage."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import bimodality
from funnelkit.model import DataSet, FunnelRole


class MergedStagesParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    bimodal_above: float = Field(0.555, ge=0.3, le=1, description="bimodality coefficient cut")
    min_samples: int = Field(20, ge=5, le=100000, description="completed visits to judge shape")


class MergedStages(Rule):
    """A stage that glues an internal task with a norm to an open-ended client wait.

    What it finds: «Подготовить КП и согласовать с клиентом»-style stages.
    Why it matters (article 001): the task part has a norm (say two days), the wait has
    none; merged, neither can be measured or controlled.
    How it is detected: the name analyser's `merged` label; where history allows, the dwell
    time's bimodality coefficient is reported as behavioural evidence (a short hump for the
    task, a long one for the wait). Behaviour alone does not fire: many healthy stages have
    skewed dwell times.
    Configuration: bimodal_above, min_samples.
    """

    Params = MergedStagesParams
    meta = RuleMeta(
        code="FK103",
        name="stages.merged",
        group="stages",
        domain_item="4",
        severity=Severity.LOW,
        requires=frozenset({DataSet.STRUCTURE}),
        title=Text(
            en="Each stage is either an internal task or a client wait, not both",
        ),
        rationale=Text(
            en="A task with a time norm glued to an open-ended wait makes the stage's time "
            "meaningless: you cannot tell a slow manager from a slow client.",
        ),
        remedy=Text(
            en="Split the stage: one for the internal task with its deadline, one for the "
            "client's answer with a follow-up task.",
        ),
        messages={
            "default": Text(
                en="Stage «{stage}» in «{funnel}» merges a task and a wait ({reason}; dwell "
                "bimodality {bimodality})",
                ru="Этап «{stage}» воронки «{funnel}» совмещает задачу и ожидание ({reason}; "
                "бимодальность времени {bimodality})",
                uk="Етап «{stage}» воронки «{funnel}» поєднує задачу й очікування ({reason}; "
                "бімодальність часу {bimodality})",
            )
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        for fid in sorted(ctx.funnels):
            if ctx.role(fid) is FunnelRole.REFUSALS:
                continue
            p: MergedStagesParams = params(fid)
            for stage in ctx.process_stages(fid):
                v = ctx.name_verdicts.get(stage.key)
                if v is None or v.label != "merged":
                    continue
                samples = ctx.dwell(stage.key)
                coef = bimodality(samples) if len(samples) >= p.min_samples else math.nan
                shape = "n/a" if math.isnan(coef) else f"{coef:.2f}"
                yield self.finding(
                    ctx.stage_subject(stage.key),
                    reason=v.reason,
                    bimodality=shape,
                    bimodal=None if math.isnan(coef) else coef > p.bimodal_above,
                    samples=len(samples),
                )
