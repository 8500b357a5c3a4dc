"""crm.category.* for deals (entityTypeId 2): bitrix24.md §6.1, Appendix A.8-A.13."""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.bitrix24.backend import Backend, Call, Outcome
from funnelkit.emulator.bitrix24.envelope import B24Error
from funnelkit.emulator.bitrix24.params import as_int, pick
from funnelkit.model import Funnel, FunnelKind, Semantics, Stage

# The stage set a new deal funnel starts with (A.15 names/colours; `C{id}:` prefix per A.23).
DEFAULT_STAGES: tuple[tuple[str, str, int, Semantics, bool, str], ...] = (
    ("NEW", "New", 10, Semantics.PROCESS, True, "#39A8EF"),
    ("PREPARATION", "Document preparation", 20, Semantics.PROCESS, False, "#2FC6F6"),
    ("PREPAYMENT_INVOICE", "Prepayment invoice", 30, Semantics.PROCESS, False, "#55D0E0"),
    ("EXECUTING", "In progress", 40, Semantics.PROCESS, False, "#47E4C2"),
    ("FINAL_INVOICE", "Final invoice", 50, Semantics.PROCESS, False, "#FFA900"),
    ("WON", "Deal successful", 60, Semantics.SUCCESS, True, "#7BD500"),
    ("LOSE", "Deal failed", 70, Semantics.FAILURE, True, "#FF5752"),
    ("APOLOGY", "Failure reason analysis", 80, Semantics.FAILURE, False, "#FF5752"),
)
STATUS_ID_LIMIT = 21  # §6.3: "limited to 21 characters" (C10:PREPAYMENT_INVOIC)


def _check_entity_type(call: Call) -> None:
    kind = as_int(call.p("entityTypeId"))
    if kind == 2:
        return
    if kind == 1:
        raise B24Error("ENTITY_TYPE_NOT_SUPPORTED", "Entity type `Lead` is not supported", 400)
    raise B24Error("NOT_FOUND", "Smart process not found", 400)


def category_obj(funnel: Funnel) -> dict[str, Any]:
    """The `category` object; the default funnel has no origin keys (A.8)."""
    obj: dict[str, Any] = {
        "id": int(funnel.id),
        "name": funnel.name,
        "sort": funnel.sort,
        "entityTypeId": 2,
        "isDefault": "Y" if funnel.id == "0" else "N",
    }
    if funnel.id != "0":
        obj["originId"] = funnel.extras.get("originId", "")
        obj["originatorId"] = funnel.extras.get("originatorId", "")
    return obj


def deal_funnels(backend: Backend) -> list[Funnel]:
    """Deal funnels in the vendor's order: by sort, then id (A.8 puts 9, 10, 11 before 0)."""
    found = [f for f in backend.state.funnels.values() if f.kind is FunnelKind.DEAL]
    return sorted(found, key=lambda f: (f.sort, int(f.id) if f.id.isdigit() else 0))


def _funnel(call: Call) -> Funnel:
    ident = as_int(call.p("id"))
    funnel = call.backend.state.funnels.get(str(ident)) if ident is not None else None
    if funnel is None or funnel.kind is not FunnelKind.DEAL:
        raise B24Error("NOT_FOUND", "Element not found", 400)
    return funnel


def category_list(call: Call) -> Outcome:
    """crm.category.list -> {"categories": [...]}, total (one page of 50)."""
    _check_entity_type(call)
    funnels = deal_funnels(call.backend)
    start = max(as_int(call.p("start"), 0) or 0, 0)
    page = funnels[start : start + 50]
    nxt = start + 50 if start + 50 < len(funnels) else None
    cats = [category_obj(f) for f in page]
    return Outcome({"categories": cats}, total=len(funnels), next=nxt, returned=len(page))


def category_get(call: Call) -> Outcome:
    """crm.category.get -> {"category": {...}}."""
    _check_entity_type(call)
    return Outcome({"category": category_obj(_funnel(call))})


def _fields(call: Call) -> dict[str, Any]:
    fields = call.p("fields")
    if not isinstance(fields, dict):
        raise B24Error(0, "Field 'NAME' is required", 400)
    return fields


def _sort(value: Any, default: int) -> int:
    number = as_int(value, default)
    return max(number if number is not None else default, 0)  # §6.1: negative -> 0


def category_add(call: Call) -> Outcome:
    """crm.category.add: a new funnel, filled with the default stage set (§6.1)."""
    _check_entity_type(call)
    fields = _fields(call)
    name = str(pick(fields, "name", "") or "").strip()
    if not name:
        raise B24Error(0, "Field 'NAME' is required", 400)
    state = call.backend.state
    floor = max((int(k) for k in state.funnels if k.isdigit()), default=0) + 1
    ident = str(state.new_id("category", floor))
    # §6.1: isDefault cannot be modified for deals; it is ignored here (unverified).
    funnel = Funnel(
        id=ident, name=name, kind=FunnelKind.DEAL, sort=_sort(pick(fields, "sort"), 500)
    )
    state.funnels[ident] = funnel
    for code, title, sort, sem, system, color in DEFAULT_STAGES:
        sid = f"C{ident}:{code}"[:STATUS_ID_LIMIT]
        init = {"name_init": title} if system else {}
        state.stages[(ident, sid)] = Stage(
            funnel_id=ident, id=sid, name=title, sort=sort, semantics=sem, color=color,
            system=system, extras={"semantics": "apology", **init} if code == "APOLOGY" else init,
        )  # fmt: skip
    return Outcome({"category": category_obj(funnel)})


def category_update(call: Call) -> Outcome:
    """crm.category.update: name and sort."""
    _check_entity_type(call)
    funnel = _funnel(call)
    fields = _fields(call)
    changes: dict[str, Any] = {}
    if pick(fields, "name") is not None:
        name = str(pick(fields, "name")).strip()
        if not name:
            raise B24Error(0, "Field 'NAME' is required", 400)
        changes["name"] = name
    if pick(fields, "sort") is not None:
        changes["sort"] = _sort(pick(fields, "sort"), funnel.sort)
    updated = funnel.model_copy(update=changes)
    call.backend.state.funnels[funnel.id] = updated
    return Outcome({"category": category_obj(updated)})


def category_delete(call: Call) -> Outcome:
    """crm.category.delete: refused for the default funnel and funnels holding deals (§6.1)."""
    _check_entity_type(call)
    funnel = _funnel(call)
    if funnel.id == "0":
        raise B24Error(0, "Default deal category cannot be deleted", 400)
    if call.backend.deal_count("deal", "CATEGORY_ID", int(funnel.id)):
        raise B24Error(0, f"Deals related to the funnel {funnel.name} found", 400)
    state = call.backend.state
    del state.funnels[funnel.id]
    for key in [k for k in state.stages if k[0] == funnel.id]:
        del state.stages[key]
    return Outcome(None)


def _field(
    type_: str, title: str, required: bool = False, read_only: bool = False
) -> dict[str, Any]:
    return {
        "type": type_, "isRequired": required, "isReadOnly": read_only, "isImmutable": False,
        "isMultiple": False, "isDynamic": False, "title": title, "upperName": title,
    }  # fmt: skip


def category_fields(call: Call) -> Outcome:
    """crm.category.fields (A.13)."""
    _check_entity_type(call)
    return Outcome(
        {
            "fields": {
                "id": _field("integer", "ID", read_only=True),
                "name": _field("string", "NAME"),
                "sort": _field("integer", "SORT"),
                "entityTypeId": _field("integer", "ENTITY_TYPE_ID", True, True),
                "isDefault": _field("boolean", "IS_DEFAULT", read_only=True),
                "originId": _field("string", "ORIGIN_ID"),
                "originatorId": _field("string", "ORIGINATOR_ID"),
            }
        }
    )


HANDLERS = {
    "crm.category.list": category_list,
    "crm.category.get": category_get,
    "crm.category.add": category_add,
    "crm.category.update": category_update,
    "crm.category.delete": category_delete,
    "crm.category.fields": category_fields,
}
