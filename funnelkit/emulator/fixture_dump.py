"""A portal written back as fixture data: the inverse of `fixture.build_state`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from funnelkit.emulator.state import PortalState
from funnelkit.model import (
    Activity,
    Company,
    Contact,
    DeadlineChange,
    Deal,
    StageTransition,
    TunnelMode,
)
from funnelkit.model.timeutil import iso


def _drop_empty(item: dict[str, Any]) -> dict[str, Any]:
    """Leave out keys at their default, so a dumped fixture reads like a hand-written one."""
    return {k: v for k, v in item.items() if v not in (None, [], {}, "", False)}


def dump_fixture(state: PortalState) -> dict[str, Any]:
    """Fixture data (times as ISO-8601) that `state_from_fixture` turns back into `state`."""
    moves: dict[str, list[StageTransition]] = defaultdict(list)
    for row in state.transitions:
        moves[row.deal_id].append(row)
    changes = defaultdict(list)
    for change in state.responsible_changes:
        changes[change.deal_id].append(change)
    postponed: dict[str, list[DeadlineChange]] = defaultdict(list)
    for dl in state.deadline_changes:
        postponed[dl.task_id].append(dl)
    acts: dict[str | None, list[Activity]] = defaultdict(list)
    for activity in state.activities:
        acts[activity.deal_id].append(activity)
    return {
        "vendor": state.vendor.value,
        "domain": state.domain,
        "currency": state.currency,
        "now": iso(state.now),
        "users": [
            _drop_empty(u.model_dump(mode="json")) | {"active": u.active}
            for u in state.users.values()
        ],
        "funnels": [_funnel(state, f.id) for f in state.funnels.values()],
        "loss_reasons": [r.model_dump(mode="json") for r in state.loss_reasons.values()],
        "custom_fields": [
            _drop_empty(c.model_dump(mode="json", exclude={"extras"})) for c in state.custom_fields
        ],
        "tunnels": [
            {
                "from": {"funnel": t.from_funnel_id, "stage": t.from_stage_id or None},
                "to": _drop_empty({"funnel": t.to_funnel_id, "stage": t.to_stage_id}),
                "mode": TunnelMode(t.mode).value,
            }
            for t in state.tunnels
        ],
        "contacts": [_contact(c) for c in state.contacts.values()],
        "companies": [_company(c) for c in state.companies.values()],
        "deals": [
            _deal(d, moves[d.id], changes[d.id], acts[d.id], postponed)
            for d in state.deals.values()
        ],
        "activities": [_activity(a, postponed) for a in acts[None]],
    }


def _contact(c: Contact) -> dict[str, Any]:
    return _drop_empty(
        {
            "id": c.id,
            "name": c.name,
            "company": c.company_id,
            "responsible": c.responsible_id,
            "created_at": iso(c.created_at),
            "last_activity_at": iso(c.last_activity_at),
        }
    )


def _company(c: Company) -> dict[str, Any]:
    return _drop_empty(
        {
            "id": c.id,
            "name": c.name,
            "responsible": c.responsible_id,
            "created_at": iso(c.created_at),
        }
    )


def _funnel(state: PortalState, funnel_id: str) -> dict[str, Any]:
    f = state.funnels[funnel_id]
    out = _drop_empty(
        {
            "id": f.id,
            "name": f.name,
            "kind": f.kind.value,
            "sort": f.sort,
            "is_default": f.is_default,
            "role": f.role.value if f.role else None,
        }
    )
    out["sort"] = f.sort
    out["stages"] = [
        _drop_empty(
            {
                "id": s.id,
                "name": s.name,
                "semantics": s.semantics.value,
                "sort": s.sort,
                "color": s.color,
                "system": s.system,
                "extras": dict(s.extras),
            }
        )
        for s in state.stages_of(funnel_id)
    ]
    return out


def _deal(
    d: Deal,
    moves: list[StageTransition],
    changes: list[Any],
    acts: list[Activity],
    postponed: dict[str, list[DeadlineChange]],
) -> dict[str, Any]:
    history = []
    funnel = moves[0].funnel_id if moves else d.funnel_id
    current = funnel
    for move in moves:
        entry: dict[str, Any] = {"stage": move.to_stage_id, "at": iso(move.at)}
        if move.funnel_id != current:
            entry["funnel"] = move.funnel_id
            current = move.funnel_id
        if move.by is not None:
            entry["by"] = move.by
        history.append(entry)
    last_at = moves[-1].at if moves else None
    out = {
        "id": d.id,
        "funnel": funnel,
        "entity": d.entity.value,
        "title": d.title,
        "responsible": d.responsible_id,
        "creator": d.creator_id,
        "contacts": list(d.contact_ids),
        "company": d.company_id,
        "amount": d.amount,
        "currency": d.currency,
        "closed_at": iso(d.closed_at) if d.closed_at != last_at else None,
        "modified_at": iso(d.modified_at) if d.modified_at != last_at else None,
        "last_activity_at": iso(d.last_activity_at),
        "loss_reason": d.loss_reason_id,
        "source": d.source,
        "tags": list(d.tags),
        "products": list(d.products),
        "history": history,
        "responsible_changes": [
            _drop_empty({"at": iso(c.at), "from": c.from_user_id, "by": c.by})
            | {"to": c.to_user_id}
            for c in changes
        ],
        "activities": [_activity(a, postponed) for a in acts],
    }
    return _drop_empty(out) | {"entity": d.entity.value}


def _activity(a: Activity, postponed: dict[str, list[DeadlineChange]]) -> dict[str, Any]:
    out = {
        "id": a.id,
        "kind": a.kind.value,
        "created_at": iso(a.created_at),
        "contact": a.contact_id,
        "responsible": a.responsible_id,
        "deadline": iso(a.deadline),
        "done": a.done,
        "completed_at": iso(a.completed_at),
        "subject": a.subject,
        "deadline_changes": [
            _drop_empty({"at": iso(c.at), "old": iso(c.old_deadline), "by": c.by})
            | {"new": iso(c.new_deadline)}
            for c in postponed.get(a.id, [])
        ],
    }
    return _drop_empty(out)
