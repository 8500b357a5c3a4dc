"""Smart processes (SPA): crm.type.list and crm.item.list over their items (bitrix24.md §12).

Types answer as A.40 prints them; items as the crm.item.get example of the smart-process docs
prints them (dev.1c-bitrix.ru rest_help/crm/dynamic/methodscrmitem/crm_item_get.php: `xmlId`,
`movedTime`, `previousStageId`, `mycompanyId`, no `closed`, no `stageSemanticId`) plus the
`entityTypeId` crm.item.list adds. Their funnels and stages are served by categories.py and
statuses.py; stage history is refused for them as crm.stagehistory.list refuses (§17.x).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from funnelkit.emulator.bitrix24 import records, writes
from funnelkit.emulator.bitrix24.backend import Call, Outcome, spa_parts
from funnelkit.emulator.bitrix24.envelope import B24Error
from funnelkit.emulator.bitrix24.fields import DATE, FLOAT, INT, STR, YN, Field, Schema, render
from funnelkit.emulator.bitrix24.fields import num_id as _n
from funnelkit.emulator.bitrix24.index import item_table
from funnelkit.emulator.bitrix24.params import as_int, pick
from funnelkit.emulator.state import PortalState
from funnelkit.model import Semantics, SmartProcess, spa_funnel_id, spa_item_id, spa_item_number

PAGE = 50


def _c(value: Any) -> Any:
    return lambda _r: value


def _category(funnel_id: str) -> int:
    parts = spa_parts(funnel_id)
    return 0 if parts is None else parts[1]


def item_schema(state: PortalState) -> Schema:
    """A smart-process item's fields, UPPER and camelCase (`crm.item.fields` upperName)."""

    def f(upper: str, camel: str, kind: str, get: Any) -> Field:
        return Field(upper, camel, kind, get)

    return Schema(
        [
            f("ID", "id", INT, lambda d: spa_item_number(d.id)),
            f("XML_ID", "xmlId", STR, _c("")),
            f("TITLE", "title", STR, lambda d: d.title),
            f("CREATED_BY", "createdBy", INT, lambda d: _n(d.creator_id or d.responsible_id)),
            f("UPDATED_BY", "updatedBy", INT, lambda d: _n(d.responsible_id)),
            # The model keeps no mover: the last modification stands in (unverified).
            f("MOVED_BY", "movedBy", INT, lambda d: _n(d.responsible_id)),
            f("CREATED_TIME", "createdTime", DATE, lambda d: d.created_at),
            f("UPDATED_TIME", "updatedTime", DATE, lambda d: d.modified_at or d.created_at),
            f("MOVED_TIME", "movedTime", DATE, lambda d: d.modified_at or d.created_at),
            f("CATEGORY_ID", "categoryId", INT, lambda d: _category(d.funnel_id)),
            f("OPENED", "opened", YN, _c(True)),
            f("STAGE_ID", "stageId", STR, lambda d: d.stage_id),
            f("PREVIOUS_STAGE_ID", "previousStageId", STR, _c("")),
            f("BEGINDATE", "begindate", DATE, lambda d: d.created_at),
            f("CLOSEDATE", "closedate", DATE, lambda d: d.closed_at),
            f("COMPANY_ID", "companyId", INT, lambda d: _n(d.company_id) or 0),
            f(
                "CONTACT_ID",
                "contactId",
                INT,
                lambda d: _n(d.contact_ids[0]) if d.contact_ids else 0,
            ),
            f("OPPORTUNITY", "opportunity", FLOAT, lambda d: d.amount or 0.0),
            f("IS_MANUAL_OPPORTUNITY", "isManualOpportunity", YN, _c(False)),
            f("TAX_VALUE", "taxValue", FLOAT, _c(0.0)),
            f("CURRENCY_ID", "currencyId", STR, lambda d: d.currency or state.currency),
            f("MYCOMPANY_ID", "mycompanyId", INT, _c(0)),
            f("SOURCE_ID", "sourceId", STR, lambda d: d.source),
            f("SOURCE_DESCRIPTION", "sourceDescription", STR, _c("")),
            f("ASSIGNED_BY_ID", "assignedById", INT, lambda d: _n(d.responsible_id)),
            # Listed for every crm.item type in §7.3; for smart processes unverified.
            f("LAST_ACTIVITY_TIME", "lastActivityTime", DATE, lambda d: d.last_activity_at),
        ]
    )


def item_list(call: Call) -> Outcome:
    """crm.item.list: a smart process's items, else the deal/lead/contact/company lists."""
    kind = as_int(call.p("entityTypeId"))
    if kind is None or kind not in call.backend.state.smart_processes:
        return records.item_list(call)
    table = item_table(kind)
    b = call.backend
    if table not in b.schemas:
        b.schemas[table] = item_schema(b.state)
    rows, meta = records.list_rows(call, table, strict=True)
    schema = b.schemas[table]
    raw = call.p("select")
    names = None if not isinstance(raw, list) or not raw or "*" in raw else [str(n) for n in raw]
    if names is not None and not any(n.lower() == "id" for n in names):
        names = ["id", *names]  # the id always comes back (unverified, as for deals)
    items = []
    for row in rows:
        item = render(schema, row, names, camel=True, strings=False)
        if names is None:
            item["entityTypeId"] = kind
        items.append(item)
    meta.result = {"items": items}
    return meta


def type_obj(spa: SmartProcess) -> dict[str, Any]:
    """One `crm.type.list` row (A.40); the flags funnelkit does not model are the defaults."""
    return {
        "id": int(spa.id) if spa.id and spa.id.isdigit() else spa.entity_type_id,
        "title": spa.title,
        "code": spa.code,
        "createdBy": 1,
        "entityTypeId": spa.entity_type_id,
        "customSectionId": None,
        "isCategoriesEnabled": "Y" if spa.categories_enabled else "N",
        "isStagesEnabled": "Y",
        "isBeginCloseDatesEnabled": "Y",
        "isClientEnabled": "Y",
        "isUseInUserfieldEnabled": "N",
        "isLinkWithProductsEnabled": "N",
        "isMycompanyEnabled": "N",
        "isDocumentsEnabled": "N",
        "isSourceEnabled": "Y",
        "isObserversEnabled": "N",
        "isRecyclebinEnabled": "N",
        "isAutomationEnabled": "Y",
        "isBizProcEnabled": "N",
        "isSetOpenPermissions": "Y",
        "isPaymentsEnabled": "N",
        "isCountersEnabled": "N",
        "createdTime": None,
        "updatedTime": None,
        "updatedBy": 1,
    }


def type_list(call: Call) -> Outcome:
    """crm.type.list -> {"types": [...]}, total; 50 a page by `start` (§3, §12, A.40).

    Ordered by `id` as `order` asks (ascending by default); the filter is not modelled.
    """
    if call.p("filter"):
        raise B24Error("INVALID_ARG_VALUE", "Filtering smart processes is not emulated", 400)
    order = call.p("order")
    desc = isinstance(order, dict) and any(str(v).upper() == "DESC" for v in order.values())
    types = sorted(
        (type_obj(s) for s in call.backend.state.smart_processes.values()),
        key=lambda t: int(t["id"]),
        reverse=desc,
    )
    start = max(as_int(call.p("start"), 0) or 0, 0)
    page = types[start : start + PAGE]
    nxt = start + PAGE if start + PAGE < len(types) else None
    return Outcome({"types": page}, total=len(types), next=nxt, returned=len(page))


def item_update(call: Call) -> Outcome:
    """crm.item.update of a smart-process item: `categoryId` + `stageId` move it within its
    own process as a deal moves (§7.4; for smart processes unverified, as is the pick of the
    first stage of the same semantics when the stage given is not in the new funnel)."""
    b = call.backend
    kind = as_int(call.p("entityTypeId"))
    if kind is None or kind not in b.state.smart_processes:
        return writes.item_update(call)
    item = b.state.items.get(spa_item_id(kind, as_int(call.p("id")) or 0))
    if item is None:
        raise B24Error("NOT_FOUND", "Element not found", 400)
    fields = call.p("fields")
    if not isinstance(fields, dict):
        raise B24Error("100", "Expected iterable value for fields.", 400)
    category = as_int(pick(fields, "categoryId"), _category(item.funnel_id))
    funnel_id = spa_funnel_id(kind, category if category is not None else -1)
    if funnel_id not in b.state.funnels:
        raise B24Error("CRM_FIELD_ERROR_VALUE_NOT_VALID", "Invalid value of field categoryId", 400)
    stage_id = str(pick(fields, "stageId", item.stage_id))
    if (funnel_id, stage_id) not in b.state.stages:
        if funnel_id == item.funnel_id:
            raise B24Error("CRM_FIELD_ERROR_VALUE_NOT_VALID", "Invalid value of field stageId", 400)
        was = b.state.stages.get((item.funnel_id, item.stage_id))
        stages = b.state.stages_of(funnel_id)
        same = [s for s in stages if was is None or s.semantics is was.semantics] or stages
        stage_id = same[0].id
    stage = b.state.stages[(funnel_id, stage_id)]
    final = stage.semantics is not Semantics.PROCESS
    now = b.now()
    moved = (item.funnel_id, item.stage_id) != (funnel_id, stage_id)
    updated = dataclasses.replace(
        item,
        funnel_id=funnel_id,
        stage_id=stage_id,
        modified_at=now,
        closed=final,
        closed_at=(now if moved else item.closed_at) if final else None,
    )
    b.state.items[item.id] = updated
    b.indexes.forget(item_table(kind))  # the row changed in place (index.py)
    table = item_table(kind)
    if table not in b.schemas:
        b.schemas[table] = item_schema(b.state)
    out = render(b.schemas[table], updated, None, camel=True, strings=False)
    out["entityTypeId"] = kind
    return Outcome({"item": out})


HANDLERS = {"crm.type.list": type_list, "crm.item.list": item_list, "crm.item.update": item_update}
