"""Removing what a blueprint marks `absent: true` or `merge_into:`, with a home for the deals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from funnelkit.blueprint.schema import StageSpec
from funnelkit.blueprint.vendorrules import is_fixed_stage
from funnelkit.model import Change, ChangeOp, FunnelKind, Semantics, Stage

if TYPE_CHECKING:
    from funnelkit.blueprint.context import FunnelMatch, PlanContext


def _target(p: PlanContext, m: FunnelMatch, ref: str) -> dict[str, object]:
    """Change fields naming where deals go, by key and (when known) by id."""
    fkey, skey = ref.split("/", 1) if "/" in ref else (m.spec.key, ref)
    target = p.matches.get(fkey)
    out: dict[str, object] = {"target_funnel_key": fkey, "target_stage_key": skey}
    if target is None:
        return out
    out["target_funnel_id"] = target.funnel_id
    stage, spec = target.matched.get(skey), target.spec.stage(skey)
    if stage is not None and spec is not None and spec.semantics is stage.semantics:
        out["target_stage_id"] = None if target.virtual else stage.id
    return out


def _label(p: PlanContext, m: FunnelMatch, ref: str) -> str:
    """«stage» of «funnel» for a `move_deals_to` reference, in the blueprint's language."""
    fkey, skey = ref.split("/", 1) if "/" in ref else (m.spec.key, ref)
    funnel = p.bp.funnel(fkey)
    stage = funnel.stage(skey) if funnel else None
    if funnel is None or stage is None:
        return ref
    return f"«{p.name(stage)}» of «{p.name(funnel)}»"


def _unknown(count: int | None) -> str:
    return "an unknown number of" if count is None else str(count)


def move_deals(
    p: PlanContext, m: FunnelMatch, stage: Stage, count: int | None, reason: str, ref: str, pos: int
) -> None:
    """Move one stage's deals before its deletion (never implicitly: the blueprint said so)."""
    p.add(
        Change(
            op=ChangeOp.MOVE_DEALS,
            funnel_key=m.spec.key,
            funnel_id=m.funnel_id,
            stage_key=next((k for k, s in m.matched.items() if s.id == stage.id), None),
            stage_id=stage.id,
            deal_count=count,
            unsafe_reason=reason,
            summary=f"move {_unknown(count)} deals from «{stage.name}» to {_label(p, m, ref)}",
            **_target(p, m, ref),
        ),
        (m.pos, pos),
    )


def _undeletable(p: PlanContext, m: FunnelMatch, stage: Stage) -> str | None:
    """Why the vendor will not delete this stage, if it will not."""
    if stage.semantics is Semantics.SUCCESS or is_fixed_stage(p.vendor, stage):
        return "the vendor keeps a funnel's closing stages"
    if stage.system:
        # bitrix24.md §6.3: system stages go only with FORCED=Y, which funnelkit never sends
        return "it is a system stage; rename it instead"
    failures = [s for s in m.stages if s.semantics is Semantics.FAILURE]
    if stage.semantics is Semantics.FAILURE and len(failures) <= 1:
        # bitrix24.md §6.3: a funnel retains at least one stage of each closing group
        return "it is the funnel's only failure stage"
    return None


def remove_stage(p: PlanContext, m: FunnelMatch, spec: StageSpec, stage: Stage, index: int) -> None:
    """Delete a stage; when it holds deals, move them first, and only under --force."""
    where = f"stage «{stage.name}» of «{p.name(m.spec)}»"
    why = _undeletable(p, m, stage)
    if why is not None:
        p.warnings.append(f"{where} cannot be removed: {why}")
        return
    count = 0 if m.virtual else p.count(stage.funnel_id, stage.id)
    reason = None
    target = spec.merge_into or spec.move_deals_to
    verb = "delete"
    if spec.merge_into is not None:
        verb = f"merge into {_label(p, m, spec.merge_into)}, then delete"
    if count != 0:
        if target is None:
            p.refusals.append(
                f"{where} holds {_unknown(count)} deals and the blueprint gives no move_deals_to"
            )
            return
        reason = f"removes {where} holding {_unknown(count)} deals"
        move_deals(p, m, stage, count, reason, target, index + 1)
    p.touched[(m.spec.key, "stage-delete")] += 1
    p.add(
        Change(
            op=ChangeOp.DELETE_STAGE,
            funnel_key=m.spec.key,
            funnel_id=m.funnel_id,
            stage_key=spec.key,
            stage_id=stage.id,
            deal_count=count,
            unsafe_reason=reason,
            summary=f"{verb} {where}",
        ),
        (m.pos, index + 1),
    )


def _funnel_undeletable(p: PlanContext, m: FunnelMatch) -> str | None:
    assert m.funnel is not None
    if (m.funnel.is_default and not p.limits.default_funnel_deletable) or (
        m.funnel.kind is FunnelKind.LEAD and p.profile.lead_funnel_singleton
    ):
        return "it is the portal's default funnel"  # bitrix24.md §6.1: category 0 stays
    deal_funnels = [f for f in p.snapshot.structure.funnels if f.kind is FunnelKind.DEAL]
    if len(deal_funnels) <= 1 and not p.limits.last_funnel_deletable:
        return "it is the portal's last funnel"  # amocrm.md §5.2
    return None


def remove_funnel(p: PlanContext, m: FunnelMatch) -> None:
    """Delete a funnel; its deals move stage by stage to `move_deals_to` first."""
    assert m.funnel is not None
    funnel, spec = m.funnel, m.spec
    where = f"funnel «{funnel.name}»"
    why = _funnel_undeletable(p, m)
    if why is not None:
        p.warnings.append(f"{where} cannot be removed: {why}")
        return
    total = p.count(funnel.id, None)
    reason = None
    if total != 0:
        if spec.move_deals_to is None:
            p.refusals.append(
                f"{where} holds {_unknown(total)} deals and the blueprint gives no move_deals_to"
            )
            return
        reason = f"removes {where} holding {_unknown(total)} deals"
        for stage in p.snapshot.structure.stages_of(funnel.id):
            count = p.count(funnel.id, stage.id)
            if count != 0:
                move_deals(p, m, stage, count, reason, spec.move_deals_to, stage.sort)
    p.touched[(spec.key, "delete")] += 1
    p.add(
        Change(
            op=ChangeOp.DELETE_FUNNEL,
            funnel_key=spec.key,
            funnel_id=funnel.id,
            deal_count=total,
            unsafe_reason=reason,
            summary=f"delete {where}",
        ),
        (m.pos, 0),
    )
