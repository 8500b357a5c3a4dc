"""FK103 stages.merged: a fixed-duration task glued to an open-ended wait in one stage."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import bimodality
from funnelkit.model import DataSet, FunnelRole

# A task's hump (days) and a wait's (weeks) lie several-fold apart; stays that all take
# about as long (a robot moving deals after a day) are one hump, whatever the coefficient.
SPREAD = 3.0


def _spread(samples: Any) -> float:
    """p90 / p10 of the stays (at least a minute each)."""
    lo, hi = np.percentile(np.maximum(np.asarray(samples, dtype=np.float64), 60), [10, 90])
    return float(hi / lo)


class MergedStagesParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    bimodal_above: float = Field(0.555, ge=0.3, le=1, description="bimodality coefficient cut")
    min_samples: int = Field(20, ge=5, le=100000, description="completed visits to judge shape")
    # Behaviour alone fires only when the stage is plainly two-humped. Sarle's coefficient
    # is 1/3 for a normal (log-normal dwell), 0.555 for a uniform, and a small sample of a
    # skewed one-humped stay can exceed 0.6 by chance; at a hundred visits and 0.65 a
    # single hump is no longer a plausible reading. A healthy stage with two exits taken at
    # different speeds (a quick hand-off to a parking funnel beside the normal path) reaches
    # 0.70 too, so without a name cue the shape must be clearly beyond that: 0.75.
    plainly_bimodal: float = Field(
        0.75, ge=0.555, le=1, description="coefficient at which dwell alone is evidence"
    )
    shape_samples: int = Field(
        100, ge=20, le=100000, description="completed visits for dwell alone to fire"
    )


class MergedStages(Rule):
    """A stage that glues an internal task with a norm to an open-ended client wait.

    What it finds: «Подготовить КП и согласовать с клиентом»-style stages.
    Why it matters (article 001): the task part has a norm (say two days), the wait has
    none; merged, neither can be measured or controlled.
    How it is detected: the name analyser's `merged` label; where history allows, the dwell
    time's bimodality coefficient is reported as behavioural evidence (a short hump for the
    task, a long one for the wait), and the evidence says which of the two the finding
    rests on. Behaviour alone fires only when the stage is plainly two-humped
    (`plainly_bimodal` over `shape_samples` visits): many healthy stages are skewed.
    Configuration: bimodal_above, min_samples, plainly_bimodal, shape_samples.
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
            )
        },
        phrases={
            "both": "name and dwell shape",
            "name_few": "name only: too few visits to judge the dwell shape",
            "name_one": "name only: the dwell shape shows one hump",
            "humps": (
                "its {n} completed stay forms two humps",
                "its {n} completed stays form two humps",
            ),
            "shape": "dwell shape alone",
            "no_shape": "not measured",
            "coef": "{coef}",
            "one_hump": "{coef}, one hump",
        },
    )

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        for fid in sorted(ctx.funnels):
            if ctx.role(fid) is FunnelRole.REFUSALS:
                continue
            p: MergedStagesParams = params(fid)
            for stage in ctx.process_stages(fid):
                v = ctx.name_label(stage.key, "merged")
                samples = ctx.dwell(stage.key)
                n = len(samples)
                coef = bimodality(samples) if n >= p.min_samples else math.nan
                measured = not math.isnan(coef)
                two_humps = measured and coef > p.bimodal_above
                plain = (
                    measured
                    and n >= p.shape_samples
                    and coef >= p.plainly_bimodal
                    and _spread(samples) >= SPREAD
                )
                if v is None and not plain:
                    continue
                if v is not None:
                    reason = v.reason
                    basis = self.phrase(
                        "both" if two_humps else "name_few" if not measured else "name_one"
                    )
                else:
                    reason = self.phrase("humps", counter="n", n=n)
                    basis = self.phrase("shape")
                shape = (
                    self.phrase("no_shape")
                    if not measured
                    else self.phrase("coef" if two_humps else "one_hump", coef=round(coef, 2))
                )
                yield self.finding(
                    ctx.stage_subject(stage.key),
                    reason=reason,
                    bimodality=shape,
                    bimodal=two_humps if measured else None,
                    basis=basis,
                    samples=n,
                )
