"""Bitrix24 stage history, activities and tasks → model rows (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from funnelkit.connectors.bitrix24.mapping import (
    LEAD_FUNNEL_ID,
    LEAD_PREFIX,
    TASK_PREFIX,
    flag,
    get,
    text,
    ts,
)
from funnelkit.connectors.bitrix24.positions import PositionMap
from funnelkit.model import Activity, ActivityKind, StageTransition, TransitionKind

Row = Mapping[str, Any]

# §9.1: CRM activity TYPE_ID 1 meeting, 2 call, 3 task, 4 e-mail; providers refine TYPE_ID 6.
_TYPE_KIND = {
    "1": ActivityKind.MEETING,
    "2": ActivityKind.CALL,
    "3": ActivityKind.TASK,
    "4": ActivityKind.EMAIL,
}
_PROVIDER_KIND = {
    "CRM_TODO": ActivityKind.TASK,
    "VOXIMPLANT_CALL": ActivityKind.CALL,
    "CRM_EMAIL": ActivityKind.EMAIL,
    "CRM_MEETING": ActivityKind.MEETING,
    "IMOPENLINES_SESSION": ActivityKind.MESSAGE,
    "CRM_SMS": ActivityKind.MESSAGE,
}
# §9.3: UF_CRM_TASK bindings: D_ deal, L_ lead, C_ contact, CO_ company.
_OWNER_TYPES = {"2": "deal", "1": "lead", "3": "contact"}


def transitions(
    rows: Iterable[Row], *, lead: bool, last: PositionMap | None = None
) -> list[StageTransition]:
    """crm.stagehistory.list items (ascending ID) → transitions, chained per deal.

    History rows name only the stage entered (§8); the stage left is the deal's previous
    row. `last` carries each deal's last position across pages and incremental pulls.
    TYPE_ID: 1 created, 2 moved, 3 moved to a final stage, 5 funnel changed (§8); a change
    of CATEGORY_ID counts as a funnel change whatever the TYPE_ID says.
    """
    positions: PositionMap = {} if last is None else last
    out: list[StageTransition] = []
    for row in rows:
        owner = str(get(row, "OWNER_ID", "ownerId"))
        deal_id = LEAD_PREFIX + owner if lead else owner
        funnel = LEAD_FUNNEL_ID if lead else str(get(row, "CATEGORY_ID", "categoryId") or 0)
        stage = str(get(row, "STAGE_ID", "STATUS_ID", "stageId", "statusId"))
        type_id = str(get(row, "TYPE_ID", "typeId") or "2")
        before = positions.get(deal_id)
        kind = TransitionKind.MOVED
        if type_id == "1" and before is None:
            kind = TransitionKind.CREATED
        elif type_id == "5" or (before is not None and before[0] != funnel):
            kind = TransitionKind.FUNNEL_CHANGED
        row_id = str(get(row, "ID", "id"))
        out.append(
            StageTransition(
                # One id space for both histories, as in emulator/state.py (unverified whether
                # real portals number lead and deal history rows apart).
                id=row_id,
                deal_id=deal_id,
                funnel_id=funnel,
                to_stage_id=stage,
                at=ts(row, "CREATED_TIME", "createdTime") or 0,
                from_stage_id=before[1] if before else None,
                from_funnel_id=before[0] if before else None,
                kind=kind,
            )
        )
        positions[deal_id] = (funnel, stage)
    return out


def _owner(type_id: Any, owner: Any) -> tuple[str | None, str | None]:
    """(deal id, contact id) of an activity's owner."""
    kind = _OWNER_TYPES.get(str(type_id))
    if owner in (None, "", 0, "0") or kind is None:
        return None, None
    if kind == "deal":
        return str(owner), None
    if kind == "lead":
        return LEAD_PREFIX + str(owner), None
    return None, str(owner)


def activity(row: Row) -> Activity:
    """crm.activity.list item → an activity."""
    provider = str(row.get("PROVIDER_ID") or "").upper()
    kind = _PROVIDER_KIND.get(provider) or _TYPE_KIND.get(
        str(row.get("TYPE_ID")), ActivityKind.NOTE
    )
    deal_id, contact_id = _owner(row.get("OWNER_TYPE_ID"), row.get("OWNER_ID"))
    done = flag(row.get("COMPLETED") or "N")
    return Activity(
        id=str(row["ID"]),
        kind=kind,
        created_at=ts(row, "CREATED") or 0,
        deal_id=deal_id,
        contact_id=contact_id,
        responsible_id=text(row, "RESPONSIBLE_ID"),
        deadline=ts(row, "DEADLINE"),
        done=done,
        completed_at=ts(row, "LAST_UPDATED") if done else None,  # no completion time in §9.1
        subject=str(row.get("SUBJECT") or ""),
    )


def _binding(values: Any) -> tuple[str | None, str | None]:
    """(deal id, contact id) from a task's UF_CRM_TASK list (§9.3); the first deal wins."""
    items = values if isinstance(values, list) else [values] if values else []
    deal_id: str | None = None
    contact_id: str | None = None
    for item in (str(v) for v in items):
        prefix, _, number = item.partition("_")
        if prefix == "D" and deal_id is None:
            deal_id = number
        elif prefix == "L" and deal_id is None:
            deal_id = LEAD_PREFIX + number
        elif prefix == "C" and contact_id is None:
            contact_id = number
    return deal_id, contact_id


def task(row: Row) -> Activity:
    """tasks.task.list item (camelCase keys, string values) → a task, id "T<n>"."""
    status = str(get(row, "status", "STATUS", "realStatus", "REAL_STATUS") or "")
    done = status == "5"  # §9.3: REAL_STATUS 5 = completed
    deal_id, contact_id = _binding(get(row, "ufCrmTask", "UF_CRM_TASK"))
    return Activity(
        id=TASK_PREFIX + str(get(row, "id", "ID")),
        kind=ActivityKind.TASK,
        created_at=ts(row, "createdDate", "CREATED_DATE") or 0,
        deal_id=deal_id,
        contact_id=contact_id,
        responsible_id=text(row, "responsibleId", "RESPONSIBLE_ID"),
        deadline=ts(row, "deadline", "DEADLINE"),
        done=done,
        completed_at=ts(row, "closedDate", "CLOSED_DATE") if done else None,
        subject=str(get(row, "title", "TITLE") or ""),
    )


def rechain(rows: Iterable[StageTransition], last: PositionMap) -> list[StageTransition]:
    """Join one id range's transitions (mapped on their own) to the ranges before it.

    A row with no stage left is its deal's first in the range; if an earlier range (or an
    earlier pull) saw the deal, that position is the stage left, and the kind follows the
    same rules as `transitions`: a known position is never CREATED.
    """
    out: list[StageTransition] = []
    for row in rows:
        before = last.get(row.deal_id) if row.from_stage_id is None else None
        if before is not None:
            kind = row.kind
            if kind is not TransitionKind.FUNNEL_CHANGED:
                moved = before[0] != row.funnel_id
                kind = TransitionKind.FUNNEL_CHANGED if moved else TransitionKind.MOVED
            row = replace(row, from_stage_id=before[1], from_funnel_id=before[0], kind=kind)
        out.append(row)
        last[row.deal_id] = (row.funnel_id, row.to_stage_id)
    return out
