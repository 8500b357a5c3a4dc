"""Routes of /api/v4/events: filters by type, time, entity and value; 100 per page (§7)."""

from __future__ import annotations

from typing import Any

from funnelkit.emulator.amocrm.context import Ctx
from funnelkit.emulator.amocrm.events import (
    ALL_TYPES,
    LEAD_TYPES,
    Row,
    author_of,
    entity_of,
    render,
    values,
)
from funnelkit.emulator.amocrm.hal import no_content, ok, paged, total
from funnelkit.emulator.amocrm.index import View
from funnelkit.emulator.amocrm.query import ints, paging, span, strs
from funnelkit.emulator.server import Response

# Part of the documented /events/types answer (§7: lead_added 1, lead_deleted 7); the
# other codes are unverified placeholders.
TYPE_NAMES = {
    "lead_added": (1, "Новая сделка"),
    "lead_deleted": (7, "Сделка удалена"),
    "lead_status_changed": (14, "Изменение этапа продажи"),
    "entity_responsible_changed": (45, "Ответственный изменен"),
    "task_deadline_changed": (34, "Изменение срока выполнения задачи"),
    "incoming_chat_message": (25, "Входящее сообщение"),
    "outgoing_call": (11, "Исходящий звонок"),
    "common_note_added": (50, "Примечание добавлено"),
}


def _status_pairs(node: Any) -> set[tuple[int | None, int | None]] | None:
    """`filter[value_*][leads_statuses][i][pipeline_id|status_id]`."""
    if not isinstance(node, dict):
        return None
    block = node.get("leads_statuses")
    if not isinstance(block, dict):
        return None
    pairs: set[tuple[int | None, int | None]] = set()
    for item in block.values():
        if isinstance(item, dict):
            pid = ints(item.get("pipeline_id"), "pipeline_id")
            sid = ints(item.get("status_id"), "status_id")
            pairs.add((min(pid) if pid else None, min(sid) if sid else None))
    return pairs or None


def _status_match(side: list[Any], pairs: set[tuple[int | None, int | None]]) -> bool:
    for value in side:
        status = value.get("lead_status") if isinstance(value, dict) else None
        if status is None:
            continue
        for pid, sid in pairs:
            if (pid is None or status["pipeline_id"] == pid) and (
                sid is None or status["id"] == sid
            ):
                return True
    return False


def select(ctx: Ctx) -> View[Row]:
    """The events a list request matches, newest first (unverified order: the API takes no
    `order` for events, §7), cached until history grows."""
    flt = ctx.query.get("filter")
    flt = flt if isinstance(flt, dict) else {}
    wanted = strs(flt.get("type"))
    kinds = [k for k in ALL_TYPES if wanted is None or k in wanted]
    created = span(flt.get("created_at"), "filter[created_at]")
    entities = strs(flt.get("entity"))
    entity_ids = ints(flt.get("entity_id"), "filter[entity_id]")
    ids = strs(flt.get("id"))
    authors = ints(flt.get("created_by"), "filter[created_by]")
    after = _status_pairs(flt.get("value_after"))
    before = _status_pairs(flt.get("value_before"))
    resp = (
        flt.get("value_after", {}).get("responsible_user_id")
        if isinstance(flt.get("value_after"), dict)
        else None
    )
    responsible = ints(resp, "responsible_user_id")
    if entities is not None:
        kinds = [k for k in kinds if k not in LEAD_TYPES or "lead" in entities]
        if "task" not in entities and "task_deadline_changed" in kinds:
            kinds.remove("task_deadline_changed")
    if after or before:
        kinds = [k for k in kinds if k == "lead_status_changed"]
    if responsible:
        kinds = [k for k in kinds if k == "entity_responsible_changed"]
    windows = []
    for kind in kinds:
        ordered = ctx.events.of_type(kind)
        lo, hi = ordered.span(*created) if created else (0, len(ordered.rows))
        if hi > lo:
            windows.append((ordered, lo, hi))
    plain = all(v is None for v in (entities, entity_ids, ids, authors, after, before, responsible))
    if plain and len(windows) <= 1:
        if not windows:
            return View([], 0, 0)
        ordered, lo, hi = windows[0]
        return View(ordered.rows, lo, hi, desc=True)
    key = (
        "events",
        tuple(kinds),
        created,
        *(
            None if v is None else tuple(sorted(map(str, v)))
            for v in (entities, entity_ids, ids, authors, after, before, responsible)
        ),
    )
    found = ctx.store.cached(key)
    if found is not None:
        result: View[Row] = found
        return result

    def keep(row: Row) -> bool:
        entity, entity_id = entity_of(row)
        if entities is not None and entity not in entities:
            return False
        if entity_ids is not None and entity_id not in entity_ids:
            return False
        if ids is not None and row.id not in ids:
            return False
        if authors is not None and author_of(row) not in authors:
            return False
        if after or before or responsible:
            value_after, value_before = values(row)
            if after and not _status_match(value_after, after):
                return False
            if before and not _status_match(value_before, before):
                return False
            if responsible and not any(
                v["responsible_user"]["id"] in responsible for v in value_after
            ):
                return False
        return True

    rows: list[Row] = []
    for ordered, lo, hi in windows:
        rows.extend(r for r in ordered.rows[lo:hi] if keep(r))
    if len(windows) > 1:
        rows.sort(key=windows[0][0].key)
    view = View(rows, 0, len(rows), desc=True)
    ctx.store.cache.put(key, view)
    return view


def list_events(ctx: Ctx) -> Response:
    """GET /api/v4/events: at most 100 per page (§7)."""
    page = paging(ctx.request.query, 100)
    rows, more = select(ctx).page(page.offset, page.limit)
    items = [render(r, ctx.base, ctx.account.id) for r in rows]
    return paged(
        "events",
        items,
        base=ctx.base,
        path=ctx.request.path,
        params=ctx.params,
        page=page.page,
        limit=page.limit,
        more=more,
    )


def get_event(ctx: Ctx) -> Response:
    """GET /api/v4/events/{id}; 204 when unknown."""
    row = ctx.events.by_id(ctx.groups[0])
    return no_content() if row is None else ok(render(row, ctx.base, ctx.account.id))


def event_types(ctx: Ctx) -> Response:
    """GET /api/v4/events/types (§7: `events_types`, `_total_items`)."""
    items = [{"key": k, "type": c, "lang": n} for k, (c, n) in TYPE_NAMES.items()]
    return total("events_types", items, ctx.href)
