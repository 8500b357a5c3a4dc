"""Routes of tasks, contacts and companies (amocrm.md §8, §11)."""

from __future__ import annotations

import dataclasses
from typing import Any

from funnelkit.emulator.amocrm.context import Ctx, int_field, request_id
from funnelkit.emulator.amocrm.hal import link, no_content, ok, validation
from funnelkit.emulator.amocrm.index import View
from funnelkit.emulator.amocrm.leadops import next_number, row_id
from funnelkit.emulator.amocrm.query import ints, paging, span, strs, within
from funnelkit.emulator.amocrm.wire import company, contact, num, task
from funnelkit.emulator.serving.server import Response
from funnelkit.model import Activity, ActivityKind, Company, Contact, DeadlineChange


def _task(ctx: Ctx, row: Activity) -> dict[str, Any]:
    body = task(row, ctx.base, ctx.account.id)
    result = ctx.account.task_results.get(row.id)
    if result is not None:
        body["result"] = {"text": result}  # §8: [] when empty, an object when set
    return body


def _select_tasks(ctx: Ctx) -> View[Activity]:
    flt = ctx.query.get("filter")
    flt = flt if isinstance(flt, dict) else {}
    ids = ints(flt.get("id"), "filter[id]")
    people = ints(flt.get("responsible_user_id"), "filter[responsible_user_id]")
    done = ints(flt.get("is_completed"), "filter[is_completed]")
    types = ints(flt.get("task_type"), "filter[task_type]")
    entity = strs(flt.get("entity_type"))
    entity_ids = ints(flt.get("entity_id"), "filter[entity_id]") if entity else None
    updated = span(flt.get("updated_at"), "filter[updated_at]")
    field, desc = _task_order(ctx.query.get("order"))
    key = (
        "tasks",
        field,
        desc,
        *[
            None if v is None else tuple(sorted(map(str, v)))
            for v in (ids, people, done, types, entity, entity_ids)
        ],
        updated,
    )
    found = ctx.store.cached(key)
    if found is not None:
        result: View[Activity] = found
        return result

    def keep(row: Activity) -> bool:
        on_lead = row.deal_id is not None
        return (
            (ids is None or num(row.id) in ids)
            and (people is None or num(row.responsible_id) in people)
            and (done is None or int(row.done) in done)
            and (types is None or (2 if row.kind == ActivityKind.MEETING else 1) in types)
            and (entity is None or ("leads" if on_lead else "contacts") in entity)
            and (entity_ids is None or num(row.deal_id or row.contact_id) in entity_ids)
            and within(row.completed_at or row.created_at, updated)
        )

    rows = [r for r in ctx.store.tasks().rows if keep(r)]
    if field != "id":
        rows.sort(key=lambda r: (TASK_ORDERS[field](r), num(r.id) or 0))
    view = View(rows, 0, len(rows), desc)
    ctx.store.cache.put(key, view)
    return view


# unverified: §8 calls created_at / complete_till / id the common `order` fields
TASK_ORDERS: dict[str, Any] = {
    "id": lambda r: num(r.id) or 0,
    "created_at": lambda r: r.created_at,
    "complete_till": lambda r: r.deadline or 0,
}


def _task_order(order: Any) -> tuple[str, bool]:
    if isinstance(order, dict):
        for name in TASK_ORDERS:
            values = order.get(name)
            if isinstance(values, list):
                return name, bool(values) and values[0].lower() == "desc"
    return "id", False


def list_tasks(ctx: Ctx) -> Response:
    """GET /api/v4/tasks (§8), ascending id."""
    page = paging(ctx.request.query, 250)
    rows, more = _select_tasks(ctx).page(page.offset, page.limit)
    return ctx.page("tasks", [_task(ctx, r) for r in rows], page, more)


def _find_task(ctx: Ctx, raw: str) -> tuple[int, Activity] | None:
    wanted = f"T{raw}"
    for index, row in enumerate(ctx.state.activities):
        if row.id == wanted:
            return index, row
    return None


def get_task(ctx: Ctx) -> Response:
    """GET /api/v4/tasks/{id}."""
    found = _find_task(ctx, ctx.groups[0])
    return no_content() if found is None else ok(_task(ctx, found[1]))


def add_tasks(ctx: Ctx) -> Response:
    """POST /api/v4/tasks: responsible and deadline are mandatory (§8)."""
    items = ctx.batch()
    out = []
    with ctx.state.lock:
        for index, item in enumerate(items):
            rid = request_id(item, index)
            row = _new_task(ctx, item, rid)
            ctx.store.put_task(None, row)
            out.append(
                {
                    "id": num(row.id),
                    "updated_at": row.created_at,
                    "request_id": rid,
                    "_links": link(f"{ctx.base}/api/v4/tasks/{num(row.id)}"),
                }
            )
    return ok({"_links": link(f"{ctx.base}/api/v4/tasks"), "_embedded": {"tasks": out}})


def _new_task(ctx: Ctx, item: dict[str, Any], rid: str) -> Activity:
    deadline = int_field(item, "complete_till", rid)
    if deadline is None:
        raise validation([(rid, "NotBlank", "complete_till", "This value should not be blank.")])
    if not isinstance(item.get("text"), str):
        raise validation([(rid, "NotBlank", "text", "This value should not be blank.")])
    entity_id = int_field(item, "entity_id", rid)
    kind = item.get("entity_type")
    ids = (a.id for a in ctx.state.activities)
    task_id = f"T{next_number(ctx.state, 'activities', ids)}"
    responsible = int_field(item, "responsible_user_id", rid)
    meeting = int_field(item, "task_type_id", rid) == 2
    return Activity(
        id=task_id,
        kind=ActivityKind.MEETING if meeting else ActivityKind.TASK,
        created_at=ctx.now,
        deal_id=str(entity_id) if kind == "leads" and entity_id else None,
        contact_id=str(entity_id) if kind == "contacts" and entity_id else None,
        responsible_id=str(responsible) if responsible else ctx.caller.user_id,
        deadline=deadline,
        subject=item["text"],
    )


def edit_tasks(ctx: Ctx) -> Response:
    """PATCH /api/v4/tasks (array with ids) and /api/v4/tasks/{id} (one object)."""
    single = bool(ctx.groups)
    items = [ctx.body()] if single else ctx.batch()
    out = []
    with ctx.state.lock:
        for index, item in enumerate(items):
            rid = request_id(item, index) if isinstance(item, dict) else str(index)
            raw = ctx.groups[0] if single else str(item.get("id"))
            found = _find_task(ctx, raw)
            if found is None:
                if single:
                    return no_content()
                raise validation([(rid, "NotFound", "id", "Entity not found.")])
            row = _edit_task(ctx, found[1], item, rid)
            ctx.store.put_task(found[0], row)
            entry = {
                "id": num(row.id),
                "updated_at": ctx.now,
                "request_id": rid,
                "_links": link(f"{ctx.base}/api/v4/tasks/{num(row.id)}"),
            }
            out.append(entry)
    if single:
        return ok({k: v for k, v in out[0].items() if k != "request_id"})
    return ok({"_links": link(f"{ctx.base}/api/v4/tasks"), "_embedded": {"tasks": out}})


def _edit_task(ctx: Ctx, row: Activity, item: dict[str, Any], rid: str) -> Activity:
    update: dict[str, Any] = {}
    if isinstance(item.get("text"), str):
        update["subject"] = item["text"]
    if "responsible_user_id" in item:
        update["responsible_id"] = str(int_field(item, "responsible_user_id", rid))
    deadline = int_field(item, "complete_till", rid)
    if deadline is not None and deadline != row.deadline:
        update["deadline"] = deadline
        # §7: a moved deadline leaves a task_deadline_changed event
        ctx.state.deadline_changes.append(
            DeadlineChange(
                id=row_id(ctx.state, "deadline_changes"),
                task_id=row.id,
                at=ctx.now,
                old_deadline=row.deadline,
                new_deadline=deadline,
                by=ctx.caller.user_id,
            )
        )
    if item.get("is_completed") is True and not row.done:
        update.update(done=True, completed_at=ctx.now)
    elif item.get("is_completed") is False:
        update.update(done=False, completed_at=None)
    result = item.get("result")
    if isinstance(result, dict) and isinstance(result.get("text"), str):
        ctx.account.task_results[row.id] = result["text"]
    return dataclasses.replace(row, **update)


def _contact(ctx: Ctx, cid: str, withs: set[str]) -> dict[str, Any]:
    body = contact(ctx.state.contacts[cid], ctx.base, ctx.account.id)
    embedded = body["_embedded"]
    if "leads" in withs:
        embedded["leads"] = [
            {"id": num(d), "_links": link(f"{ctx.base}/api/v4/leads/{num(d)}")}
            for d in ctx.store.leads_of_contact(cid)
        ]
    if "customers" in withs:
        embedded["customers"] = []
    if "catalog_elements" in withs:
        embedded["catalog_elements"] = []
    return body


def _withs(ctx: Ctx) -> set[str]:
    return set(",".join(ctx.request.query.get("with", [])).split(",")) - {""}


def _stamp(row: Contact | Company, name: str) -> int | None:
    """created_at / updated_at as the wire shows them (see wire.contact, wire.company)."""
    created = row.created_at
    if created is None or name == "created_at" or isinstance(row, Company):
        return created
    return max(created, row.last_activity_at or 0)


def _in_window(row: Contact | Company, name: str, bounds: tuple[int | None, int | None]) -> bool:
    stamp = _stamp(row, name)
    return stamp is None or within(stamp, bounds)  # timeless state rows are never filtered out


def _simple_list(ctx: Ctx, table: dict[str, Any], key: str, render: Any) -> Response:
    """Contacts or companies: id / responsible / created_at / updated_at filters, ordered
    by id (state order) or updated_at (§11: «Доступные поля для сортировки: updated_at, id»)."""
    flt = ctx.query.get("filter")
    flt = flt if isinstance(flt, dict) else {}
    ids = ints(flt.get("id"), "filter[id]")
    people = ints(flt.get("responsible_user_id"), "filter[responsible_user_id]")
    ranges = {n: span(flt.get(n), f"filter[{n}]") for n in ("created_at", "updated_at")}
    page = paging(ctx.request.query, 250)
    order = ctx.query.get("order")
    order = order if isinstance(order, dict) else {}
    desc = any(isinstance(v, list) and v and v[0].lower() == "desc" for v in order.values())
    rows = list(table.values())
    if ids is not None or people is not None:
        rows = [
            r
            for r in rows
            if (ids is None or num(r.id) in ids)
            and (people is None or num(r.responsible_id) in people)
        ]
    for name, bounds in ranges.items():
        if bounds is not None:
            rows = [r for r in rows if _in_window(r, name, bounds)]
    if "updated_at" in order:
        rows.sort(key=lambda r: (_stamp(r, "updated_at") or 0, num(r.id) or 0))
    picked, more = View(rows, 0, len(rows), desc).page(page.offset, page.limit)
    return ctx.page(key, [render(r.id) for r in picked], page, more)


def list_contacts(ctx: Ctx) -> Response:
    """GET /api/v4/contacts (§11): ascending id (state order), `with=leads`."""
    withs = _withs(ctx)
    return _simple_list(ctx, ctx.state.contacts, "contacts", lambda c: _contact(ctx, c, withs))


def get_contact(ctx: Ctx) -> Response:
    """GET /api/v4/contacts/{id}: «204 | Контакт с указанным ID не существует» (§11)."""
    if ctx.groups[0] not in ctx.state.contacts:
        return no_content()
    return ok(_contact(ctx, ctx.groups[0], _withs(ctx)))


def list_companies(ctx: Ctx) -> Response:
    """GET /api/v4/companies."""
    return _simple_list(
        ctx,
        ctx.state.companies,
        "companies",
        lambda c: company(ctx.state.companies[c], ctx.base, ctx.account.id),
    )


def get_company(ctx: Ctx) -> Response:
    """GET /api/v4/companies/{id}."""
    row = ctx.state.companies.get(ctx.groups[0])
    return no_content() if row is None else ok(company(row, ctx.base, ctx.account.id))
