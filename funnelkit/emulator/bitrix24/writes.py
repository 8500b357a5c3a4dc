"""Deal writes: crm.deal.add/update, crm.item.update moves, history rows and tunnels.

bitrix24.md §7.1: crm.deal.update ignores a STAGE_ID of another funnel and
CATEGORY_ID is immutable there; §7.4: crm.item.update with categoryId moves a
deal, picking the first stage of the same semantics when the stage given is
not in the new funnel. Every stage or funnel change appends a history row.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from funnelkit.emulator.bitrix24.backend import Backend, Call, Outcome
from funnelkit.emulator.bitrix24.envelope import B24Error, legacy
from funnelkit.emulator.bitrix24.fields import num_id, render
from funnelkit.emulator.bitrix24.params import as_int, pick
from funnelkit.emulator.bitrix24.schemas import ITEM_EXTRAS
from funnelkit.emulator.state import LEAD_FUNNEL_ID, LEAD_PREFIX
from funnelkit.model import Deal, EntityKind, Semantics, Stage, StageTransition, TransitionKind

TUNNEL_DEPTH = 5  # a tunnel chain longer than this is a loop (unverified guard)


def _table(deal: Deal) -> str:
    return "lead" if deal.entity is EntityKind.LEAD else "deal"


def _first_stage(b: Backend, funnel_id: str, semantics: Semantics | None = None) -> Stage | None:
    stages = b.state.stages_of(funnel_id)
    if semantics is not None:
        same = [s for s in stages if s.semantics is semantics]
        if same:
            return same[0]
    return stages[0] if stages else None


def _history(b: Backend, deal: Deal, kind: TransitionKind, before: Deal | None) -> None:
    state = b.state
    rows = b.indexes.get("history_lead" if deal.entity is EntityKind.LEAD else "history_deal")
    floor = max((num_id(t.id) or 0 for t in state.transitions[-1:]), default=0) + 1
    floor = max(floor, (rows.ids[-1] + 1) if len(rows.ids) else 1)
    row = StageTransition(
        id=str(state.new_id("stagehistory", floor)), deal_id=deal.id, funnel_id=deal.funnel_id,
        to_stage_id=deal.stage_id, at=b.now(), kind=kind,
        from_stage_id=before.stage_id if before else None,
        from_funnel_id=before.funnel_id if before else None,
    )  # fmt: skip
    state.transitions.append(row)
    b.indexes.appended("history_lead" if deal.entity is EntityKind.LEAD else "history_deal", row)


def _store(b: Backend, deal: Deal, new: bool) -> None:
    b.state.deals[deal.id] = deal
    if new:
        b.indexes.appended(_table(deal), deal)
    else:
        b.indexes.replaced(_table(deal), deal)


def _closed(b: Backend, deal: Deal) -> Deal:
    stage = b.state.stages.get((deal.funnel_id, deal.stage_id))
    final = stage is not None and stage.semantics is not Semantics.PROCESS
    return dataclasses.replace(deal, closed=final, closed_at=b.now() if final else None)


def move(b: Backend, deal: Deal, funnel_id: str, stage_id: str, depth: int = 0) -> Deal:
    """Put a deal into a stage (maybe of another funnel), log it, then run tunnels."""
    if (deal.funnel_id, deal.stage_id) == (funnel_id, stage_id):
        return deal
    kind = TransitionKind.FUNNEL_CHANGED if funnel_id != deal.funnel_id else TransitionKind.MOVED
    moved = _closed(
        b, dataclasses.replace(deal, funnel_id=funnel_id, stage_id=stage_id, modified_at=b.now())
    )
    _store(b, moved, new=False)
    if kind is TransitionKind.FUNNEL_CHANGED and deal.entity is not EntityKind.LEAD:
        b.indexes.forget("history_deal")  # its earlier funnel's rows drop out of the list
    _history(b, moved, kind, deal)
    return run_tunnels(b, moved, depth)


def create(b: Backend, deal: Deal) -> Deal:
    """Store a new deal with its TYPE_ID 1 history row, then run tunnels."""
    deal = _closed(b, deal)
    _store(b, deal, new=True)
    _history(b, deal, TransitionKind.CREATED, None)
    return run_tunnels(b, deal, 0)


def run_tunnels(b: Backend, deal: Deal, depth: int) -> Deal:
    """Tunnels leaving the deal's stage: copy makes a new deal, move changes funnel (§11.1)."""
    if depth >= TUNNEL_DEPTH:
        return deal
    for tunnel in b.state.tunnels:
        if (tunnel.from_funnel_id, tunnel.from_stage_id) != (deal.funnel_id, deal.stage_id):
            continue
        target = tunnel.to_stage_id or getattr(_first_stage(b, tunnel.to_funnel_id), "id", None)
        if target is None:
            continue
        if tunnel.mode.value == "move":
            b.moves.append(deal.id)
            deal = move(b, deal, tunnel.to_funnel_id, target, depth + 1)
            break
        copy = dataclasses.replace(
            deal, id=_new_deal_id(b, deal.entity), funnel_id=tunnel.to_funnel_id, stage_id=target,
            created_at=b.now(), modified_at=b.now(), closed=False, closed_at=None,
        )  # fmt: skip
        _store(b, _closed(b, copy), new=True)
        _history(b, b.state.deals[copy.id], TransitionKind.CREATED, None)
        run_tunnels(b, b.state.deals[copy.id], depth + 1)
    return deal


def _new_deal_id(b: Backend, entity: EntityKind) -> str:
    lead = entity is EntityKind.LEAD
    index = b.indexes.get("lead" if lead else "deal")
    floor = (index.ids[-1] + 1) if len(index.ids) else 1
    number = b.state.new_id("lead" if lead else "deal", floor)
    return f"{LEAD_PREFIX}{number}" if lead else str(number)


def _fields(call: Call) -> dict[str, Any]:
    fields = call.p("fields")
    if not isinstance(fields, dict):
        raise legacy("Parameter 'fields' must be array.")
    return fields


def _contacts(fields: dict[str, Any]) -> tuple[str, ...]:
    many = pick(fields, "CONTACT_IDS")
    if isinstance(many, list):
        return tuple(str(c) for c in many)
    one = pick(fields, "CONTACT_ID")
    return (str(one),) if one not in (None, "", 0, "0") else ()


def deal_add(call: Call) -> Outcome:
    """crm.deal.add -> the new id (int)."""
    b = call.backend
    fields = _fields(call)
    category = str(as_int(pick(fields, "CATEGORY_ID"), 0))
    if category not in b.state.funnels:
        raise legacy("Category not found.")  # text unverified
    stage_id = str(pick(fields, "STAGE_ID", "") or "")
    if (category, stage_id) not in b.state.stages:
        # Unknown or foreign stage: the funnel's first stage (vendor default; unverified).
        first = _first_stage(b, category)
        stage_id = first.id if first else "NEW"
    amount = pick(fields, "OPPORTUNITY")
    deal = Deal(
        id=_new_deal_id(b, EntityKind.DEAL), funnel_id=category, stage_id=stage_id,
        created_at=b.now(), title=str(pick(fields, "TITLE", "") or ""),
        responsible_id=str(pick(fields, "ASSIGNED_BY_ID", call.user_id)), creator_id=call.user_id,
        contact_ids=_contacts(fields), company_id=_opt(pick(fields, "COMPANY_ID")),
        amount=float(amount) if amount not in (None, "") else None,
        currency=_opt(pick(fields, "CURRENCY_ID")), modified_at=b.now(),
        source=_opt(pick(fields, "SOURCE_ID")),
    )  # fmt: skip
    create(b, deal)
    return Outcome(int(deal.id))


def _opt(value: Any) -> str | None:
    return None if value in (None, "", 0, "0") else str(value)


def _plain_changes(deal: Deal, fields: dict[str, Any], camel: bool) -> Deal:
    names = {
        "title": "title" if camel else "TITLE",
        "responsible_id": "assignedById" if camel else "ASSIGNED_BY_ID",
        "amount": "opportunity" if camel else "OPPORTUNITY",
        "currency": "currencyId" if camel else "CURRENCY_ID",
    }
    changes: dict[str, Any] = {}
    for attr, key in names.items():
        value = pick(fields, key)
        if value is None:
            continue
        changes[attr] = float(value) if attr == "amount" else str(value)
    return dataclasses.replace(deal, **changes) if changes else deal


def deal_update(call: Call) -> Outcome:
    """crm.deal.update: stage moves within the current funnel only (§7.1)."""
    b = call.backend
    ident = as_int(call.p("id"))
    if ident is None or ident <= 0:
        raise legacy("ID is not defined or invalid.")
    deal = b.state.deals.get(str(ident))
    if deal is None:
        raise legacy("Not found")
    fields = _fields(call)
    updated = _plain_changes(deal, fields, camel=False)
    if updated is not deal:
        _store(b, dataclasses.replace(updated, modified_at=b.now()), new=False)
    stage_id = pick(fields, "STAGE_ID")
    if stage_id is not None and (updated.funnel_id, str(stage_id)) in b.state.stages:
        move(b, b.state.deals[deal.id], updated.funnel_id, str(stage_id))
    return Outcome(True)


def item_update(call: Call) -> Outcome:
    """crm.item.update: categoryId + stageId move a deal between funnels (§7.4)."""
    b = call.backend
    kind = as_int(call.p("entityTypeId"))
    if kind not in (1, 2):
        raise B24Error("NOT_FOUND", "Smart process not found", 400)
    ident = as_int(call.p("id"))
    key = f"{LEAD_PREFIX}{ident}" if kind == 1 else str(ident)
    deal = b.state.deals.get(key)
    if deal is None:
        raise B24Error("NOT_FOUND", "Element not found", 400)
    fields = call.p("fields")
    if not isinstance(fields, dict):
        raise B24Error("100", "Expected iterable value for fields.", 400)
    deal = _plain_changes(deal, fields, camel=True)
    _store(b, deal, new=False)
    target_funnel = (
        deal.funnel_id
        if kind == 1
        else str(as_int(pick(fields, "categoryId"), int(deal.funnel_id)))
    )
    if target_funnel not in b.state.funnels or (target_funnel == LEAD_FUNNEL_ID and kind == 2):
        raise B24Error("CRM_FIELD_ERROR_VALUE_NOT_VALID", "Invalid value of field categoryId", 400)
    stage_id = str(pick(fields, "stageId", deal.stage_id))
    if (target_funnel, stage_id) not in b.state.stages:
        if target_funnel == deal.funnel_id:
            raise B24Error("CRM_FIELD_ERROR_VALUE_NOT_VALID", "Invalid value of field stageId", 400)
        given = b.state.stages.get((deal.funnel_id, stage_id))
        current = b.state.stages.get((deal.funnel_id, deal.stage_id))
        known = given or current
        sem = known.semantics if known else None
        first = _first_stage(b, target_funnel, sem)
        stage_id = first.id if first else stage_id
    deal = move(b, deal, target_funnel, stage_id)
    table = "lead" if kind == 1 else "deal"
    item = render(b.schemas[table], b.state.deals[deal.id], None, camel=True, strings=False)
    if kind == 2:
        item.update(ITEM_EXTRAS)
    item["entityTypeId"] = kind
    return Outcome({"item": item})


HANDLERS = {
    "crm.deal.add": deal_add,
    "crm.deal.update": deal_update,
    "crm.item.update": item_update,
}
