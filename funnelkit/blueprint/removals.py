"""Removing what a blueprint marks `absent: true` or `merge_into:`, with a home for the deals.

Each function takes the planning context and what it removes, and returns the changes
(or the refusal or warning) as a `Planned`; none of them writes into the context.
"""

from __future__ import annotations

from funnelkit.blueprint.context import FunnelMatch, PlanContext, Planned
from funnelkit.blueprint.schema import StageSpec
from funnelkit.blueprint.vendorrules import is_fixed_stage
from funnelkit.model import (
    DealsTarget,
    DeleteFunnel,
    DeleteStage,
    FunnelKind,
    MergeStage,
    MoveDeals,
    Semantics,
    Stage,
)


def _target(ctx: PlanContext, m: FunnelMatch, ref: str) -> DealsTarget:
    """Where deals go, by key and (when known) by id."""
    fkey, skey = ref.split("/", 1) if "/" in ref else (m.spec.key, ref)
    target = ctx.matches.get(fkey)
    if target is None:
        return DealsTarget(target_funnel_key=fkey, target_stage_key=skey)
    stage, spec = target.matched.get(skey), target.spec.stage(skey)
    stage_id = None
    if stage is not None and spec is not None and spec.semantics is stage.semantics:
        stage_id = None if target.virtual else stage.id
    return DealsTarget(
        target_funnel_key=fkey,
        target_funnel_id=target.funnel_id,
        target_stage_key=skey,
        target_stage_id=stage_id,
    )


def _label(ctx: PlanContext, m: FunnelMatch, ref: str) -> str:
    """«stage» of «funnel» for a `move_deals_to` reference, in the blueprint's language."""
    fkey, skey = ref.split("/", 1) if "/" in ref else (m.spec.key, ref)
    funnel = ctx.bp.funnel(fkey)
    stage = funnel.stage(skey) if funnel else None
    if funnel is None or stage is None:
        return ref
    return f"«{ctx.name(stage)}» of «{ctx.name(funnel)}»"


def _unknown(count: int | None) -> str:
    return "an unknown number of" if count is None else str(count)


def _stage_key(m: FunnelMatch, stage: Stage) -> str | None:
    return next((k for k, s in m.matched.items() if s.id == stage.id), None)


def move_deals(
    ctx: PlanContext, m: FunnelMatch, stage: Stage, count: int | None, reason: str, ref: str
) -> MoveDeals:
    """Move one stage's deals before its deletion (never implicitly: the blueprint said so)."""
    return MoveDeals(
        funnel_key=m.spec.key,
        funnel_id=m.funnel_id,
        stage_key=_stage_key(m, stage),
        stage_id=stage.id,
        deal_count=count,
        unsafe_reason=reason,
        summary=f"move {_unknown(count)} deals from «{stage.name}» to {_label(ctx, m, ref)}",
        **_target(ctx, m, ref).model_dump(),
    )


def _undeletable(ctx: PlanContext, m: FunnelMatch, stage: Stage) -> str | None:
    """Why the vendor will not delete this stage, if it will not."""
    if stage.semantics is Semantics.SUCCESS or is_fixed_stage(ctx.profile, stage):
        return "the vendor keeps a funnel's closing stages"
    if stage.system:
        # bitrix24.md §6.3: system stages go only with FORCED=Y, which funnelkit never sends
        return "it is a system stage; rename it instead"
    failures = [s for s in m.stages if s.semantics is Semantics.FAILURE]
    if stage.semantics is Semantics.FAILURE and len(failures) <= 1:
        # bitrix24.md §6.3: a funnel retains at least one stage of each closing group
        return "it is the funnel's only failure stage"
    return None


def remove_stage(ctx: PlanContext, m: FunnelMatch, spec: StageSpec, stage: Stage) -> Planned:
    """Delete a stage; when it holds deals, move them first, and only under --force.

    `merge_into:` is one MergeStage change (move, then delete); `absent:` with
    `move_deals_to:` a MoveDeals followed by a DeleteStage.
    """
    out = Planned()
    where = f"stage «{stage.name}» of «{ctx.name(m.spec)}»"
    why = _undeletable(ctx, m, stage)
    if why is not None:
        out.warnings.append(f"{where} cannot be removed: {why}")
        return out
    count = 0 if m.virtual else ctx.count(stage.funnel_id, stage.id)
    target = spec.merge_into or spec.move_deals_to
    if count != 0 and target is None:
        out.refusals.append(
            f"{where} holds {_unknown(count)} deals and the blueprint gives no move_deals_to"
        )
        return out
    reason = f"removes {where} holding {_unknown(count)} deals" if count != 0 else None
    out.touched[(m.spec.key, "stage-delete")] += 1
    where_ids = {
        "funnel_key": m.spec.key,
        "funnel_id": m.funnel_id,
        "stage_key": spec.key,
        "stage_id": stage.id,
        "deal_count": count,
        "unsafe_reason": reason,
    }
    if spec.merge_into is not None:
        into = _label(ctx, m, spec.merge_into)
        out.changes.append(
            MergeStage(
                **where_ids,
                **_target(ctx, m, spec.merge_into).model_dump(),
                summary=f"merge {where}{_held(count)} into {into}, then delete it",
            )
        )
        return out
    if count != 0 and target is not None and reason is not None:
        out.changes.append(move_deals(ctx, m, stage, count, reason, target))
    out.changes.append(DeleteStage(**where_ids, summary=f"delete {where}"))
    return out


def _held(count: int | None) -> str:
    return "" if count == 0 else f" ({_unknown(count)} deals)"


def _funnel_undeletable(ctx: PlanContext, m: FunnelMatch) -> str | None:
    assert m.funnel is not None
    if (m.funnel.is_default and not ctx.limits.default_funnel_deletable) or (
        m.funnel.kind is FunnelKind.LEAD and ctx.profile.lead_funnel_singleton
    ):
        return "it is the portal's default funnel"  # bitrix24.md §6.1: category 0 stays
    deal_funnels = [f for f in ctx.snapshot.structure.funnels if f.kind is FunnelKind.DEAL]
    if len(deal_funnels) <= 1 and not ctx.limits.last_funnel_deletable:
        return "it is the portal's last funnel"  # amocrm.md §5.2
    return None


def remove_funnel(ctx: PlanContext, m: FunnelMatch) -> Planned:
    """Delete a funnel; its deals move stage by stage to `move_deals_to` first."""
    assert m.funnel is not None
    out = Planned()
    funnel, spec = m.funnel, m.spec
    where = f"funnel «{funnel.name}»"
    why = _funnel_undeletable(ctx, m)
    if why is not None:
        out.warnings.append(f"{where} cannot be removed: {why}")
        return out
    total = ctx.count(funnel.id, None)
    reason = None
    if total != 0:
        if spec.move_deals_to is None:
            out.refusals.append(
                f"{where} holds {_unknown(total)} deals and the blueprint gives no move_deals_to"
            )
            return out
        reason = f"removes {where} holding {_unknown(total)} deals"
        for stage in ctx.snapshot.structure.stages_of(funnel.id):
            count = ctx.count(funnel.id, stage.id)
            if count != 0:
                out.changes.append(move_deals(ctx, m, stage, count, reason, spec.move_deals_to))
    out.touched[(spec.key, "delete")] += 1
    out.changes.append(
        DeleteFunnel(
            funnel_key=spec.key,
            funnel_id=funnel.id,
            deal_count=total,
            unsafe_reason=reason,
            summary=f"delete {where}",
        )
    )
    return out
