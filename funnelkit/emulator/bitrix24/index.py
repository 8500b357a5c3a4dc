"""Sorted id arrays and partitions over the state's tables, so keyset reads never scan.

A table's rows are kept in id order next to an `array` of their ids (bisect
finds a `>ID` bound in microseconds even at 5M history rows). Partitions (deals
by category, history by owner; see partition.py) are built on first use.
Writes through the app update the index in place; a table whose source changed
size behind the app's back (a test editing the state) is rebuilt lazily.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable
from typing import Any

from funnelkit.emulator.bitrix24.partition import Partition
from funnelkit.emulator.state import LEAD_PREFIX, TASK_PREFIX, PortalState
from funnelkit.model import ActivityKind, EntityKind, spa_item_number

IdOf = Callable[[Any], int]


class TableIndex:
    """One table's rows in ascending id order."""

    def __init__(self, rows: list[Any], id_of: IdOf, parts: dict[str, Callable[[Any], Any]]):
        numbers = [id_of(r) for r in rows]
        if numbers != sorted(numbers):
            pairs = sorted(zip(numbers, rows, strict=True), key=lambda p: p[0])
            numbers, rows = [p[0] for p in pairs], [p[1] for p in pairs]
        self.rows: list[Any] = rows
        self.ids = array("q", numbers)
        self.id_of = id_of
        self._part_fns = parts
        self._parts: dict[str, Partition] = {}

    def position(self, ident: int) -> int | None:
        """Where the row with this id sits, if present."""
        pos = bisect_left(self.ids, ident)
        return pos if pos < len(self.ids) and self.ids[pos] == ident else None

    def partition(self, name: str, value: Any) -> array[int] | None:
        """Positions of rows whose `name` equals `value`; None when not a partition field."""
        if name not in self._part_fns:
            return None
        if name not in self._parts:
            self._parts[name] = Partition(self.rows, self._part_fns[name])
        return self._parts[name].get(value)

    def append(self, row: Any) -> None:
        """Add a row whose id is above every other (ids only grow)."""
        pos = len(self.rows)
        self.rows.append(row)
        self.ids.append(self.id_of(row))
        for part in self._parts.values():
            part.add(pos, part.fn(row))

    def replace(self, row: Any) -> None:
        """Swap in a changed row, moving it between partitions if needed."""
        pos = self.position(self.id_of(row))
        if pos is None:
            self.append(row)
            return
        old = self.rows[pos]
        self.rows[pos] = row
        for part in self._parts.values():
            before, after = part.fn(old), part.fn(row)
            if before != after:
                part.remove(pos, before)
                part.add(pos, after)


def _num(text: str) -> int:
    try:
        return int(text)  # the common case, and the fastest
    except ValueError:
        digits = text.lstrip("LTlt")
        return int(digits) if digits.isdigit() else 0


def _row_num(row: Any) -> int:
    return _num(row.id)


def _item_num(row: Any) -> int:
    return spa_item_number(row.id)


ITEM_TABLE = "item:"


def item_table(entity_type: int) -> str:
    """The index name of one smart process's items."""
    return f"{ITEM_TABLE}{entity_type}"


def _type_of(table: str) -> int:
    return int(table[len(ITEM_TABLE) :])


def _source_of(table: str) -> str:
    return "items" if table.startswith(ITEM_TABLE) else _SOURCE[table]


class Indexes:
    """Lazily built indexes of every table the Bitrix24 app serves."""

    def __init__(self, state: PortalState, parts: dict[str, dict[str, Callable[[Any], Any]]]):
        self.state = state
        self._parts = parts
        self._tables: dict[str, TableIndex] = {}
        self._sizes: dict[str, int] = {}

    def _source(self, table: str) -> tuple[str, list[Any]]:
        s = self.state
        if table.startswith(ITEM_TABLE):  # one smart process's items: "item:1038"
            funnels = {f.id for f in s.funnels.values() if f.entity_type_id == _type_of(table)}
            return "items", [i for i in s.items.values() if i.funnel_id in funnels]
        if table in ("deal", "lead"):
            want = EntityKind.DEAL if table == "deal" else EntityKind.LEAD
            return "deals", [d for d in s.deals.values() if d.entity is want]
        if table in ("history_deal", "history_lead"):
            lead = table == "history_lead"
            rows = [t for t in s.transitions if t.deal_id.startswith(LEAD_PREFIX) == lead]
            if not lead:
                rows = _current_category(s, rows)
            return "transitions", rows
        if table in ("activity", "task"):
            task = table == "task"
            # A note is a timeline comment, not a crm.activity row (unverified: the notes
            # list no activity type for it), so crm.activity.list never serves one.
            acts = [
                a
                for a in s.activities
                if a.id.startswith(TASK_PREFIX) == task and a.kind is not ActivityKind.NOTE
            ]
            return "activities", acts
        if table == "user":
            return "users", list(s.users.values())
        if table == "contact":
            return "contacts", list(s.contacts.values())
        return "companies", list(s.companies.values())

    def _size(self, source: str) -> int:
        return len(getattr(self.state, source))

    def get(self, table: str) -> TableIndex:
        """The table's index, rebuilt if its source changed size outside the app."""
        source = _source_of(table)
        current = self._tables.get(table)
        if current is None or self._sizes.get(table) != self._size(source):
            _, rows = self._source(table)
            id_of = _item_num if source == "items" else _row_num
            current = TableIndex(rows, id_of, self._parts.get(table, {}))
            self._tables[table] = current
            self._sizes[table] = self._size(source)
        return current

    def warm(self) -> None:
        """Build every index and partition now (a benchmark calls this before timing)."""
        for table in _SOURCE:
            index = self.get(table)
            for name in self._parts.get(table, {}):
                index.partition(name, None)

    def appended(self, table: str, row: Any) -> None:
        """The app added `row` to the state: extend the index instead of rebuilding it."""
        source = _source_of(table)
        for name in list(self._tables):
            if _source_of(name) == source and self._sizes.get(name) == self._size(source) - 1:
                self._sizes[name] += 1
        if table in self._tables:
            self._tables[table].append(row)

    def forget(self, table: str) -> None:
        """Drop a table's index: its rows are no longer the same set (a deal changed funnel)."""
        self._tables.pop(table, None)
        self._sizes.pop(table, None)

    def replaced(self, table: str, row: Any) -> None:
        """The app changed `row` in place."""
        if table in self._tables:
            self._tables[table].replace(row)


def _current_category(state: PortalState, rows: list[Any]) -> list[Any]:
    """crm.stagehistory.list keeps only the stages of the deal's current category: a deal
    moved from funnel A to B no longer shows its A rows (bitrix24.md, "Stage history after a
    category change"; b24restdocs issue 8)."""
    deals = state.deals
    out = []
    for t in rows:
        deal = deals.get(t.deal_id)
        if deal is None or deal.funnel_id == t.funnel_id:
            out.append(t)
    return out


_SOURCE = {
    "deal": "deals",
    "lead": "deals",
    "history_deal": "transitions",
    "history_lead": "transitions",
    "activity": "activities",
    "task": "activities",
    "user": "users",
    "contact": "contacts",
    "company": "companies",
}
