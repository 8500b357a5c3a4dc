"""Routes of /api/v4/events: filters by type, time, entity and value; 100 per page (§7)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
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
from funnelkit.emulator.amocrm.hal import no_content, ok, total
from funnelkit.emulator.amocrm.index import View
from funnelkit.emulator.amocrm.query import ints, paging, span, strs
from funnelkit.emulator.serving.server import Response

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


@dataclass(frozen=True)
class EventQuery:
    """The filters of one events request (§7); unknown ones are ignored, as the API does."""

    kinds: tuple[str, ...]
    created: tuple[int | None, int | None] | None
    entities: set[str] | None
    entity_ids: set[int] | None
    ids: set[str] | None
    authors: set[int] | None
    after: set[tuple[int | None, int | None]] | None
    before: set[tuple[int | None, int | None]] | None
    responsible: set[int] | None

    @classmethod
    def parse(cls, query: dict[str, Any]) -> EventQuery:
        """Read `filter[...]` from the nested query."""
        flt = query.get("filter")
        flt = flt if isinstance(flt, dict) else {}
        wanted = strs(flt.get("type"))
        value_after = flt.get("value_after")
        resp = value_after.get("responsible_user_id") if isinstance(value_after, dict) else None
        made = cls(
            kinds=tuple(k for k in ALL_TYPES if wanted is None or k in wanted),
            created=span(flt.get("created_at"), "filter[created_at]"),
            entities=strs(flt.get("entity")),
            entity_ids=ints(flt.get("entity_id"), "filter[entity_id]"),
            ids=strs(flt.get("id")),
            authors=ints(flt.get("created_by"), "filter[created_by]"),
            after=_status_pairs(value_after),
            before=_status_pairs(flt.get("value_before")),
            responsible=ints(resp, "responsible_user_id"),
        )
        return made.narrowed()

    def narrowed(self) -> EventQuery:
        """Drop event types that cannot match, before any row is read."""
        kinds = list(self.kinds)
        if self.entities is not None:
            kinds = [k for k in kinds if k not in LEAD_TYPES or "lead" in self.entities]
            if "task" not in self.entities and "task_deadline_changed" in kinds:
                kinds.remove("task_deadline_changed")
        if self.after or self.before:
            kinds = [k for k in kinds if k == "lead_status_changed"]
        if self.responsible:
            kinds = [k for k in kinds if k == "entity_responsible_changed"]
        return dataclasses.replace(self, kinds=tuple(kinds))

    @property
    def row_filters(self) -> tuple[Any, ...]:
        """The filters that need each row looked at."""
        return (
            self.entities,
            self.entity_ids,
            self.ids,
            self.authors,
            self.after,
            self.before,
            self.responsible,
        )

    def cache_key(self) -> tuple[Any, ...]:
        """A hashable identity of the query."""
        parts = (None if v is None else tuple(sorted(map(str, v))) for v in self.row_filters)
        return ("events", self.kinds, self.created, *parts)

    def keep(self, row: Row) -> bool:
        """Whether a row passes the row-level filters."""
        entity, entity_id = entity_of(row)
        if (self.entities is not None and entity not in self.entities) or (
            self.entity_ids is not None and entity_id not in self.entity_ids
        ):
            return False
        if (self.ids is not None and row.id not in self.ids) or (
            self.authors is not None and author_of(row) not in self.authors
        ):
            return False
        if not (self.after or self.before or self.responsible):
            return True
        value_after, value_before = values(row)
        return (
            (not self.after or _status_match(value_after, self.after))
            and (not self.before or _status_match(value_before, self.before))
            and (
                not self.responsible
                or any(v["responsible_user"]["id"] in self.responsible for v in value_after)
            )
        )


def select(ctx: Ctx) -> View[Row]:
    """The events a list request matches, newest first (unverified order: the API takes no
    `order` for events, §7), cached until history grows."""
    query = EventQuery.parse(ctx.query)
    windows = []
    for kind in query.kinds:
        ordered = ctx.events.of_type(kind)
        lo, hi = ordered.span(*query.created) if query.created else (0, len(ordered.rows))
        if hi > lo:
            windows.append((ordered, lo, hi))
    plain = all(v is None for v in query.row_filters)
    if plain and len(windows) <= 1:
        if not windows:
            return View([], 0, 0)
        ordered, lo, hi = windows[0]
        return View(ordered.rows, lo, hi, desc=True)  # a bisected window: nothing to cache
    found = ctx.store.cached(query.cache_key())
    if found is not None:
        result: View[Row] = found
        return result
    rows: list[Row] = []
    for ordered, lo, hi in windows:
        part = ordered.rows[lo:hi]
        rows.extend(part if plain else [r for r in part if query.keep(r)])
    if len(windows) > 1:
        rows.sort(key=windows[0][0].key)
    view = View(rows, 0, len(rows), desc=True)
    ctx.store.cache.put(query.cache_key(), view)
    return view


def list_events(ctx: Ctx) -> Response:
    """GET /api/v4/events: at most 100 per page (§7)."""
    page = paging(ctx.request.query, 100)
    rows, more = select(ctx).page(page.offset, page.limit)
    items = [render(r, ctx.base, ctx.account.id) for r in rows]
    return ctx.page("events", items, page, more)


def get_event(ctx: Ctx) -> Response:
    """GET /api/v4/events/{id}; 204 when unknown."""
    row = ctx.events.by_id(ctx.groups[0])
    return no_content() if row is None else ok(render(row, ctx.base, ctx.account.id))


def event_types(ctx: Ctx) -> Response:
    """GET /api/v4/events/types (§7: `events_types`, `_total_items`)."""
    items = [{"key": k, "type": c, "lang": n} for k, (c, n) in TYPE_NAMES.items()]
    return total("events_types", items, ctx.href)
