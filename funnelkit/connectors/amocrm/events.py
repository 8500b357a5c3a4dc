"""Pure translation of amoCRM events and tasks into history and activity rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from funnelkit.connectors.amocrm.mapping import Json, sid
from funnelkit.model import (
    Activity,
    ActivityKind,
    Contact,
    DeadlineChange,
    Deal,
    ResponsibleChange,
    StageTransition,
    TransitionKind,
    Tunnel,
    TunnelMode,
    TunnelSource,
)

# Task ids share a number space with other rows in the model; state.py prefixes them.
TASK_PREFIX = "T"
MEETING_TASK = 2

STATUS_CHANGED = "lead_status_changed"
RESPONSIBLE_CHANGED = "entity_responsible_changed"
DEADLINE_CHANGED = "task_deadline_changed"

# amocrm.md §7: interaction events on leads/contacts, folded into the model's kinds.
INTERACTION_KINDS: dict[str, ActivityKind] = {
    "incoming_call": ActivityKind.CALL,
    "outgoing_call": ActivityKind.CALL,
    "incoming_chat_message": ActivityKind.MESSAGE,
    "outgoing_chat_message": ActivityKind.MESSAGE,
    "incoming_sms": ActivityKind.MESSAGE,
    "outgoing_sms": ActivityKind.MESSAGE,
    "common_note_added": ActivityKind.NOTE,
    # unverified: §7 names no e-mail or meeting event; these are the emulator's choice.
    "amomail_message_note_added": ActivityKind.EMAIL,
    "meeting_note_added": ActivityKind.MEETING,
}

# The event types one pull asks for, split by the entity they are filed under. Not
# `lead_added`: it says nothing the lead row does not (see `created`), and reading it
# costs a request per 100 leads.
LEAD_EVENT_TYPES: tuple[str, ...] = (STATUS_CHANGED, RESPONSIBLE_CHANGED)
CREATED_PREFIX = "created-"  # a lead's first history row, made from the lead
TASK_EVENT_TYPES: tuple[str, ...] = (DEADLINE_CHANGED,)
INTERACTION_TYPES: tuple[str, ...] = tuple(INTERACTION_KINDS)


def _value(values: Any, key: str) -> Mapping[str, Any]:
    """The `key` object of a value_before/value_after list (§7: one change per event)."""
    for item in values or []:
        if isinstance(item, Mapping) and isinstance(item.get(key), Mapping):
            found: Mapping[str, Any] = item[key]
            return found
    return {}


def transition(event: Json) -> StageTransition | None:
    """A `lead_status_changed` event; a move across pipelines is one event (§7)."""
    after = _value(event.get("value_after"), "lead_status")
    if not after:
        return None
    before = _value(event.get("value_before"), "lead_status")
    to_funnel = str(after.get("pipeline_id"))
    from_stage = sid(before.get("id"))
    from_funnel = sid(before.get("pipeline_id")) if before else None
    if from_stage is None:
        kind = TransitionKind.CREATED
    elif from_funnel is not None and from_funnel != to_funnel:
        kind = TransitionKind.FUNNEL_CHANGED
    else:
        kind = TransitionKind.MOVED
    return StageTransition(
        id=str(event["id"]),
        deal_id=str(event["entity_id"]),
        funnel_id=to_funnel,
        to_stage_id=str(after["id"]),
        at=int(event["created_at"]),
        from_stage_id=from_stage,
        from_funnel_id=from_funnel,
        by=sid(event.get("created_by")),
        kind=kind,
    )


def created(deal: Deal, first_move: StageTransition | None) -> StageTransition:
    """A lead's first history row, made from the lead row itself.

    §7: a `lead_added` event carries the lead, its time and author, and no status; the
    lead row has `created_at` and `created_by` too. The stage it entered is the one its
    first status change left (`value_before`) or, if it never moved, its current one.
    """
    if first_move is not None and first_move.from_stage_id is not None:
        funnel, stage = first_move.from_funnel_id or first_move.funnel_id, first_move.from_stage_id
    else:
        funnel, stage = deal.funnel_id, deal.stage_id
    return StageTransition(
        id=f"{CREATED_PREFIX}{deal.id}",
        deal_id=deal.id,
        funnel_id=funnel,
        to_stage_id=stage,
        at=deal.created_at,
        by=deal.creator_id,
        kind=TransitionKind.CREATED,
    )


def responsible_change(event: Json) -> ResponsibleChange:
    """An `entity_responsible_changed` event on a lead (§7)."""
    return ResponsibleChange(
        id=str(event["id"]),
        deal_id=str(event["entity_id"]),
        at=int(event["created_at"]),
        from_user_id=sid(_value(event.get("value_before"), "responsible_user").get("id")),
        to_user_id=sid(_value(event.get("value_after"), "responsible_user").get("id")),
        by=sid(event.get("created_by")),
    )


def deadline_change(event: Json) -> DeadlineChange:
    """A `task_deadline_changed` event: {task_deadline: {timestamp}} (§7)."""
    before = _value(event.get("value_before"), "task_deadline").get("timestamp")
    after = _value(event.get("value_after"), "task_deadline").get("timestamp")
    return DeadlineChange(
        id=str(event["id"]),
        task_id=f"{TASK_PREFIX}{event['entity_id']}",
        at=int(event["created_at"]),
        old_deadline=None if before is None else int(before),
        new_deadline=None if after is None else int(after),
        by=sid(event.get("created_by")),
    )


def interaction(event: Json) -> Activity | None:
    """A call, message, e-mail or note event, attached to its lead or contact."""
    kind = INTERACTION_KINDS.get(str(event.get("type")))
    if kind is None:
        return None
    entity = str(event.get("entity_type"))
    entity_id = str(event["entity_id"])
    at = int(event["created_at"])
    return Activity(
        id=str(event["id"]),
        kind=kind,
        created_at=at,
        deal_id=entity_id if entity == "lead" else None,
        contact_id=entity_id if entity == "contact" else None,
        responsible_id=sid(event.get("created_by")),
        done=True,
        completed_at=at,
    )


def task(item: Json) -> Activity:
    """A task; `entity_type` is plural here (§8) and `result` is [] or {"text": …}.

    The API has no completion time: a completed task's `updated_at` stands in for it.
    """
    entity = item.get("entity_type")
    entity_id = sid(item.get("entity_id"))
    done = bool(item.get("is_completed", False))
    # §8: the predefined task types are 1 (call / follow-up) and 2 (meeting).
    kind = ActivityKind.MEETING if item.get("task_type_id") == MEETING_TASK else ActivityKind.TASK
    return Activity(
        id=f"{TASK_PREFIX}{item['id']}",
        kind=kind,
        created_at=int(item["created_at"]),
        deal_id=entity_id if entity == "leads" else None,
        contact_id=entity_id if entity == "contacts" else None,
        responsible_id=sid(item.get("responsible_user_id")),
        deadline=int(item["complete_till"]) if item.get("complete_till") else None,
        done=done,
        completed_at=_opt_int(item.get("updated_at")) if done else None,
        subject=str(item.get("text") or ""),
    )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def with_last_activity(
    deals: Mapping[str, Deal], contacts: Mapping[str, Contact], interactions: Iterable[Activity]
) -> tuple[dict[str, Deal], dict[str, Contact]]:
    """Deals and contacts with the time of their latest call, message, e-mail or note.

    amoCRM stores no such field; it is derived from the interaction events read. A contact
    counts its own interactions and those on the deals it is linked to.
    """
    by_deal: dict[str, int] = {}
    by_contact: dict[str, int] = {}
    for act in interactions:
        if act.deal_id is not None and act.created_at > by_deal.get(act.deal_id, -1):
            by_deal[act.deal_id] = act.created_at
        if act.contact_id is not None and act.created_at > by_contact.get(act.contact_id, -1):
            by_contact[act.contact_id] = act.created_at
    new_deals: dict[str, Deal] = {}
    for key, deal in deals.items():
        at = by_deal.get(deal.id)
        new_deals[key] = deal if deal.last_activity_at == at else replace(deal, last_activity_at=at)
        if at is None:
            continue
        for contact_id in deal.contact_ids:
            if at > by_contact.get(contact_id, -1):
                by_contact[contact_id] = at
    new_contacts = {
        key: c
        if c.last_activity_at == by_contact.get(c.id)
        else replace(c, last_activity_at=by_contact.get(c.id))
        for key, c in contacts.items()
    }
    return new_deals, new_contacts


def task_number(task_id: str) -> int:
    """The vendor's numeric id of a model task id ("T12" → 12)."""
    return int(task_id.removeprefix(TASK_PREFIX))


def observed_tunnels(rows: Iterable[StageTransition]) -> list[Tunnel]:
    """Cross-pipeline moves seen in history, as tunnels the data shows were used.

    Digital Pipeline actions cannot be listed over the API (amocrm.md §12.2), so this is
    evidence of a link, not the automation itself; `extras["moves"]` counts the moves.
    """
    seen: Counter[tuple[str, str, str, str]] = Counter()
    for row in rows:
        if row.from_funnel_id and row.from_stage_id and row.from_funnel_id != row.funnel_id:
            seen[(row.from_funnel_id, row.from_stage_id, row.funnel_id, row.to_stage_id)] += 1
    return [
        Tunnel(
            from_funnel_id=key[0],
            from_stage_id=key[1],
            to_funnel_id=key[2],
            to_stage_id=key[3],
            mode=TunnelMode.MOVE,
            source=TunnelSource.OBSERVED,
            extras={"moves": str(count)},
        )
        for key, count in sorted(seen.items())
    ]
