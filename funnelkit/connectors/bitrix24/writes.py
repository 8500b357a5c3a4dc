"""Funnel and stage writes for apply: crm.category.*, crm.status.*, crm.item.update (§6, §7.4).

Reads that find vendor row ids always finish before the writes that use them; writes are
never put in one batch with reads of the same objects.
"""

from __future__ import annotations

import re
from typing import Any

from funnelkit.connectors.bitrix24 import mapping, specs
from funnelkit.connectors.bitrix24.client import MAX_BATCH, Bitrix24Client, command
from funnelkit.connectors.bitrix24.paging import Cursor, ListSpec, step
from funnelkit.errors import ConnectorError, VendorApiError
from funnelkit.model import (
    BaseChange,
    Change,
    ChangeResult,
    CreateFunnel,
    CreateStage,
    DeleteFunnel,
    DeleteStage,
    FunnelKind,
    MoveDeals,
    RenameFunnel,
    RenameStage,
    ReorderStages,
    Semantics,
    StageChange,
    UpdateStage,
    spa_funnel_id,
)

# §6.3: SEMANTICS is written as "" (process), "S" or "F".
STATUS_ID_MAX = 21  # §6.3/§14, A.23: C10:PREPAYMENT_INVOIC shows 21 characters in all
SPA_STATUS_ID_MAX = 50  # §6.3 crm.status.add: directories other than deals/leads/quotes
_SEMANTICS_CODE = {Semantics.PROCESS: "", Semantics.SUCCESS: "S", Semantics.FAILURE: "F"}


def _refuse(change: BaseChange, why: str, hint: str) -> ConnectorError:
    stages = StageChange | CreateStage | ReorderStages
    method = "crm.status" if isinstance(change, stages) else "crm.category"
    return VendorApiError(f"bitrix24 {method}: {why}", hint, method=method)


def _fid(change: BaseChange) -> str:
    if change.funnel_id is None:
        raise _refuse(
            change,
            f"{type(change).__name__} for «{change.funnel_key}» has no funnel id",
            "Re-run apply: the funnel must be created first",
        )
    return change.funnel_id


_SPA_FUNNEL = re.compile(r"^DT(\d+)_(\d+)$")


def category_of(funnel_id: str) -> tuple[int, int]:
    """(entityTypeId, category id) of a funnel: 2 and the id for deals, the smart process
    and its category for `DT{type}_{category}` (§6.1, §12)."""
    match = _SPA_FUNNEL.match(funnel_id)
    if match is not None:
        return int(match[1]), int(match[2])
    return 2, int(funnel_id)


def count_items(client: Bitrix24Client, funnel_id: str, stage_id: str | None = None) -> int:
    """How many deals, leads or smart-process items sit in a funnel or stage: one counted
    read (§3)."""
    if funnel_id == mapping.LEAD_FUNNEL_ID:
        flt: dict[str, Any] = {"STATUS_ID": stage_id} if stage_id else {}
        answer = client.call("crm.lead.list", {"filter": flt, "select": ["ID"], "start": 0})
    else:
        kind, category = category_of(funnel_id)
        flt = {"categoryId": category}
        if stage_id:
            flt["stageId"] = stage_id
        answer = client.call(
            "crm.item.list", {"entityTypeId": kind, "filter": flt, "select": ["id"], "start": 0}
        )
    return int(answer.get("total") or 0)


def _status_rows(client: Bitrix24Client, funnel_id: str) -> list[dict[str, Any]]:
    answer = client.call(
        "crm.status.list", {"filter": {"ENTITY_ID": mapping.entity_of_funnel(funnel_id)}}
    )
    result = answer.get("result")
    return [r for r in result if isinstance(r, dict)] if isinstance(result, list) else []


def _status_row(client: Bitrix24Client, change: StageChange) -> dict[str, Any]:
    """The crm.status row behind a stage: its numeric ID is what update/delete take (§6.3)."""
    for row in _status_rows(client, _fid(change)):
        if str(row.get("STATUS_ID")) == change.stage_id:
            return row
    raise _refuse(
        change,
        f"stage {change.stage_id} is not in funnel {change.funnel_id}",
        "The portal changed since the plan; plan again",
    )


def _create_funnel(client: Bitrix24Client, change: CreateFunnel) -> ChangeResult:
    fields = {"name": change.name, "sort": str(change.sort)}
    kind = change.entity_type_id if change.funnel_kind is FunnelKind.SPA else 2
    if kind is None:
        raise _refuse(change, f"«{change.name}» names no smart process", "Plan again")
    # §12: a smart process's funnels are its categories, added under its entityTypeId.
    answer = client.call("crm.category.add", {"entityTypeId": kind, "fields": fields})
    category = (answer.get("result") or {}).get("category") or {}
    new_id = str(category.get("id"))
    if kind != 2:
        new_id = spa_funnel_id(kind, new_id)
    # §6.1/A.23: the new category comes with default stages; report their ids by code.
    created = {
        mapping_code(r["STATUS_ID"]): str(r["STATUS_ID"])
        for r in _status_rows(client, new_id)
        if r.get("STATUS_ID")
    }
    return ChangeResult(vendor_id=new_id, created_ids=created)


def mapping_code(status_id: str) -> str:
    """`C7:NEW` → `NEW` (§6.3 prefixes)."""
    return status_id.split(":", 1)[1] if ":" in status_id else status_id


def _rename_funnel(client: Bitrix24Client, change: RenameFunnel) -> ChangeResult:
    fid = _fid(change)
    if fid == mapping.LEAD_FUNNEL_ID:
        raise _refuse(
            change, "the lead funnel has no name or sort over REST", "Rename lead statuses instead"
        )
    fields: dict[str, Any] = {"name": change.name}
    kind, category = category_of(fid)
    client.call("crm.category.update", {"entityTypeId": kind, "id": category, "fields": fields})
    return ChangeResult(vendor_id=fid)


def _delete_funnel(client: Bitrix24Client, change: DeleteFunnel) -> ChangeResult:
    fid = _fid(change)
    if fid in ("0", mapping.LEAD_FUNNEL_ID):
        # §6.1: "Default deal category cannot be deleted"; leads are not a category.
        raise _refuse(change, f"funnel {fid} cannot be deleted", "Leave the default funnel")
    kind, category = category_of(fid)
    client.call("crm.category.delete", {"entityTypeId": kind, "id": category})
    return ChangeResult(vendor_id=fid)


def _code_of_key(change: CreateStage, funnel_id: str) -> str:
    """A Latin STATUS_ID code from a blueprint key when the plan gave none (§6.3 charset)."""
    room = STATUS_ID_MAX - (0 if funnel_id in ("0", mapping.LEAD_FUNNEL_ID) else len(funnel_id) + 2)
    if _SPA_FUNNEL.match(funnel_id):  # §6.3: other directories ≤50, `DT{type}_{cat}:` prefix
        room = SPA_STATUS_ID_MAX - len(funnel_id) - 1
    code = re.sub(r"[^A-Z0-9_]", "_", change.stage_key.upper())[:room]
    return code or "STAGE"


def _create_stage(client: Bitrix24Client, change: CreateStage) -> ChangeResult:
    fid = _fid(change)
    code = change.code or _code_of_key(change, fid)
    fields: dict[str, Any] = {
        "ENTITY_ID": mapping.entity_of_funnel(fid),
        "STATUS_ID": mapping_code(code),  # §6.3: the C{n}: prefix is added by the portal
        "NAME": change.name,
        "SORT": change.sort,
        "SEMANTICS": _SEMANTICS_CODE[change.semantics],
    }
    if change.color:
        fields["COLOR"] = change.color
    answer = client.call("crm.status.add", {"fields": fields})
    row_id = answer.get("result")
    # §6.3: never assemble STATUS_ID strings; read back what the portal stored.
    got = client.call("crm.status.get", {"id": row_id}).get("result") or {}
    return ChangeResult(
        vendor_id=str(got.get("STATUS_ID") or fields["STATUS_ID"]),
        created_ids={"row_id": str(row_id)},
    )


def _update_stage(client: Bitrix24Client, change: RenameStage | UpdateStage) -> ChangeResult:
    """NAME or COLOR of one status; its SEMANTICS never changes here (§6.3)."""
    row = _status_row(client, change)
    if isinstance(change, RenameStage):
        fields: dict[str, Any] = {"NAME": change.name}
    else:
        fields = {"COLOR": change.color}
    client.call("crm.status.update", {"id": int(row["ID"]), "fields": fields})
    return ChangeResult(vendor_id=change.stage_id)


def _delete_stage(client: Bitrix24Client, change: DeleteStage) -> ChangeResult:
    row = _status_row(client, change)
    if mapping.flag(row.get("SYSTEM") or "N"):
        # §6.3: system stages need FORCED=Y, which funnelkit never sends.
        raise _refuse(
            change,
            f"{change.stage_id} is a system stage and cannot be deleted",
            "Rename it instead",
        )
    client.call("crm.status.delete", {"id": int(row["ID"])})
    return ChangeResult(vendor_id=change.stage_id)


def _reorder(client: Bitrix24Client, change: ReorderStages) -> ChangeResult:
    order = [str(s) for s in change.order if s is not None]
    rows = {str(r.get("STATUS_ID")): r for r in _status_rows(client, _fid(change))}
    updates = {
        f"s{i}": command(
            "crm.status.update", {"id": rows[sid]["ID"], "fields": {"SORT": (i + 1) * 10}}
        )
        for i, sid in enumerate(order)
        if sid in rows and int(rows[sid].get("SORT") or 0) != (i + 1) * 10
    }
    names = list(updates)
    for start in range(0, len(names), MAX_BATCH):
        batch = client.batch({n: updates[n] for n in names[start : start + MAX_BATCH]}, halt=True)
        for name in names[start : start + MAX_BATCH]:
            if name in batch.errors:
                client.raise_for(batch, name, "crm.status.update")
    return ChangeResult(vendor_id=change.funnel_id, note=f"{len(updates)} stage(s) re-sorted")


def _move_deals(client: Bitrix24Client, change: MoveDeals) -> ChangeResult:
    fid = _fid(change)
    target_funnel = change.target_funnel_id or fid
    if not change.target_stage_id:
        raise _refuse(change, "a move needs a target stage", "Name the target stage in the plan")
    if mapping.LEAD_FUNNEL_ID in (fid, target_funnel) and fid != target_funnel:
        raise _refuse(
            change,
            "leads and deals cannot be moved into each other",
            "Convert leads in Bitrix24 instead",
        )
    lead = fid == mapping.LEAD_FUNNEL_ID
    kind = 1 if lead else category_of(fid)[0]
    if not lead and category_of(target_funnel)[0] != kind:
        # §7.4, §12: crm.item.update moves a record between categories of its own type only.
        raise _refuse(
            change,
            "records cannot be moved into a funnel of another entity type",
            "Move them within their own smart process (or deal funnels)",
        )
    spec = specs.LEAD_IDS if lead else _item_ids(kind)
    key = "STATUS_ID" if lead else "stageId"
    extra: dict[str, Any] = {key: change.stage_id} if change.stage_id else {}
    if not lead:
        extra["categoryId"] = category_of(fid)[1]
    ids: list[str] = []
    cursor = Cursor(spec, extra=extra)
    while not cursor.done:  # read every id first: writes never share a batch with these reads
        step(client, cursor, lambda rows: ids.extend(str(spec.id_of(r)) for r in rows))
    for start in range(0, len(ids), MAX_BATCH):
        chunk = ids[start : start + MAX_BATCH]
        batch = client.batch(
            {
                f"m{i}": _move_cmd(kind, deal, target_funnel, change.target_stage_id)
                for i, deal in enumerate(chunk)
            }
        )
        for name in batch.errors:
            client.raise_for(batch, name, "crm.item.update")
    return ChangeResult(vendor_id=change.target_stage_id, moved=len(ids))


def _item_ids(kind: int) -> ListSpec:
    """Ids of a deal or smart-process type's items, paged by keyset (§7.3)."""
    if kind == 2:
        return specs.DEAL_IDS
    base = {"entityTypeId": kind, "select": ["id"]}
    return ListSpec(f"item_ids_{kind}", "crm.item.list", "id", "id", "items", base)


def _move_cmd(kind: int, item_id: str, funnel: str, stage: str) -> str:
    if kind == 1:
        return command("crm.lead.update", {"id": item_id, "fields": {"STATUS_ID": stage}})
    # §7.4: only crm.item.update moves a deal across funnels (crm.deal.update ignores it);
    # smart-process items move the same way under their own entityTypeId (§12 names crm.item.*
    # for them; that categoryId moves one between its process's funnels is unverified).
    fields = {"categoryId": category_of(funnel)[1], "stageId": stage}
    return command("crm.item.update", {"entityTypeId": kind, "id": item_id, "fields": fields})


def apply_change(client: Bitrix24Client, change: Change) -> ChangeResult:
    """Carry out one change; refusals are ConnectorErrors naming the method."""
    match change:
        case CreateFunnel():
            return _create_funnel(client, change)
        case RenameFunnel():
            return _rename_funnel(client, change)
        case DeleteFunnel():
            return _delete_funnel(client, change)
        case CreateStage():
            return _create_stage(client, change)
        case RenameStage() | UpdateStage():
            return _update_stage(client, change)
        case DeleteStage():
            return _delete_stage(client, change)
        case ReorderStages():
            return _reorder(client, change)
        case MoveDeals():
            return _move_deals(client, change)
    # §13: Bitrix24 has no loss-reason entity to write; a merge arrives as its two steps.
    raise _refuse(
        change,
        f"{type(change).__name__} is not possible on Bitrix24",
        "Loss reasons are failure stages on Bitrix24; plan them as stages",
    )
