"""Events (amocrm.md §7) derived from the state's history rows, with per-type time indexes.

Mapping (state → event type):
transitions → `lead_status_changed` (the first row of a lead → `lead_added`);
responsible changes → `entity_responsible_changed`; deadline changes →
`task_deadline_changed`; non-task activities → ACTIVITY_EVENTS below. The row id is
the event id.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from funnelkit.emulator.amocrm.index import Key, Ordered, pack
from funnelkit.emulator.amocrm.wire import num
from funnelkit.emulator.state import TASK_PREFIX, PortalState
from funnelkit.model import (
    Activity,
    ActivityKind,
    DeadlineChange,
    ResponsibleChange,
    StageTransition,
    TransitionKind,
)


@dataclass(frozen=True, slots=True)
class Deletion:
    """An entity removed from the account (UI or trash): served as `<entity>_deleted`."""

    id: str
    entity: str  # "lead" | "contact" | "company" | "task"
    entity_id: str
    at: int
    by: str | None = None


Row = StageTransition | ResponsibleChange | DeadlineChange | Activity | Deletion
DELETED_TYPES = ("lead_deleted", "contact_deleted", "company_deleted", "task_deleted")

# unverified: §7 names incoming/outgoing calls and chat messages and "note-type events"
# ({note:{id}}); the notes give no event for e-mails or meetings, so those two are
# this emulator's own choice and a connector should treat them as such.
ACTIVITY_EVENTS: dict[ActivityKind, str] = {
    ActivityKind.CALL: "outgoing_call",
    ActivityKind.MESSAGE: "incoming_chat_message",
    ActivityKind.NOTE: "common_note_added",
    ActivityKind.EMAIL: "amomail_message_note_added",
    ActivityKind.MEETING: "meeting_note_added",
}
LEAD_TYPES = ("lead_added", "lead_status_changed", "entity_responsible_changed", "lead_deleted")
ALL_TYPES = (
    *LEAD_TYPES,
    "task_deadline_changed",
    *ACTIVITY_EVENTS.values(),
    *DELETED_TYPES[1:],
)


def kind_of(row: Row) -> str:
    """The event type a state row is served as."""
    if isinstance(row, StageTransition):
        created = row.kind == TransitionKind.CREATED or row.from_stage_id is None
        return "lead_added" if created else "lead_status_changed"
    if isinstance(row, ResponsibleChange):
        return "entity_responsible_changed"
    if isinstance(row, DeadlineChange):
        return "task_deadline_changed"
    if isinstance(row, Deletion):
        return f"{row.entity}_deleted"
    return ACTIVITY_EVENTS[row.kind]


def time_of(row: Row) -> int:
    """When the event happened."""
    return row.created_at if isinstance(row, Activity) else row.at


def entity_of(row: Row) -> tuple[str, int | None]:
    """(entity_type, entity_id): singular names, unlike tasks' plural (§7)."""
    if isinstance(row, StageTransition | ResponsibleChange):
        return "lead", num(row.deal_id)
    if isinstance(row, DeadlineChange):
        return "task", num(row.task_id)
    if isinstance(row, Deletion):
        return row.entity, num(row.entity_id)
    if row.deal_id is not None:
        return "lead", num(row.deal_id)
    return "contact", num(row.contact_id)


def author_of(row: Row) -> int:
    """created_by: 0 when the vendor records no one (robots, the system)."""
    by = row.responsible_id if isinstance(row, Activity) else row.by
    return num(by) or 0


def _key(row: Row) -> Key:
    return pack(time_of(row), num(row.id) or 0)


class EventIndex:
    """Per event type, the rows sorted by (time, id); kept current as history grows."""

    def __init__(self, state: PortalState) -> None:
        self.state = state
        self._lock = threading.RLock()
        self._by_type: dict[str, Ordered[Row]] = {}
        self._seen: dict[str, int] = {}
        self._by_id: dict[str, Row] | None = None
        self.deletions: list[Deletion] = []

    def _sources(self) -> dict[str, list[Any]]:
        return {
            "transitions": self.state.transitions,
            "responsible": self.state.responsible_changes,
            "deadlines": self.state.deadline_changes,
            "activities": self.state.activities,
            "deletions": self.deletions,
        }

    def _refresh(self) -> None:
        for name, rows in self._sources().items():
            seen = self._seen.get(name, -1)
            if seen == len(rows):
                continue
            if 0 <= seen < len(rows) and self._by_type:
                for row in rows[seen:]:
                    self._insert(row)
            else:
                self._rebuild(name, rows)
            self._seen[name] = len(rows)
            self._by_id = None

    def _served(self, row: Row) -> bool:
        return not (
            isinstance(row, Activity)
            and (row.id.startswith(TASK_PREFIX) or row.kind == ActivityKind.TASK)
        )

    def _insert(self, row: Row) -> None:
        if not self._served(row):
            return
        ordered = self._by_type.setdefault(kind_of(row), Ordered([], _key))
        if not ordered.rows or _key(ordered.rows[-1]) <= _key(row):
            ordered.rows.append(row)
        else:
            ordered.add(row)

    def _rebuild(self, name: str, rows: list[Any]) -> None:
        groups: dict[str, list[Row]] = {}
        for row in rows:
            if self._served(row):
                groups.setdefault(kind_of(row), []).append(row)
        owned = _types_of_source(name)
        for kind in owned:
            self._by_type[kind] = Ordered(groups.get(kind, []), _key)

    def of_type(self, kind: str) -> Ordered[Row]:
        """The sorted rows of one event type."""
        with self._lock:
            self._refresh()
            return self._by_type.get(kind) or Ordered([], _key)

    def by_id(self, event_id: str) -> Row | None:
        """One event by its id (an id → row table built on first use)."""
        with self._lock:
            self._refresh()
            if self._by_id is None:
                self._by_id = {r.id: r for o in self._by_type.values() for r in o.rows}
            return self._by_id.get(event_id)

    def invalidate(self) -> None:
        """Forget everything; rebuilt on next use."""
        with self._lock:
            self._by_type.clear()
            self._seen.clear()
            self._by_id = None


def _types_of_source(name: str) -> tuple[str, ...]:
    return {
        "transitions": ("lead_added", "lead_status_changed"),
        "responsible": ("entity_responsible_changed",),
        "deadlines": ("task_deadline_changed",),
        "activities": tuple(ACTIVITY_EVENTS.values()),
        "deletions": DELETED_TYPES,
    }[name]


def values(row: Row) -> tuple[list[Any], list[Any]]:
    """(value_after, value_before) in the shapes of §7."""
    if isinstance(row, StageTransition):
        if kind_of(row) == "lead_added":
            return [], []
        after = [{"lead_status": {"id": num(row.to_stage_id), "pipeline_id": num(row.funnel_id)}}]
        before_funnel = row.from_funnel_id or row.funnel_id
        before = [
            {"lead_status": {"id": num(row.from_stage_id), "pipeline_id": num(before_funnel)}}
        ]
        return after, before
    if isinstance(row, ResponsibleChange):
        return _one("responsible_user", row.to_user_id), _one("responsible_user", row.from_user_id)
    if isinstance(row, Deletion):
        return [], []
    if isinstance(row, DeadlineChange):
        after = (
            [] if row.new_deadline is None else [{"task_deadline": {"timestamp": row.new_deadline}}]
        )
        before = (
            [] if row.old_deadline is None else [{"task_deadline": {"timestamp": row.old_deadline}}]
        )
        return after, before
    if row.kind == ActivityKind.MESSAGE:
        return [{"message": {"id": row.id}}], []  # unverified shape
    return [{"note": {"id": num(row.id)}}], []


def _one(name: str, user: str | None) -> list[Any]:
    return [] if user is None else [{name: {"id": num(user)}}]


def render(row: Row, base: str, account_id: int) -> dict[str, Any]:
    """One event object (§7 list example)."""
    entity, entity_id = entity_of(row)
    after, before = values(row)
    plural = {"lead": "leads", "contact": "contacts", "task": "tasks", "company": "companies"}[
        entity
    ]
    return {
        "id": row.id,
        "type": kind_of(row),
        "entity_id": entity_id,
        "entity_type": entity,
        "created_by": author_of(row),
        "created_at": time_of(row),
        "value_after": after,
        "value_before": before,
        "account_id": account_id,
        "_links": {"self": {"href": f"{base}/api/v4/events/{row.id}"}},
        "_embedded": {
            "entity": {
                "id": entity_id,
                "_links": {"self": {"href": f"{base}/api/v4/{plural}/{entity_id}"}},
            }
        },
    }
