"""crm.status.* over stage directories: bitrix24.md §6.3-6.4, Appendix A.15-A.22.

Error convention: crm.status.add uses the legacy empty code (A.17); the other
crm.status.* pages put the message in `error` (A.16, A.18, A.19). §2.4 notes
the two contradict each other; each method follows its own page here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from funnelkit.emulator.bitrix24.backend import Backend, Call, Outcome, spa_parts
from funnelkit.emulator.bitrix24.categories import STATUS_ID_LIMIT
from funnelkit.emulator.bitrix24.envelope import B24Error, legacy
from funnelkit.emulator.bitrix24.fields import INT, STR, Field, Schema
from funnelkit.emulator.bitrix24.filters import compile_filter, compile_order
from funnelkit.emulator.bitrix24.index import TableIndex
from funnelkit.emulator.bitrix24.listing import run_list
from funnelkit.emulator.bitrix24.params import as_int, pick
from funnelkit.emulator.state import LEAD_FUNNEL_ID
from funnelkit.model import Semantics, Stage

_SEM_SHORT = {Semantics.PROCESS: None, Semantics.SUCCESS: "S", Semantics.FAILURE: "F"}
_SEM_FROM = {"S": Semantics.SUCCESS, "F": Semantics.FAILURE}
_CODE = re.compile(r"^[A-Za-z0-9_-]+$")
# Unverified: the docs state no limit for smart-process STATUS_IDs; the directory's column
# is taken to be as wide as the longest documented example needs, with room to spare.
SPA_STATUS_ID_LIMIT = 50
_ROW_FIELDS = ("ID", "ENTITY_ID", "STATUS_ID", "NAME", "NAME_INIT", "SORT", "SYSTEM")


def _key(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row[name]


_ALL_FIELDS = (*_ROW_FIELDS, "CATEGORY_ID", "COLOR", "SEMANTICS")
ROW_SCHEMA = Schema(Field(n, n, INT if n in ("ID", "SORT") else STR, _key(n)) for n in _ALL_FIELDS)


def status_row(backend: Backend, stage: Stage) -> dict[str, Any]:
    """A directory row with typed values (ints for ID/SORT until rendered)."""
    entity = backend.entity_id(stage.funnel_id)
    extra_sem = stage.extras.get("semantics") or stage.semantics.value  # "apology" stays
    color = stage.color or "#39A8EF"
    row: dict[str, Any] = {
        "ID": backend.status_num(stage.key),
        "ENTITY_ID": entity,
        "STATUS_ID": stage.id,
        "NAME": stage.name,
        "NAME_INIT": stage.extras.get("name_init", stage.name if stage.system else ""),
        "SORT": stage.sort,
        "SYSTEM": "Y" if stage.system else "N",
        "CATEGORY_ID": _category(entity, stage.funnel_id),
        "COLOR": color,
        "SEMANTICS": _SEM_SHORT[stage.semantics],
        "EXTRA": {"SEMANTICS": extra_sem, "COLOR": color},
    }
    if entity.startswith("DYNAMIC_"):
        # §6.3: smart-process stages carry the short SEMANTICS only, no EXTRA (A.16).
        del row["EXTRA"]
    return row


def _category(entity: str, funnel_id: str) -> str | None:
    if entity in ("STATUS", "DEAL_STAGE"):
        return None
    spa = spa_parts(funnel_id)
    return funnel_id if spa is None else str(spa[1])


def wire(row: dict[str, Any]) -> dict[str, Any]:
    """Legacy typing: ID and SORT as strings (A.15)."""
    return {**row, "ID": str(row["ID"]), "SORT": str(row["SORT"])}


def status_list(call: Call) -> Outcome:
    """crm.status.list: `select` ignored, ENTITY_ID filter must be a string (§6.3)."""
    raw = call.p("filter") or {}
    if isinstance(raw, dict) and isinstance(pick(raw, "ENTITY_ID"), list | dict):
        raise legacy("Filter by ENTITY_ID must be a string")
    b = call.backend
    rows = [status_row(b, s) for s in b.state.stages.values()]
    index = TableIndex(rows, lambda r: int(r["ID"]), {})
    order = compile_order(call.p("order"), ROW_SCHEMA, strict=False)
    if not order:
        order = [(f, False) for n in ("SORT", "ID") if (f := ROW_SCHEMA.find(n))]
    flt = compile_filter(raw, ROW_SCHEMA, strict=False, partitions=())
    start = as_int(call.p("start"), 0) or 0
    page = run_list(index, flt, order, start)
    total = page.total if start >= 0 else 0
    out = [wire(r) for r in page.rows]
    return Outcome(out, total=total, next=page.next, counted=page.counted, returned=len(out))


def _stage(call: Call) -> Stage:
    ident = as_int(call.p("id"))
    if ident is None or ident <= 0:
        raise B24Error("Invalid identifier.", "An incorrect identifier was passed.", 400)
    stage = call.backend.stage_by_num(ident)
    if stage is None:
        raise B24Error("Status is not found.", "Directory item not found.", 400)
    return stage


def status_get(call: Call) -> Outcome:
    """crm.status.get {id}."""
    return Outcome(wire(status_row(call.backend, _stage(call))))


def _checked_code(funnel_id: str, code: str, entity: str) -> str:
    """Apply the `C{n}:` prefix and the length/charset rules of §6.3."""
    prefix = f"C{funnel_id}:" if entity.startswith("DEAL_STAGE_") else ""
    if entity.startswith("DYNAMIC_"):
        prefix = f"{funnel_id}:"  # §12: DT{type}_{category}:CODE
    bare = code[len(prefix) :] if prefix and code.startswith(prefix) else code
    if not _CODE.match(bare):
        raise legacy("The field STATUS_ID contains invalid characters.")  # text unverified
    full = prefix + bare
    limit = 22 if entity == "DEAL_STAGE" else STATUS_ID_LIMIT
    if entity.startswith("DYNAMIC_"):
        limit = SPA_STATUS_ID_LIMIT
    if len(full) > limit:
        raise legacy(f"The field STATUS_ID must not exceed {limit} characters.")  # unverified
    return full


def status_add(call: Call) -> Outcome:
    """crm.status.add: new rows are never SYSTEM; one success stage per funnel (§6.3)."""
    fields = call.p("fields")
    if not isinstance(fields, dict):
        raise legacy("Parameter 'fields' must be array.")
    entity = str(pick(fields, "ENTITY_ID", "") or "")
    code = str(pick(fields, "STATUS_ID", "") or "")
    name = str(pick(fields, "NAME", "") or "")
    if not entity:
        raise legacy("The field ENTITY_ID is required.")
    if not code:
        raise legacy("The field STATUS_ID is required.")
    if not name:
        raise legacy("The field Title is required.")
    b = call.backend
    funnel_id = b.funnel_of(entity)
    if funnel_id is None:
        raise legacy("Specified entity type is not supported.")
    full = _checked_code(funnel_id, code, entity)
    if (funnel_id, full) in b.state.stages:
        raise B24Error("ERROR_CORE", "The specified status ID already exists.", 400)
    sem = _SEM_FROM.get(str(pick(fields, "SEMANTICS", "") or "").upper(), Semantics.PROCESS)
    sort = as_int(pick(fields, "SORT"), 10) or 10
    _check_order(b, funnel_id, sem, sort)
    color = str(pick(fields, "COLOR", "") or "") or None
    stage = Stage(funnel_id=funnel_id, id=full, name=name, sort=sort, semantics=sem, color=color)
    b.state.stages[stage.key] = stage
    return Outcome(b.status_num(stage.key))


def _check_order(b: Backend, funnel_id: str, sem: Semantics, sort: int) -> None:
    stages = b.state.stages_of(funnel_id)
    success = [s for s in stages if s.semantics is Semantics.SUCCESS]
    if sem is Semantics.SUCCESS and success:
        # §6.3: exactly one success stage per funnel; the error text is unverified.
        raise legacy("The final successful stage already exists.")
    deal_funnel = funnel_id != LEAD_FUNNEL_ID
    if sem is Semantics.PROCESS and success and deal_funnel and sort > success[0].sort:
        raise legacy(
            "Cannot create more stages after the final stage because the final successful "
            "stage already exists. Try using sort order values less than that of the final "
            "stage."
        )


def status_update(call: Call) -> Outcome:
    """crm.status.update: NAME, SORT, COLOR only; SEMANTICS is immutable (§6.3)."""
    stage = _stage(call)
    fields = call.p("fields")
    if not isinstance(fields, dict):
        raise legacy("Parameter 'fields' must be array.")
    sem = pick(fields, "SEMANTICS")
    if sem is not None and _SEM_SHORT[stage.semantics] != (str(sem).upper() or None):
        # Refused rather than ignored so a client cannot believe it changed (unverified).
        raise B24Error("Error on updating status.", "SEMANTICS cannot be changed.", 400)
    changes: dict[str, Any] = {}
    if pick(fields, "NAME") is not None:
        changes["name"] = str(pick(fields, "NAME"))
    if pick(fields, "SORT") is not None:
        changes["sort"] = as_int(pick(fields, "SORT"), stage.sort)
    if pick(fields, "COLOR") is not None:
        changes["color"] = str(pick(fields, "COLOR"))
    call.backend.state.stages[stage.key] = stage.model_copy(update=changes)
    return Outcome(True)


def status_delete(call: Call) -> Outcome:
    """crm.status.delete: system rows need FORCED=Y; stages holding items stay (§6.3)."""
    stage = _stage(call)
    params = call.p("params") or {}
    forced = isinstance(params, dict) and str(pick(params, "FORCED", "")).upper() == "Y"
    if stage.system and not forced:
        raise B24Error(
            "Error on deleting status.",
            "CRM System Status can be deleted only if parameter FORCED is specified and "
            'equal to "Y".',
            400,
        )
    b = call.backend
    if spa_parts(stage.funnel_id) is not None:
        held = any(
            i.funnel_id == stage.funnel_id and i.stage_id == stage.id
            for i in b.state.items.values()
        )
    else:
        table, field_name = (
            ("lead", "STATUS_ID") if stage.funnel_id == LEAD_FUNNEL_ID else ("deal", "STAGE_ID")
        )
        index = b.indexes.get(table)
        positions = index.partition(field_name, stage.id) or ()
        held = any(index.rows[p].funnel_id == stage.funnel_id for p in positions)
    if held:
        raise B24Error("Error on deleting status.", "There are active items in this status.", 400)
    same = [s for s in b.state.stages_of(stage.funnel_id) if s.semantics is stage.semantics]
    if stage.semantics is not Semantics.PROCESS and len(same) == 1:
        # §6.3 inference: a funnel keeps one success and at least one failure stage.
        raise B24Error("Error on deleting status.", "The funnel must keep this stage group.", 400)
    del b.state.stages[stage.key]
    return Outcome(True)
