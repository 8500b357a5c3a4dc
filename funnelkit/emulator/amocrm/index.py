"""Lazily built sorted indexes and a small cache of materialised query results.

A pull pages through a million leads inside a frozen `updated_at` window; each page
must cost a bisect and a slice, not a scan. Writes update the sorted lists in place
and clear the result cache.
"""

from __future__ import annotations

import bisect
import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Key = int
BIG = 200_000  # rows from which an index freezes the heap (see Ordered)
MASK = 0xFFFFFFFF


def pack(stamp: int, tiebreak: int) -> Key:
    """One int per row: integer comparisons sort a million rows twice as fast as tuples."""
    return (stamp << 32) | (tiebreak & MASK)


class Ordered(Generic[T]):
    """Rows sorted by a packed (stamp, tiebreak) key; range lookups by the stamp."""

    def __init__(self, rows: list[T], key: Callable[[T], Key]) -> None:
        self.key = key
        self.rows = sorted(rows, key=key)
        if len(self.rows) >= BIG:
            # Millions of long-lived rows make every full GC pass cost hundreds of ms, which
            # shows up as random slow pages; frozen objects are skipped by the collector.
            gc.freeze()

    def span(self, low: int | None, high: int | None) -> tuple[int, int]:
        """Index bounds of rows whose stamp lies in [low, high]."""
        lo = 0 if low is None else bisect.bisect_left(self.rows, pack(low, 0), key=self.key)
        hi = (
            len(self.rows)
            if high is None
            else bisect.bisect_right(self.rows, pack(high, MASK), key=self.key)
        )
        return lo, max(lo, hi)

    def remove(self, row: T) -> None:
        """Drop one row (by identity) if present."""
        at = bisect.bisect_left(self.rows, self.key(row), key=self.key)
        while at < len(self.rows) and self.key(self.rows[at]) == self.key(row):
            if self.rows[at] is row:
                del self.rows[at]
                return
            at += 1

    def add(self, row: T) -> None:
        """Insert one row in order."""
        bisect.insort_right(self.rows, row, key=self.key)


@dataclass(frozen=True, slots=True)
class View(Generic[T]):
    """A window of a sorted list, read forwards or backwards, without copying it."""

    rows: Sequence[T]
    lo: int
    hi: int
    desc: bool = False

    def __len__(self) -> int:
        return self.hi - self.lo

    def page(self, offset: int, limit: int) -> tuple[list[T], bool]:
        """Rows of one page, and whether more follow."""
        size = len(self)
        if offset >= size:
            return [], False
        end = min(size, offset + limit)
        if self.desc:
            picked = [self.rows[self.hi - 1 - i] for i in range(offset, end)]
        else:
            picked = list(self.rows[self.lo + offset : self.lo + end])
        return picked, end < size


class ResultCache:
    """The last few materialised results, dropped on every write."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, View[Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> View[Any] | None:
        """A cached result."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, value: View[Any]) -> None:
        """Remember a result."""
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (after a write)."""
        with self._lock:
            self._items.clear()
