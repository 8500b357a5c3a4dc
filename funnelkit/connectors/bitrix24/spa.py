"""Smart processes (SPA): their types, funnels, stages and item lists (bitrix24.md §12).

`crm.type.list` rides in the structure's first batch; one batch then lists every type's
categories, one more reads their stages (`DYNAMIC_{type}_STAGE_{category}`) and each type's
highest item id, so item lists page by keyset like deals (§3, §4). Stage history does not
cover smart processes (§8, §17.x: crm.stagehistory.list "does not support the new entities").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from funnelkit.connectors.bitrix24 import mapping
from funnelkit.connectors.bitrix24.client import MAX_BATCH, BatchResult, Bitrix24Client, command
from funnelkit.connectors.bitrix24.paging import Cursor, ListSpec, apply_max_ids, max_id_commands
from funnelkit.model import DataSet, DataState, DataStatus, Funnel, SmartProcess, Stage

TYPES = ListSpec("types", "crm.type.list", id_field="id", row_id="id", wrapper="types")
_CATEGORIES = ListSpec("funnels", "crm.category.list", row_id="id", wrapper="categories")
_STATUSES = ListSpec("stages", "crm.status.list")
_ITEM_SELECT = [
    "id",
    "title",
    "categoryId",
    "stageId",
    "assignedById",
    "createdBy",
    "contactId",
    "companyId",
    "opportunity",
    "currencyId",
    "createdTime",
    "updatedTime",
    "movedTime",
    "sourceId",
]
NO_HISTORY = "crm.stagehistory.list does not support smart processes (bitrix24.md §17.x)"
NO_TASKS = "tasks and activities are read for deals and leads only"
# What smart-process items lack although deals have it (Manifest.spa_data).
SPA_DATA = {
    DataSet.STAGE_HISTORY: DataStatus(state=DataState.UNAVAILABLE, reason=NO_HISTORY),
    DataSet.TASKS: DataStatus(state=DataState.NOT_PULLED, reason=NO_TASKS),
    DataSet.ACTIVITIES: DataStatus(state=DataState.NOT_PULLED, reason=NO_TASKS),
}


_NOT_ALLOWED = {
    "ACCESS_DENIED",
    "INSUFFICIENT_SCOPE",
    "USER_ACCESS_ERROR",
    "ERROR_METHOD_NOT_FOUND",
}


def spa_data(read_ok: bool, unavailable: str | None) -> dict[DataSet, DataStatus]:
    """Manifest.spa_data: what smart-process items lack, or why none were read at all."""
    if unavailable is not None:
        return {DataSet.STRUCTURE: DataStatus(state=DataState.UNAVAILABLE, reason=unavailable)}
    return dict(SPA_DATA) if read_ok else {}


def types_command() -> str:
    """The first batch's `crm.type.list` command (admin only, §12)."""
    return command("crm.type.list", {"order": {"id": "ASC"}})


def item_spec(entity_type_id: int) -> ListSpec:
    """How one smart process's items page: crm.item.list, `items`, `id` (§7.3)."""
    return ListSpec(
        f"items_{entity_type_id}",
        "crm.item.list",
        id_field="id",
        row_id="id",
        wrapper="items",
        base={"entityTypeId": entity_type_id, "select": _ITEM_SELECT},
    )


Mapper = Callable[[dict[str, Any]], Any]


@dataclass
class SpaRead:
    """What the smart-process part of the structure read found."""

    processes: list[SmartProcess] = field(default_factory=list)
    funnels: list[Funnel] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    cursors: list[Cursor] = field(default_factory=list)
    mappers: dict[str, Mapper] = field(default_factory=dict)
    unavailable: str | None = None  # why the webhook could not list smart processes


def read_spa(
    client: Bitrix24Client,
    first: BatchResult,
    name: str = "types",
    *,
    items: bool = True,
    changed_since: str | None = None,
    known: frozenset[int] = frozenset(),
    scope: tuple[str, ...] = (),
) -> SpaRead:
    """Types from the first batch, then their funnels, stages and (with `items`) item cursors.

    `changed_since` (an incremental pull): items of the `known` types are read only when
    changed since then, by `>=updatedTime` as deals are (§7.3); other types are read whole.
    `scope` (--funnel): items of the named smart-process funnels only, by `@categoryId`;
    a process none of whose funnels is named is not read at all.
    """
    if name in first.errors:
        code, description = first.errors[name]
        if code.upper() in _NOT_ALLOWED:  # §12: crm.type.list is for CRM admins only
            return SpaRead(unavailable=f"crm.type.list: {code} {description}".strip())
        client.raise_for(first, name, "crm.type.list")
    rows = TYPES.rows(first.result.get(name))
    total = first.total.get(name, len(rows))
    while len(rows) < total:  # §3: 50 a page
        page = client.call("crm.type.list", {"order": {"id": "ASC"}, "start": len(rows)})
        more = TYPES.rows(page.get("result"))
        if not more:
            break
        rows.extend(more)
    out = SpaRead(processes=[mapping.smart_process(r) for r in rows])
    kinds = [p.entity_type_id for p in out.processes]
    for chunk in _chunks(kinds):
        batch = client.batch(
            {
                f"c_{k}": command(
                    "crm.category.list", {"entityTypeId": k, "order": {"sort": "ASC"}}
                )
                for k in chunk
            }
        )
        for k in chunk:
            if f"c_{k}" in batch.errors:
                client.raise_for(batch, f"c_{k}", "crm.category.list")
            cats = _CATEGORIES.rows(batch.result.get(f"c_{k}"))
            out.funnels.extend(mapping.spa_funnel(c, k) for c in cats)
    if items:
        for k in kinds:
            extra = _since(k, changed_since, known)
            if scope:
                chosen = [f.id for f in out.funnels if f.entity_type_id == k and f.id in scope]
                if not chosen:
                    continue
                extra["@categoryId"] = [int(f.rsplit("_", 1)[1]) for f in chosen]
            out.cursors.append(Cursor(item_spec(k), extra=extra))
    commands = {
        f"s_{f.id}": command(
            "crm.status.list",
            {"filter": {"ENTITY_ID": mapping.entity_of_funnel(f.id)}, "order": {"SORT": "ASC"}},
        )
        for f in out.funnels
    }
    commands.update(max_id_commands(out.cursors))
    names = list(commands)
    for start in range(0, len(names), MAX_BATCH):
        batch = client.batch({n: commands[n] for n in names[start : start + MAX_BATCH]})
        for f in out.funnels:
            if f"s_{f.id}" in batch.result or f"s_{f.id}" in batch.errors:
                if f"s_{f.id}" in batch.errors:
                    client.raise_for(batch, f"s_{f.id}", "crm.status.list")
                stage_rows = _STATUSES.rows(batch.result[f"s_{f.id}"])
                out.stages.extend(mapping.stage(r, f.id) for r in stage_rows)
        sent = batch.result.keys() | batch.errors.keys()
        here = [c for c in out.cursors if f"m_{c.spec.entity}" in sent]
        for entity, error in apply_max_ids(here, batch).items():
            if error is not None:
                client.raise_for(batch, f"m_{entity}", "crm.item.list")
    for k in kinds:
        fids = {f.id for f in out.funnels if f.entity_type_id == k}
        finals = frozenset(
            s.id for s in out.stages if s.funnel_id in fids and s.semantics != "process"
        )
        out.mappers[f"items_{k}"] = _mapper(k, finals)
    return out


def _since(kind: int, changed_since: str | None, known: frozenset[int]) -> dict[str, Any]:
    if changed_since is None or kind not in known:
        return {}
    return {">=updatedTime": changed_since}


def _mapper(entity_type_id: int, finals: frozenset[str]) -> Mapper:
    return lambda row: mapping.item(row, entity_type_id, finals)


def _chunks(values: list[int]) -> list[list[int]]:
    return [values[i : i + MAX_BATCH] for i in range(0, len(values), MAX_BATCH)]
