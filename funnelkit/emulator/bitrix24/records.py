"""List and get methods over records: deals, leads, history, activities, tasks, people.

bitrix24.md §7-§10. Legacy lists answer a bare array with string values,
crm.item.list `{"items": [...]}` with numbers, crm.stagehistory.list
`{"items": [...]}` with numbers, tasks.task.list `{"tasks": [...]}` with strings.
"""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.bitrix24.backend import PARTITIONS, Call, Outcome
from funnelkit.emulator.bitrix24.envelope import B24Error, legacy
from funnelkit.emulator.bitrix24.fields import LIST, Schema, render
from funnelkit.emulator.bitrix24.filters import compile_filter, compile_order
from funnelkit.emulator.bitrix24.listing import run_list
from funnelkit.emulator.bitrix24.params import as_int
from funnelkit.emulator.bitrix24.schemas import ITEM_EXTRAS


def _select(schema: Schema, raw: Any, explicit_only: tuple[str, ...] = ()) -> list[str]:
    """Field names to render: `*` (or nothing) means every single-valued field (§7.1)."""
    names = [str(n) for n in raw] if isinstance(raw, list) else []
    plain = [n for n in names if n not in ("*", "UF_*")]
    if not names or "*" in names:
        wanted = [f.upper for f in schema.fields if f.kind != LIST and f.upper not in explicit_only]
        return wanted + [n for n in plain if n not in wanted]
    # ID always comes back, so keyset paging can read the last id (unverified).
    return ["ID", *[n for n in plain if (f := schema.find(n)) is not None and f.upper != "ID"]]


def list_rows(
    call: Call, table: str, *, strict: bool, filter_raw: Any = None, order_raw: Any = None,
    default_order: dict[str, str] | None = None,
) -> tuple[list[Any], Outcome]:  # fmt: skip
    """Filter, order and page one table; the rows are state rows, not yet rendered."""
    b = call.backend
    schema = b.schemas[table]
    raw_filter = call.p("filter") if filter_raw is None else filter_raw
    flt = compile_filter(raw_filter, schema, strict, PARTITIONS.get(table, ()))
    order = compile_order(call.p("order") if order_raw is None else order_raw, schema, strict)
    if not order and default_order:
        order = compile_order(default_order, schema, False)
    start = as_int(call.p("start"), 0)
    start = 0 if start is None else start
    page = run_list(b.indexes.get(table), flt, order, start)
    meta = Outcome(None, total=page.total, next=page.next, counted=page.counted)
    meta.returned = len(page.rows)
    return page.rows, meta


def _bindings(raw: Any) -> Any:
    """crm.activity.list `BINDINGS: [{OWNER_TYPE_ID, OWNER_ID}, ...]` as an OR of pairs (§9.1)."""
    if not isinstance(raw, dict):
        return raw
    pairs = next((v for k, v in raw.items() if k.upper() == "BINDINGS"), None)
    if not isinstance(pairs, list):
        return raw
    rest = {k: v for k, v in raw.items() if k.upper() != "BINDINGS"}
    group: dict[str, Any] = {"logic": "OR"}
    group.update({str(i): p for i, p in enumerate(pairs) if isinstance(p, dict)})
    return rest | {"0": group}


def _legacy_list(table: str, default_order: dict[str, str] | None = None) -> Any:
    def handler(call: Call) -> Outcome:
        flt = _bindings(call.p("filter")) if table == "activity" else None
        rows, meta = list_rows(
            call, table, strict=False, filter_raw=flt, default_order=default_order
        )
        schema = call.backend.schemas[table]
        names = _select(schema, call.p("select"))
        blanks = _user_fields(call, table, call.p("select"))
        meta.result = [render(schema, r, names, False, True) | blanks for r in rows]
        return meta

    return handler


def _user_fields(call: Call, table: str, raw: Any) -> dict[str, Any]:
    """UF_CRM_* fields of the entity, with no value: the model keeps definitions only.

    §7.1: the default select is `*` + `UF_*`; an explicit list names its UF fields.
    """
    names = [str(n) for n in raw] if isinstance(raw, list) else []
    every = not names or "UF_*" in names
    fields = call.backend.state.custom_fields
    ids = [f.id for f in fields if f.entity.lower().rstrip("s") == table and f.id.startswith("UF_")]
    return {i: None for i in ids if every or i in names}


def deal_get(call: Call) -> Outcome:
    """crm.deal.get {ID}: every single-valued field (A.27)."""
    ident = as_int(call.p("id"))
    if ident is None or ident <= 0:
        raise legacy("ID is not defined or invalid.")
    index = call.backend.indexes.get("deal")
    pos = index.position(ident)
    if pos is None:
        raise legacy("Not found")
    schema = call.backend.schemas["deal"]
    row = render(schema, index.rows[pos], _select(schema, None), False, True)
    return Outcome(row | _user_fields(call, "deal", None))


ITEM_TABLES = {1: "lead", 2: "deal", 3: "contact", 4: "company"}


def item_list(call: Call) -> Outcome:
    """crm.item.list: camelCase, numbers, strict filter fields (§7.3)."""
    kind = as_int(call.p("entityTypeId"))
    table = ITEM_TABLES.get(kind or 0)
    if table is None:
        raise B24Error("NOT_FOUND", "Smart process not found", 400)
    rows, meta = list_rows(call, table, strict=True)
    schema = call.backend.schemas[table]
    raw = call.p("select")
    names = None if not isinstance(raw, list) or not raw or "*" in raw else [str(n) for n in raw]
    items = []
    for row in rows:
        item = render(schema, row, names, camel=True, strings=False)
        if names is None:
            item.update(ITEM_EXTRAS if kind == 2 else {})
            item["entityTypeId"] = kind
        items.append(item)
    meta.result = {"items": items}
    return meta


def stagehistory_list(call: Call) -> Outcome:
    """crm.stagehistory.list: entityTypeId 1 (leads) and 2 (deals) (§8, A.34)."""
    kind = as_int(call.p("entityTypeId"))
    if kind not in (1, 2):
        msg = f"Entity type `{kind}` is not supported"  # crm-stage-history-list.md error table
        raise B24Error("ENTITY_TYPE_NOT_SUPPORTED", msg, 400)
    table = "history_lead" if kind == 1 else "history_deal"
    rows, meta = list_rows(call, table, strict=True)
    schema = call.backend.schemas[table]
    raw = call.p("select")
    names = None if not isinstance(raw, list) or not raw or "*" in raw else [str(n) for n in raw]
    meta.result = {"items": [render(schema, r, names, camel=False, strings=False) for r in rows]}
    return meta


def _task_filter(call: Call) -> Any:
    """`STATUS: -1` is the meta-status "overdue" (§9.3): open and past its deadline."""
    raw = call.p("filter")
    if not isinstance(raw, dict) or str(raw.get("STATUS", "")) != "-1":
        return raw
    rest = {k: v for k, v in raw.items() if k != "STATUS"}
    return rest | {"<DEADLINE": call.backend.now(), "!REAL_STATUS": 5}


def task_list(call: Call) -> Outcome:
    """tasks.task.list: UPPER filter/select names, camelCase string answers (§9.3, A.37)."""
    flt = _task_filter(call)
    rows, meta = list_rows(call, "task", strict=False, filter_raw=flt, default_order={"ID": "DESC"})
    schema = call.backend.schemas["task"]
    raw = call.p("select")
    if isinstance(raw, list) and raw and "*" not in raw:
        names = ["ID", *[str(n) for n in raw if str(n).upper() != "ID"]]
    else:  # UF_CRM_TASK only when asked for (§9.3)
        names = [f.upper for f in schema.fields if f.upper != "UF_CRM_TASK"]
    meta.result = {"tasks": [render(schema, r, names, camel=True, strings=True) for r in rows]}
    return meta


_USER_PARAMS = {"SORT", "ORDER", "FILTER", "ADMIN_MODE", "SELECT", "START", "IMAGE_RESIZE", "AUTH"}


def user_get(call: Call) -> Outcome:
    """user.get: FILTER or top-level field keys, SORT/ORDER, start=-1 allowed (§10, A.39)."""
    flt = dict(call.p("filter") or {}) if isinstance(call.p("filter"), dict) else {}
    flt.update({k: v for k, v in call.params.items() if k.upper() not in _USER_PARAMS})
    sort = call.p("sort")
    order = {str(sort): str(call.p("order", "ASC"))} if isinstance(sort, str) else None
    rows, meta = list_rows(call, "user", strict=False, filter_raw=flt, order_raw=order or {})
    schema = call.backend.schemas["user"]
    meta.result = [render(schema, r, None, camel=False, strings=True) for r in rows]
    return meta


def user_current(call: Call) -> Outcome:
    """user.current: the webhook's or token's owner (A.1)."""
    user = call.backend.state.users.get(call.user_id)
    if user is None:
        raise B24Error("NO_AUTH_FOUND", "Wrong authorization data", 401)
    row = render(call.backend.schemas["user"], user, None, camel=False, strings=True)
    # user.current prints these as text (A.2) where user.get prints `{}` (A.39).
    row["TIMESTAMP_X"] = row["LAST_ACTIVITY_DATE"] = ""
    return Outcome(row)


HANDLERS = {
    "user.current": user_current,
    "crm.deal.list": _legacy_list("deal"),
    "crm.deal.get": deal_get,
    "crm.lead.list": _legacy_list("lead"),
    "crm.item.list": item_list,
    "crm.stagehistory.list": stagehistory_list,
    "crm.activity.list": _legacy_list("activity", {"START_TIME": "ASC"}),
    "tasks.task.list": task_list,
    "user.get": user_get,
    "crm.contact.list": _legacy_list("contact"),
    "crm.company.list": _legacy_list("company"),
}
