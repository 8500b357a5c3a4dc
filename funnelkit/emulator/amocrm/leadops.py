"""Lead writes that leave history behind: status moves and responsible changes (§6.4, §7)."""

from __future__ import annotations

import dataclasses

from funnelkit.emulator.amocrm.context import Ctx
from funnelkit.emulator.amocrm.wire import LOST, WON
from funnelkit.emulator.state import PortalState
from funnelkit.model import Deal, ResponsibleChange, StageTransition, TransitionKind


def event_id(state: PortalState) -> str:
    """amocrm.md §7: event ids are 26-character lowercase strings ("01pz58t6p04y…")."""
    return f"01emu{state.new_id('event'):021x}"


def move(ctx: Ctx, deal: Deal, funnel_id: str, stage_id: str) -> Deal:
    """Put a lead in a status; one `lead_status_changed` event per move (§7)."""
    if deal.funnel_id == funnel_id and deal.stage_id == stage_id:
        return deal
    now = ctx.now
    closed = stage_id in (WON, LOST)
    changed = dataclasses.replace(
        deal,
        funnel_id=funnel_id,
        stage_id=stage_id,
        modified_at=now,
        closed=closed,
        # amocrm.md §6.3: a lead in 142/143 has closed_at; unverified: reopening clears it
        closed_at=(deal.closed_at or now) if closed else None,
    )
    ctx.state.transitions.append(
        StageTransition(
            id=event_id(ctx.state),
            deal_id=deal.id,
            funnel_id=funnel_id,
            to_stage_id=stage_id,
            at=now,
            from_stage_id=deal.stage_id,
            from_funnel_id=deal.funnel_id,
            by=ctx.caller.user_id,
            kind=(
                TransitionKind.FUNNEL_CHANGED
                if funnel_id != deal.funnel_id
                else TransitionKind.MOVED
            ),
        )
    )
    return changed


def reassign(ctx: Ctx, deal: Deal, user_id: str) -> Deal:
    """Hand a lead to another user; one `entity_responsible_changed` event (§7)."""
    if deal.responsible_id == user_id:
        return deal
    ctx.state.responsible_changes.append(
        ResponsibleChange(
            id=event_id(ctx.state),
            deal_id=deal.id,
            at=ctx.now,
            from_user_id=deal.responsible_id,
            to_user_id=user_id,
            by=ctx.caller.user_id,
        )
    )
    return dataclasses.replace(deal, responsible_id=user_id, modified_at=ctx.now)


def created(ctx: Ctx, deal: Deal) -> None:
    """A new lead's first history row (served as a `lead_added` event)."""
    ctx.state.transitions.append(
        StageTransition(
            id=event_id(ctx.state),
            deal_id=deal.id,
            funnel_id=deal.funnel_id,
            to_stage_id=deal.stage_id,
            at=deal.created_at,
            by=ctx.caller.user_id,
            kind=TransitionKind.CREATED,
        )
    )
