"""crm.category.* for deals (entityTypeId 2) and smart processes (their entityTypeId):
bitrix24.md §6.1, §12, Appendix A.8-A.13."""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.bitrix24.backend import Backend, Call, Outcome, spa_parts
from funnelkit.emulator.bitrix24.envelope import B24Error
from funnelkit.emulator.bitrix24.params import as_int, pick
from funnelkit.model import Funnel, FunnelKind, Semantics, Stage, spa_funnel_id

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
# A new smart-process funnel's stages (§6.1: "immediately filled with default stages").
# Codes from the docs' examples (DT1038_37:SUCCESS in A.16; CLIENT, PREPARATION in the
# crm.item.get example); names, colours and FAIL are unverified.
SPA_DEFAULT_STAGES: tuple[tuple[str, str, int, Semantics, bool, str], ...] = (
    ("NEW", "New", 10, Semantics.PROCESS, True, "#22B9FF"),
    ("PREPARATION", "Preparation", 20, Semantics.PROCESS, False, "#2FC6F6"),
    ("CLIENT", "Client approval", 30, Semantics.PROCESS, False, "#55D0E0"),
    ("SUCCESS", "Success", 40, Semantics.SUCCESS, True, "#7BD500"),
    ("FAIL", "Fail", 50, Semantics.FAILURE, True, "#FF5752"),
)
STATUS_ID_LIMIT = 21  # §6.3: "limited to 21 characters" (C10:PREPAYMENT_INVOIC)


def _check_entity_type(call: Call) -> int:
    """The entityTypeId asked for: 2 (deals) or a smart process of this portal (§6.1)."""
    kind = as_int(call.p("entityTypeId"))
    if kind == 2:
        return 2
    if kind == 1:
        raise B24Error("ENTITY_TYPE_NOT_SUPPORTED", "Entity type `Lead` is not supported", 400)
    if kind is not None and kind in call.backend.state.smart_processes:
        return kind
    raise B24Error("NOT_FOUND", "Smart process not found", 400)


def category_obj(funnel: Funnel) -> dict[str, Any]:
    """The `category` object; the default funnel has no origin keys (A.8)."""
    spa = spa_parts(funnel.id)
    if spa is not None:
        # §6.1 "Object category": `code` and `isSystem` for smart processes (key order and
        # the empty code are unverified).
        return {
            "id": spa[1],
            "name": funnel.name,
            "sort": funnel.sort,
            "entityTypeId": spa[0],
            "isDefault": "Y" if funnel.is_default else "N",
            "isSystem": "N",
            "code": funnel.extras.get("code", ""),
        }
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


def deal_funnels(backend: Backend, entity_type: int = 2) -> list[Funnel]:
    """A type's funnels in the vendor's order: by sort, then id (A.8 puts 9, 10, 11 before 0)."""
    if entity_type != 2:
        spa = [f for f in backend.state.funnels.values() if f.entity_type_id == entity_type]
        return sorted(spa, key=lambda f: (f.sort, _number(f)))
    found = [f for f in backend.state.funnels.values() if f.kind is FunnelKind.DEAL]
    return sorted(found, key=lambda f: (f.sort, int(f.id) if f.id.isdigit() else 0))


def _number(funnel: Funnel) -> int:
    spa = spa_parts(funnel.id)
    return spa[1] if spa is not None else int(funnel.id) if funnel.id.isdigit() else 0


def _funnel_id(entity_type: int, ident: int) -> str:
    return str(ident) if entity_type == 2 else spa_funnel_id(entity_type, ident)


def _funnel(call: Call, entity_type: int) -> Funnel:
    ident = as_int(call.p("id"))
    funnel = None
    if ident is not None:
        funnel = call.backend.state.funnels.get(_funnel_id(entity_type, ident))
    wanted = FunnelKind.DEAL if entity_type == 2 else FunnelKind.SPA
    if funnel is None or funnel.kind is not wanted:
        raise B24Error("NOT_FOUND", "Element not found", 400)
    return funnel


def category_list(call: Call) -> Outcome:
    """crm.category.list -> {"categories": [...]}, total (one page of 50)."""
    funnels = deal_funnels(call.backend, _check_entity_type(call))
    start = max(as_int(call.p("start"), 0) or 0, 0)
    page = funnels[start : start + 50]
    nxt = start + 50 if start + 50 < len(funnels) else None
    cats = [category_obj(f) for f in page]
    return Outcome({"categories": cats}, total=len(funnels), next=nxt, returned=len(page))


def category_get(call: Call) -> Outcome:
    """crm.category.get -> {"category": {...}}."""
    return Outcome({"category": category_obj(_funnel(call, _check_entity_type(call)))})


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
    entity_type = _check_entity_type(call)
    fields = _fields(call)
    name = str(pick(fields, "name", "") or "").strip()
    if not name:
        raise B24Error(0, "Field 'NAME' is required", 400)
    state = call.backend.state
    spa = state.smart_processes.get(entity_type)
    if spa is not None and not spa.categories_enabled:
        # §12: adding needs `isCategoriesEnabled = Y`; the message text is unverified.
        raise B24Error("ENTITY_TYPE_NOT_SUPPORTED", "Categories are disabled for this type", 400)
    floor = max((_number(f) for f in state.funnels.values()), default=0) + 1
    number = state.new_id("category", floor)
    if entity_type != 2:
        return Outcome({"category": category_obj(_add_spa(call, entity_type, number, name))})
    ident = str(number)
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


def _add_spa(call: Call, entity_type: int, number: int, name: str) -> Funnel:
    """A smart-process funnel with the default SPA stages, `DT{type}_{id}:CODE` (§12)."""
    state = call.backend.state
    fid = spa_funnel_id(entity_type, number)
    funnel = Funnel(
        id=fid,
        name=name,
        kind=FunnelKind.SPA,
        entity_type_id=entity_type,
        sort=_sort(pick(_fields(call), "sort"), 500),
    )
    state.funnels[fid] = funnel
    for code, title, sort, sem, system, color in SPA_DEFAULT_STAGES:
        sid = f"{fid}:{code}"
        state.stages[(fid, sid)] = Stage(
            funnel_id=fid, id=sid, name=title, sort=sort, semantics=sem, color=color,
            system=system, extras={"name_init": title} if system else {},
        )  # fmt: skip
    return funnel


def category_update(call: Call) -> Outcome:
    """crm.category.update: name and sort."""
    funnel = _funnel(call, _check_entity_type(call))
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
    entity_type = _check_entity_type(call)
    funnel = _funnel(call, entity_type)
    if entity_type != 2:
        # §6.1: the SPA refusals are BX_ERROR "This funnel is the default funnel" and
        # "Elements related to the funnel found".
        if funnel.is_default:
            raise B24Error("BX_ERROR", "This funnel is the default funnel", 400)
        if any(i.funnel_id == funnel.id for i in call.backend.state.items.values()):
            raise B24Error("BX_ERROR", "Elements related to the funnel found", 400)
    elif funnel.id == "0":
        raise B24Error(0, "Default deal category cannot be deleted", 400)
    elif call.backend.deal_count("deal", "CATEGORY_ID", int(funnel.id)):
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
