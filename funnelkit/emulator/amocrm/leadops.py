"""Lead writes that leave history behind: status moves and responsible changes (§6.4, §7)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from funnelkit.emulator.amocrm.context import Ctx
from funnelkit.emulator.amocrm.wire import LOST, WON
from funnelkit.emulator.state import PortalState
from funnelkit.model import Deal, ResponsibleChange, StageTransition, TransitionKind


def event_id(state: PortalState) -> str:
    """An id for an event with no state row (§7: 26-character strings, "01pz58t6p04y…")."""
    return f"01emu{state.new_id('events'):021x}"


def next_number(state: PortalState, table: str, ids: Iterable[str]) -> int:
    """The next id of a state table, numbered as the generator numbers it (state.next_ids
    keys "deals", "transitions", …); the floor is read off the rows on first use."""
    if table not in state.next_ids:
        numbers = (i.lstrip("TL") for i in ids)
        state.next_ids[table] = max((int(n) for n in numbers if n.isdigit()), default=0) + 1
    return state.new_id(table)


def row_id(state: PortalState, table: str) -> str:
    """A new history row id: the row's id is its event id (emu_amo brief)."""
    rows: dict[str, list[Any]] = {
        "transitions": state.transitions,
        "responsible_changes": state.responsible_changes,
        "deadline_changes": state.deadline_changes,
    }
    return str(next_number(state, table, (r.id for r in rows[table])))


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
            id=row_id(ctx.state, "transitions"),
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
            id=row_id(ctx.state, "responsible_changes"),
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
            id=row_id(ctx.state, "transitions"),
            deal_id=deal.id,
            funnel_id=deal.funnel_id,
            to_stage_id=deal.stage_id,
            at=deal.created_at,
            by=ctx.caller.user_id,
            kind=TransitionKind.CREATED,
        )
    )
