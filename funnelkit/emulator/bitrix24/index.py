"""Sorted id arrays and partitions over the state's tables, so keyset reads never scan.

A table's rows are kept in id order next to an `array` of their ids (bisect
finds a `>ID` bound in microseconds even at 5M history rows). Partitions
(deals by category, history by owner) hold row positions and are built on first
use. Writes through the app update the index in place; a table whose source
changed size behind the app's back (a test editing the state) is rebuilt lazily.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, insort
from collections.abc import Callable
from typing import Any

from funnelkit.emulator.state import LEAD_PREFIX, TASK_PREFIX, PortalState
from funnelkit.model import EntityKind

IdOf = Callable[[Any], int]


class TableIndex:
    """One table's rows in ascending id order."""

    def __init__(self, rows: list[Any], id_of: IdOf, parts: dict[str, Callable[[Any], Any]]):
        pairs = [(id_of(r), r) for r in rows]
        if any(pairs[i][0] > pairs[i + 1][0] for i in range(len(pairs) - 1)):
            pairs.sort(key=lambda p: p[0])
        self.rows: list[Any] = [r for _, r in pairs]
        self.ids = array("q", (i for i, _ in pairs))
        self.id_of = id_of
        self._part_fns = parts
        self._parts: dict[str, dict[Any, array[int]]] = {}

    def position(self, ident: int) -> int | None:
        """Where the row with this id sits, if present."""
        pos = bisect_left(self.ids, ident)
        return pos if pos < len(self.ids) and self.ids[pos] == ident else None

    def partition(self, name: str, value: Any) -> array[int] | None:
        """Positions of rows whose `name` equals `value`; None when not a partition field."""
        if name not in self._part_fns:
            return None
        if name not in self._parts:
            fn = self._part_fns[name]
            built: dict[Any, array[int]] = {}
            for pos, row in enumerate(self.rows):
                built.setdefault(fn(row), array("q")).append(pos)
            self._parts[name] = built
        return self._parts[name].get(value, array("q"))

    def append(self, row: Any) -> None:
        """Add a row whose id is above every other (ids only grow)."""
        pos = len(self.rows)
        self.rows.append(row)
        self.ids.append(self.id_of(row))
        for name, parts in self._parts.items():
            parts.setdefault(self._part_fns[name](row), array("q")).append(pos)

    def replace(self, row: Any) -> None:
        """Swap in a changed row, moving it between partitions if needed."""
        pos = self.position(self.id_of(row))
        if pos is None:
            self.append(row)
            return
        old = self.rows[pos]
        self.rows[pos] = row
        for name, parts in self._parts.items():
            fn = self._part_fns[name]
            before, after = fn(old), fn(row)
            if before == after:
                continue
            bucket = parts.get(before)
            if bucket is not None:
                at = bisect_left(bucket, pos)
                if at < len(bucket) and bucket[at] == pos:
                    del bucket[at]
            target = parts.setdefault(after, array("q"))
            insort(target, pos)


def _num(text: str) -> int:
    digits = text.lstrip("LTlt")
    return int(digits) if digits.isdigit() else 0


class Indexes:
    """Lazily built indexes of every table the Bitrix24 app serves."""

    def __init__(self, state: PortalState, parts: dict[str, dict[str, Callable[[Any], Any]]]):
        self.state = state
        self._parts = parts
        self._tables: dict[str, TableIndex] = {}
        self._sizes: dict[str, int] = {}

    def _source(self, table: str) -> tuple[str, list[Any]]:
        s = self.state
        if table in ("deal", "lead"):
            want = EntityKind.DEAL if table == "deal" else EntityKind.LEAD
            return "deals", [d for d in s.deals.values() if d.entity is want]
        if table in ("history_deal", "history_lead"):
            lead = table == "history_lead"
            rows = [t for t in s.transitions if t.deal_id.startswith(LEAD_PREFIX) == lead]
            return "transitions", rows
        if table in ("activity", "task"):
            task = table == "task"
            return "activities", [a for a in s.activities if a.id.startswith(TASK_PREFIX) == task]
        if table == "user":
            return "users", list(s.users.values())
        if table == "contact":
            return "contacts", list(s.contacts.values())
        return "companies", list(s.companies.values())

    def _size(self, source: str) -> int:
        return len(getattr(self.state, source))

    def get(self, table: str) -> TableIndex:
        """The table's index, rebuilt if its source changed size outside the app."""
        source = _SOURCE[table]
        current = self._tables.get(table)
        if current is None or self._sizes.get(table) != self._size(source):
            _, rows = self._source(table)
            current = TableIndex(rows, lambda r: _num(r.id), self._parts.get(table, {}))
            self._tables[table] = current
            self._sizes[table] = self._size(source)
        return current

    def appended(self, table: str, row: Any) -> None:
        """The app added `row` to the state: extend the index instead of rebuilding it."""
        source = _SOURCE[table]
        for name in list(self._tables):
            if _SOURCE[name] == source and self._sizes.get(name) == self._size(source) - 1:
                self._sizes[name] += 1
        if table in self._tables:
            self._tables[table].append(row)

    def replaced(self, table: str, row: Any) -> None:
        """The app changed `row` in place."""
        if table in self._tables:
            self._tables[table].replace(row)


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
