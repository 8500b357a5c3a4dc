"""FK101 stages.dump: parking / reminder stages outside the forward sequence."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from funnelkit.audit.context import AuditContext, StageKey
from funnelkit.audit.findings import Finding, Severity
from funnelkit.audit.rule import Rule, RuleMeta, Text, Tuning
from funnelkit.audit.stats import CREATED, median, share
from funnelkit.model import DataSet, FunnelRole, Semantics
from funnelkit.model.timeutil import DAY


class DumpStagesParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_sources: int = Field(3, ge=2, le=50, description="distinct stages deals arrive from")
    no_task_share: float = Field(0.6, ge=0, le=1, description="open deals with no live task")
    lost_or_back_share: float = Field(0.5, ge=0, le=1, description="exits to lost or backwards")
    min_dwell_days: float = Field(14, ge=0, le=365, description="median dwell counted as long")
    min_signs: int = Field(3, ge=1, le=4, description="behaviour signs that fire without names")
    min_deals: int = Field(
        5, ge=1, le=10000, description="deals through the stage to judge behaviour"
    )


def _idle_share(ctx: AuditContext, key: StageKey) -> tuple[float, int]:
    """Share of the stage's open deals with no open task, or only overdue ones, and how many
    open deals that share is of."""
    here, idle = ctx.idle_by_stage.get(key, (0, 0))
    return round(share(idle, here), 3), here


class DumpStages(Rule):
    """Stages where deals are parked instead of moved toward the purchase.

    What it finds: «Клиент думает», «Отложенный спрос», «Не отвечает»-style stages.
    Why it matters (article 001): a parking stage hides deals no one works on and spoils
    conversion per stage.
    How it is detected: the name analyser's `dump` label plus behaviour — deals arrive from
    many different stages, most open deals there have no live task, exits go to lost or back,
    dwell time is long. With enough behaviour signs it fires even on an innocent name
    (names lie); a dump name with contrary behaviour does not fire. Refusal funnels are
    exempt: their stages are reasons.
    Configuration: min_sources, no_task_share, lost_or_back_share, min_dwell_days, min_signs.
    """

    Params = DumpStagesParams
    meta = RuleMeta(
        code="FK101",
        name="stages.dump",
        group="stages",
        domain_item="2",
        severity=Severity.MEDIUM,
        requires=frozenset({DataSet.STRUCTURE}),
        title=Text(
            en="Every stage is a step toward the purchase, not a parking place",
        ),
        rationale=Text(
            en="Deals parked in «Client is thinking» stages are forgotten: no one calls, "
            "they only leave to lost, and the stage statistics stop meaning anything.",
        ),
        remedy=Text(
            en="Remove the stage: mark such deals with a tag, set a reminder task with a "
            "deadline, and close them as lost when it passes.",
        ),
        messages={
            "default": Text(
                en="Stage «{stage}» in «{funnel}» works as a parking place ({signs} of 4 behaviour "
                "signs; name: {name_label})",
            )
        },
    )

    def _signs(
        self, ctx: AuditContext, key: StageKey, p: DumpStagesParams
    ) -> dict[str, Any] | None:
        """Behaviour evidence for one stage, or None when there is too little of it."""
        history = ctx.snapshot.manifest.has(DataSet.STAGE_HISTORY)
        tasks = ctx.snapshot.manifest.has(DataSet.TASKS)
        passes = ctx.flows.passes.get(key, 0) if history else 0
        if passes < p.min_deals:
            return None
        pos = ctx.position.get(key, 0)
        sources = {s for s in ctx.flows.arrivals.get(key, {}) if s != CREATED}
        exits = ctx.flows.exits.get(key, {})
        bad_exits = sum(
            n
            for dst, n in exits.items()
            if ctx.semantics(dst) is Semantics.FAILURE
            or (dst[0] == key[0] and ctx.position.get(dst, pos) < pos)
        )
        dwell = ctx.dwell(key)
        ev: dict[str, Any] = {
            "sources": len(sources),
            "lost_or_back_share": round(share(bad_exits, sum(exits.values())), 3),
            "median_dwell_days": round(median(dwell) / DAY, 1) if len(dwell) else 0.0,
        }
        idle_of = 0
        if tasks:
            ev["no_task_share"], idle_of = _idle_share(ctx, key)
        signs = [
            ev["sources"] >= p.min_sources,
            ev["lost_or_back_share"] >= p.lost_or_back_share,
            ev["median_dwell_days"] >= p.min_dwell_days,
            # A share of one or two open deals says nothing about how the stage is used:
            # it takes as many open deals as passes to judge behaviour at all.
            idle_of >= p.min_deals and ev.get("no_task_share", 0.0) >= p.no_task_share,
        ]
        ev["signs"] = sum(signs)
        return ev

    def check(self, ctx: AuditContext, params: Tuning[Any]) -> Iterator[Finding]:
        for fid in sorted(ctx.funnels):
            if ctx.role(fid) is FunnelRole.REFUSALS:
                # rules.md: a refusal funnel's stages *are* reasons. A guessed refusals role is
                # only given when the stages read as reasons (funnelkit.names.roles), so a
                # sales funnel merely named «… отказы» keeps its dump verdicts.
                continue
            p: DumpStagesParams = params(fid)
            for stage in ctx.process_stages(fid):
                named = _name_says_dump(ctx.name_verdicts.get(stage.key))
                ev = self._signs(ctx, stage.key, p)
                if _fires(named, ev, p):
                    ev = ev or {"signs": 0}
                    yield self.finding(
                        ctx.stage_subject(stage.key), name_label="dump" if named else "ok", **ev
                    )


def _name_says_dump(verdict: Any) -> bool:
    """True when the name analyser labels the stage dump among its labels.

    A stage may carry several labels («Клиент думает» is dump and vague); the audit's verdict
    may keep only one, so the full `labels` are read when the verdict carries them.
    """
    if verdict is None:
        return False
    labels = getattr(verdict, "labels", None) or (verdict.label,)
    return "dump" in {str(label) for label in labels}


def _fires(named: bool, ev: dict[str, Any] | None, p: DumpStagesParams) -> bool:
    """Name and behaviour together; a name alone never outweighs clear behaviour.

    Too little behaviour (fewer than `min_deals` passes): the name decides. Behaviour with no
    sign at all (deals move forward, have live tasks, leave quickly) clears a dump name.
    Enough signs (`min_signs`) fire on any name, since names lie.
    """
    if ev is None:
        return named
    if ev["signs"] >= p.min_signs:
        return True
    return named and ev["signs"] >= 1
