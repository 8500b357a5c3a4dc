"""The app's indexes over PortalState: built on first use, kept current by the app's writes."""

from __future__ import annotations

import threading
from typing import Any

from funnelkit.emulator.amocrm.index import Key, Ordered, ResultCache, pack
from funnelkit.emulator.amocrm.wire import num
from funnelkit.emulator.state import TASK_PREFIX, PortalState
from funnelkit.model import Activity, Deal


def _by_id(deal: Deal) -> Key:
    return pack(num(deal.id) or 0, 0)


def _by_updated(deal: Deal) -> Key:
    stamp = deal.modified_at if deal.modified_at is not None else deal.created_at
    return pack(stamp, num(deal.id) or 0)


def _by_created(deal: Deal) -> Key:
    return pack(deal.created_at, num(deal.id) or 0)


def _task_key(task: Activity) -> Key:
    return pack(num(task.id) or 0, 0)


LEAD_KEYS = {"id": _by_id, "updated_at": _by_updated, "created_at": _by_created}


class Store:
    """Sorted views of leads and tasks plus derived lookups.

    Code that changes `state` behind the app's back calls `invalidate()`; a change
    in the number of rows is noticed on its own.
    """

    def __init__(self, state: PortalState) -> None:
        self.state = state
        self.cache = ResultCache()
        self._lock = threading.RLock()
        self._leads: dict[str, Ordered[Deal]] | None = None
        self._leads_seen = -1
        self._tasks: Ordered[Activity] | None = None
        self._tasks_seen = -1
        self._closest: dict[str, int] | None = None
        self._contact_leads: dict[str, list[str]] | None = None

    def invalidate(self) -> None:
        """Drop everything; rebuilt on next use."""
        with self._lock:
            self._leads = None
            self._tasks = None
            self._closest = None
            self._contact_leads = None
            self.cache.clear()

    def leads(self, order: str) -> Ordered[Deal]:
        """Leads sorted by "id", "updated_at" or "created_at" (id breaks ties)."""
        with self._lock:
            if self._leads is None or self._leads_seen != len(self.state.deals):
                self._leads = {}
                self._leads_seen = len(self.state.deals)
                self._contact_leads = None
                self.cache.clear()
            if order not in self._leads:
                # one order at a time: a pull rarely needs more than one
                rows = list(self.state.deals.values())
                self._leads[order] = Ordered(rows, LEAD_KEYS[order])
            return self._leads[order]

    def put_lead(self, old: Deal | None, new: Deal) -> None:
        """Record a lead write in the state and the indexes."""
        with self._lock:
            self.state.deals[new.id] = new
            if self._leads is not None and self._leads_seen == len(self.state.deals) - (
                0 if old is not None else 1
            ):
                for ordered in self._leads.values():
                    if old is not None:
                        ordered.remove(old)
                    ordered.add(new)
                self._leads_seen = len(self.state.deals)
            else:
                self._leads = None
            self._contact_leads = None
            self.cache.clear()

    def tasks(self) -> Ordered[Activity]:
        """Tasks (state activities with a "T" id) by numeric id."""
        with self._lock:
            if self._tasks is None or self._tasks_seen != len(self.state.activities):
                rows = [a for a in self.state.activities if a.id.startswith(TASK_PREFIX)]
                self._tasks = Ordered(rows, _task_key)
                self._tasks_seen = len(self.state.activities)
                self._closest = None
                self.cache.clear()
            return self._tasks

    def put_task(self, index: int | None, new: Activity) -> None:
        """Record a task write (`index` into state.activities, None to append)."""
        with self._lock:
            if index is None:
                self.state.activities.append(new)
            else:
                self.state.activities[index] = new
            self._tasks = None
            self._closest = None
            self.cache.clear()

    def closest_task_at(self, deal_id: str) -> int | None:
        """The nearest deadline of a lead's open tasks (the lead field `closest_task_at`)."""
        with self._lock:
            if self._closest is None:
                found: dict[str, int] = {}
                for task in self.tasks().rows:
                    if task.done or task.deal_id is None or task.deadline is None:
                        continue
                    known = found.get(task.deal_id)
                    if known is None or task.deadline < known:
                        found[task.deal_id] = task.deadline
                self._closest = found
            return self._closest.get(deal_id)

    def leads_of_contact(self, contact_id: str) -> list[str]:
        """Ids of the leads a contact is linked to."""
        with self._lock:
            if self._contact_leads is None:
                table: dict[str, list[str]] = {}
                for deal in self.state.deals.values():
                    for cid in deal.contact_ids:
                        table.setdefault(cid, []).append(deal.id)
                self._contact_leads = table
            return list(self._contact_leads.get(contact_id, ()))

    def cached(self, key: Any) -> Any:
        """A cached query result."""
        return self.cache.get(key)
